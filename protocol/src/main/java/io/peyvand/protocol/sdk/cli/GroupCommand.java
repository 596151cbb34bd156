package io.peyvand.protocol.sdk.cli;

import io.peyvand.protocol.Addresses;
import io.peyvand.protocol.sdk.PeyvandClient;
import io.peyvand.protocol.v1.ChangeMembersRequest;
import io.peyvand.protocol.v1.CreateGroupRequest;
import io.peyvand.protocol.v1.Envelope;
import io.peyvand.protocol.v1.GroupAddress;
import io.peyvand.protocol.v1.GroupKind;
import io.peyvand.protocol.v1.HistoryItem;
import io.peyvand.protocol.v1.HistoryPage;
import io.peyvand.protocol.v1.HistoryRequest;
import io.peyvand.protocol.v1.MemberChange;
import io.peyvand.protocol.v1.Text;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code group}: the Groups service by hand, acting for one user of the calling platform ({@code
 * --as PLATFORM:USER}, whose platform's certificate is used), one line per answer: a group as
 * {@link GroupFormat#info}, a history item as {@link GroupFormat#line}, a post as {@code send}
 * prints a submission. The member changes (add ... unmute) and info also serve channels; {@code
 * channel} has the channel's own words.
 *
 * <p>The subcommands that differ only in the value they send (create's kind, the member change's
 * op, join or leave) are one class each made with that value, named and described by {@link
 * Subcommands}; the others are listed in the annotation.
 */
@Command(
    name = "group",
    description = "Groups by hand: create, change members, join, leave, rename, post, look up.",
    subcommands = {
      GroupCommand.Title.class,
      GroupCommand.Info.class,
      GroupCommand.Post.class,
      GroupCommand.History.class
    },
    modelTransformer = GroupCommand.Subcommands.class)
final class GroupCommand extends GroupsCommand {

  /** The subcommands of one class each made with another value, before the annotation's. */
  static final class Subcommands implements CommandLine.IModelTransformer {
    @Override
    public CommandSpec transform(CommandSpec group) {
      List<CommandLine> first = new ArrayList<>();
      first.add(
          GroupCall.named(
              "create",
              "Create a group at the --as user's platform; they become its owner.",
              new Creating(GroupKind.GROUP)));
      // add ... unmute, in the order of groups.proto
      for (MemberChange.Op op : EnumSet.range(MemberChange.Op.ADD, MemberChange.Op.UNMUTE)) {
        first.add(
            GroupCall.named(
                op.name().toLowerCase(Locale.ROOT), Changing.description(op), new Changing(op)));
      }
      first.add(
          GroupCall.named("join", "The --as user joins an open group.", new Membership(true)));
      first.add(GroupCall.named("leave", "The --as user leaves the group.", new Membership(false)));
      return GroupCall.withFirst(group, first);
    }
  }

  /** A Groups call acting for one user: {@code --as}, whose platform calls. */
  abstract static class Acting extends ActingCall {
    Acting() {
      super(GroupCall.SERVICE, GroupCall.FEATURE);
    }
  }

  /** {@code create}: shared by group create and channel create, which differ in the kind made. */
  static final class Creating extends Acting {
    @Parameters(
        index = "0",
        paramLabel = "GROUP",
        description =
            "Its address, e.g. eitaa:family:"
                + " the creator's platform, then that platform's id for it.")
    String group;

    @Option(
        names = "--title",
        required = true,
        paramLabel = "TITLE",
        description = "Its name, 1-256 bytes of UTF-8.")
    String title;

    @Option(names = "--open", description = "Anyone may join (subscribe) without being added.")
    boolean open;

    private final GroupKind kind;

    Creating(GroupKind kind) {
      this.kind = kind;
    }

    @Override
    void run(PeyvandClient client, PrintWriter out) throws Exception {
      out.println(
          GroupFormat.info(
              await(
                  client.createGroup(
                      CreateGroupRequest.newBuilder()
                          .setGroup(group(group))
                          .setActor(actor())
                          .setTitle(title)
                          .setKind(kind)
                          .setOpen(open)
                          .build()))));
    }
  }

  /**
   * The member changes (add ... unmute, named after their op): one ChangeMembers call with the op
   * for each user named.
   */
  static final class Changing extends Acting {
    @Parameters(index = "0", paramLabel = "GROUP", description = "e.g. eitaa:family")
    String group;

    @Parameters(
        index = "1..*",
        arity = "1..*",
        paramLabel = "PLATFORM:USER",
        description = "The members to change (1-1000), of any platform.")
    List<String> users;

    private final MemberChange.Op op;

    Changing(MemberChange.Op op) {
      this.op = op;
    }

    /** The usage line of the subcommand named after {@code op}. */
    static String description(MemberChange.Op op) {
      return switch (op) {
        case ADD -> "Add members (owner and admins only).";
        case REMOVE -> "Remove members (owner and admins only).";
        case PROMOTE -> "Make members admins (owner and admins only); in a channel admins post.";
        case DEMOTE -> "Make admins plain members again.";
        case MUTE -> "Keep members from posting (they still receive).";
        case UNMUTE -> "Let muted members post again.";
        default -> throw new IllegalArgumentException("no subcommand for " + op);
      };
    }

    @Override
    void run(PeyvandClient client, PrintWriter out) throws Exception {
      ChangeMembersRequest.Builder request =
          ChangeMembersRequest.newBuilder().setGroup(group(group)).setActor(actor());
      for (String user : users) {
        request.addChanges(
            MemberChange.newBuilder().setUser(user(user, "PLATFORM:USER")).setOp(op));
      }
      out.println(GroupFormat.info(await(client.changeMembers(request.build()))));
    }
  }

  /** Join or leave: shared by group join/leave and channel subscribe/unsubscribe. */
  static final class Membership extends Acting {
    @Parameters(index = "0", paramLabel = "GROUP", description = "e.g. eitaa:family")
    String group;

    private final boolean joining;

    Membership(boolean joining) {
      this.joining = joining;
    }

    @Override
    void run(PeyvandClient client, PrintWriter out) throws Exception {
      GroupAddress address = group(group);
      out.println(
          GroupFormat.info(
              await(joining ? client.join(address, actor()) : client.leave(address, actor()))));
    }
  }

  @Command(
      name = "title",
      mixinStandardHelpOptions = true,
      description = "Rename a group (owner and admins only).")
  static final class Title extends Acting {
    @Parameters(index = "0", paramLabel = "GROUP", description = "e.g. eitaa:family")
    String group;

    @Parameters(
        index = "1..*",
        arity = "1..*",
        paramLabel = "TITLE",
        description = "The new name (the words joined with spaces).")
    List<String> title;

    @Override
    void run(PeyvandClient client, PrintWriter out) throws Exception {
      out.println(
          GroupFormat.info(await(client.setTitle(group(group), actor(), String.join(" ", title)))));
    }
  }

  /** {@code info}: shared by group info and channel info. */
  @Command(
      name = "info",
      mixinStandardHelpOptions = true,
      description = "What a group (or channel) is: kind, title, owner, members per platform.")
  static final class Info extends GroupCall {
    @Parameters(index = "0", paramLabel = "GROUP", description = "e.g. eitaa:family")
    String group;

    @Option(
        names = "--platform",
        paramLabel = "PLATFORM",
        description =
            "The platform calling (whose certificate is used); default the group's"
                + " home platform.")
    String platformId;

    @Override
    String platform() {
      return platformId != null ? platformId : group(group).getPlatformId();
    }

    @Override
    void run(PeyvandClient client, PrintWriter out) throws Exception {
      out.println(GroupFormat.info(await(client.getGroup(group(group)))));
    }
  }

  /**
   * {@code post}: a text to the group through the unary Submit, like {@code send}; shared by group
   * post and channel post.
   */
  @Command(
      name = "post",
      mixinStandardHelpOptions = true,
      description = "Post a text to a group (a channel: owner and admins) and print the answer.")
  static final class Post implements Callable<Integer> {
    @Mixin SubmitOptions submitting = new SubmitOptions();

    @Parameters(index = "0", paramLabel = "GROUP", description = "e.g. eitaa:family")
    String group;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "TEXT", description = "The text.")
    List<String> text;

    @Option(
        names = "--as",
        required = true,
        paramLabel = "PLATFORM:USER",
        description = "The member posting, e.g. eitaa:alice; their platform submits.")
    String as;

    @Option(
        names = "--message-id",
        paramLabel = "ID",
        description =
            "The sender's id of the post; the same id again is answered duplicate"
                + " (default: cli- and a random UUID).")
    String messageId;

    @Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      GroupAddress address;
      try {
        address = Addresses.parseGroup(group);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
      Envelope post =
          Envelope.newBuilder()
              .setMessageId(messageId != null ? messageId : "cli-" + UUID.randomUUID())
              .setSender(SendCommand.address(spec, as, "--as"))
              .setGroup(address)
              .setClientTimestampMs(System.currentTimeMillis())
              .setText(Text.newBuilder().setBody(String.join(" ", text)))
              .build();
      return SendCommand.submit(spec, submitting, post);
    }
  }

  @Command(
      name = "history",
      mixinStandardHelpOptions = true,
      description = {
        "A page of the group's log for a member, newest first, one line per item;"
            + " then, if there are older items, the option that pages on (--before N)."
      })
  static final class History extends Acting {
    @Parameters(index = "0", paramLabel = "GROUP", description = "e.g. eitaa:family")
    String group;

    @Option(
        names = "--before",
        paramLabel = "SEQUENCE",
        defaultValue = "0",
        description = "End the page before this sequence (default: from the latest).")
    long before;

    @Option(
        names = "--limit",
        paramLabel = "N",
        defaultValue = "0",
        description = "At most N items, 1-500 (default: the broker's page of 100).")
    int limit;

    @Override
    void run(PeyvandClient client, PrintWriter out) throws Exception {
      GroupAddress address = group(group);
      HistoryPage page =
          await(
              client.history(
                  HistoryRequest.newBuilder()
                      .setGroup(address)
                      .setUser(actor())
                      .setBeforeSequence(before)
                      .setLimit(limit)
                      .build()));
      for (HistoryItem item : page.getItemsList()) {
        out.println(GroupFormat.line(address, item));
      }
      if (page.getNextBeforeSequence() != 0) {
        out.println("older items: --before " + page.getNextBeforeSequence());
      }
    }
  }
}
