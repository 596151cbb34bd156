package io.peyvand.protocol.sdk.cli;

import io.peyvand.protocol.sdk.PeyvandClient;
import io.peyvand.protocol.v1.BulkSubscribeRequest;
import io.peyvand.protocol.v1.GroupAddress;
import io.peyvand.protocol.v1.GroupInfo;
import io.peyvand.protocol.v1.GroupKind;
import io.peyvand.protocol.v1.UserAddress;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code channel}: channels by hand, in the channel's words (subscribe rather than join). Admins
 * are made with {@code group promote}, which serves channels too. {@code bulk-subscribe} makes test
 * audiences: {@code --users 10000 --prefix fan-} subscribes fan-1 ... fan-10000 of one platform, in
 * calls of at most 10,000 users, one line per call.
 */
@Command(
    name = "channel",
    description = "Channels by hand: create, subscribe, bulk-subscribe, post, look up.",
    subcommands = {
      ChannelCommand.BulkSubscribe.class,
      GroupCommand.Post.class,
      GroupCommand.Info.class
    },
    modelTransformer = ChannelCommand.Subcommands.class)
final class ChannelCommand extends GroupsCommand {

  /** The subcommands made of group's classes: create, subscribe, unsubscribe, before the rest. */
  static final class Subcommands implements CommandLine.IModelTransformer {
    @Override
    public CommandSpec transform(CommandSpec channel) {
      return GroupCall.withFirst(
          channel,
          List.of(
              GroupCall.named(
                  "create",
                  "Create a channel at the --as user's platform; they become its owner and"
                      + " post (with the admins they promote).",
                  new GroupCommand.Creating(GroupKind.CHANNEL)),
              GroupCall.named(
                  "subscribe",
                  "The --as user subscribes to an open channel.",
                  new GroupCommand.Membership(true)),
              GroupCall.named(
                  "unsubscribe",
                  "The --as user unsubscribes.",
                  new GroupCommand.Membership(false))));
    }
  }

  @Command(
      name = "bulk-subscribe",
      mixinStandardHelpOptions = true,
      description = {
        "Subscribe many users of one platform at once, for load setups: PREFIX1 ..."
            + " PREFIXN of --platform, in calls of at most --batch users, one line per call.",
        "e.g. ./peyvand channel bulk-subscribe eitaa:news --platform bale --users 10000"
            + " --prefix fan-"
      })
  static final class BulkSubscribe extends GroupCall {
    @Parameters(index = "0", paramLabel = "CHANNEL", description = "e.g. eitaa:news")
    String channel;

    @Option(
        names = "--platform",
        required = true,
        paramLabel = "PLATFORM",
        description = "The platform whose users subscribe; it makes the calls.")
    String platformId;

    @Option(
        names = "--users",
        required = true,
        paramLabel = "N",
        description = "How many users: PREFIX<start> ... PREFIX<start+N-1>.")
    int users;

    @Option(
        names = "--prefix",
        paramLabel = "PREFIX",
        defaultValue = "fan-",
        description = "User id prefix (default ${DEFAULT-VALUE}).")
    String prefix;

    @Option(
        names = "--start",
        paramLabel = "I",
        defaultValue = "1",
        description = "The first number (default ${DEFAULT-VALUE}).")
    long start;

    @Option(
        names = "--batch",
        paramLabel = "N",
        defaultValue = "10000",
        description = "Users per call, 1-10000 (default ${DEFAULT-VALUE}).")
    int batch;

    @Override
    String platform() {
      return platformId;
    }

    @Override
    void run(PeyvandClient client, PrintWriter out) throws Exception {
      if (users < 1) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--users must be at least" + " 1, not " + users);
      }
      if (batch < 1 || batch > 10_000) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "--batch must be 1-10000" + " (the most one BulkSubscribe takes), not " + batch);
      }
      GroupAddress address = group(channel);
      long end = start + users; // exclusive
      for (long first = start; first < end; first += batch) {
        long last = Math.min(first + batch, end) - 1;
        BulkSubscribeRequest.Builder request = BulkSubscribeRequest.newBuilder().setGroup(address);
        for (long i = first; i <= last; i++) {
          request.addUsers(
              UserAddress.newBuilder().setPlatformId(platformId).setUserId(prefix + i));
        }
        GroupInfo info = await(client.bulkSubscribe(request.build()));
        out.println(
            "subscribed "
                + platformId
                + ":"
                + prefix
                + first
                + ".."
                + prefix
                + last
                + " ("
                + (last - first + 1)
                + " users): "
                + GroupFormat.info(info));
        out.flush();
      }
    }
  }
}
