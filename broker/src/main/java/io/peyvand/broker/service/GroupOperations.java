package io.peyvand.broker.service;

import io.peyvand.broker.entity.Asks;
import io.peyvand.broker.group.ChannelSettings;
import io.peyvand.broker.group.ChannelSubscriptions;
import io.peyvand.broker.group.Group;
import io.peyvand.broker.group.GroupItem;
import io.peyvand.broker.group.Membership;
import io.peyvand.broker.model.Address;
import io.peyvand.broker.model.Message;
import io.peyvand.broker.service.Operations.Either;
import io.peyvand.persistence.journal.JournalReader;
import io.peyvand.persistence.journal.StoredEvent;
import io.peyvand.protocol.ErrorCodes;
import io.peyvand.protocol.GroupRequestValidator;
import io.peyvand.protocol.v1.BulkSubscribeRequest;
import io.peyvand.protocol.v1.ChangeMembersRequest;
import io.peyvand.protocol.v1.CreateGroupRequest;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.GetGroupRequest;
import io.peyvand.protocol.v1.GroupAcknowledge;
import io.peyvand.protocol.v1.GroupAddress;
import io.peyvand.protocol.v1.GroupCallRequest;
import io.peyvand.protocol.v1.GroupInfo;
import io.peyvand.protocol.v1.GroupKind;
import io.peyvand.protocol.v1.HistoryPage;
import io.peyvand.protocol.v1.HistoryRequest;
import io.peyvand.protocol.v1.JoinRequest;
import io.peyvand.protocol.v1.LeaveRequest;
import io.peyvand.protocol.v1.MemberChange;
import io.peyvand.protocol.v1.PlatformCount;
import io.peyvand.protocol.v1.SetTitleRequest;
import io.peyvand.protocol.v1.SubmitResult;
import io.peyvand.protocol.v1.UserAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;

/**
 * The group and channel operations (phase 2) as every edge invokes them, in wire terms, like {@link
 * Operations} for 1:1: check what the acting platform may do (it acts only for its own users), ask
 * the {@link Group} entity, answer a result or a protocol {@link Error}.
 */
public final class GroupOperations {
  private final NodeContext node;
  private final ClusterSharding sharding;
  private final Asks asks;
  private final Operations operations;
  private final Duration retention;
  private final Serialization serialization;
  private final ChannelSettings channels;
  private final ChannelSubscriptions subscriptions;
  // Made on first use: it opens the journal's driver session.
  private volatile JournalReader reader;

  private static final int DEFAULT_HISTORY_PAGE = 100;
  private static final int HISTORY_READ_EVENTS = 256;
  // Mailboxes asked at once whether they accept the adder (each may have to recover first).
  private static final int CONSENT_ASKS_AT_ONCE = 100;

  GroupOperations(Operations operations) {
    this.node = operations.node();
    ActorSystem<?> system = node.system();
    this.sharding = ClusterSharding.get(system);
    this.asks = Asks.get(system);
    this.operations = operations;
    this.retention = system.settings().config().getDuration("peyvand.groups.retention");
    this.serialization = SerializationExtension.get(system.classicSystem());
    this.channels = ChannelSettings.fromConfig(system.settings().config());
    this.subscriptions = new ChannelSubscriptions(system, channels);
  }

  /** A post to a group, already validated and checked for the sender and rate limits. */
  CompletionStage<SubmitResult> post(SubmitResult.Builder result, Message message) {
    return this.<Group.PostReply>ask(
            message.recipient(), replyTo -> new Group.Post(message, replyTo))
        .thenApply(
            reply -> {
              if (reply instanceof Group.Accepted accepted) {
                return WireMapping.stored(
                    result, accepted.sequence(), accepted.acceptedAtMs(), accepted.duplicate());
              }
              return result.setRefused(error((Group.Refused) reply)).build();
            });
  }

  /** A cumulative acknowledgement of a group's items by the acting platform; empty when taken. */
  public CompletionStage<Optional<Error>> acknowledge(String platformId, GroupAcknowledge ack) {
    return this.<Group.Reply>ask(
            WireMapping.group(ack.getGroup()),
            replyTo -> new Group.Acknowledge(platformId, ack.getUpToSequence(), replyTo))
        .thenApply(
            reply ->
                reply instanceof Group.Refused refused
                    ? Optional.of(error(refused))
                    : Optional.<Error>empty())
        .exceptionally(failure -> Optional.of(Operations.unavailable(failure)))
        .thenApply(
            error -> {
              error.ifPresent(
                  e -> operations.record(platformId, "group-acknowledge", Either.error(e)));
              return error;
            });
  }

  /** Creates a group or channel for a user of the acting platform, its home platform. */
  public CompletionStage<Either<GroupInfo>> create(String platformId, CreateGroupRequest in) {
    Optional<Error> bad =
        GroupRequestValidator.validate(in)
            .or(() -> Operations.ownUser(platformId, in.getActor(), "actor"));
    Group.Kind kind = in.getKind() == GroupKind.CHANNEL ? Group.Kind.CHANNEL : Group.Kind.GROUP;
    return call(
        platformId,
        "create-group",
        bad,
        in.getGroup(),
        replyTo ->
            new Group.Create(
                kind, in.getTitle(), in.getOpen(), WireMapping.address(in.getActor()), replyTo));
  }

  /**
   * Membership changes by an owner or admin of the acting platform. Every user it adds (but the
   * actor) must accept messages from the actor: else the whole request is refused, before the group
   * is asked, with what a 1:1 message from the actor to the first such user would get.
   */
  public CompletionStage<Either<GroupInfo>> changeMembers(
      String platformId, ChangeMembersRequest in) {
    Optional<Error> bad =
        GroupRequestValidator.validate(in)
            .or(() -> Operations.ownUser(platformId, in.getActor(), "actor"));
    Function<ActorRef<Group.Reply>, Group.Command> command =
        replyTo ->
            new Group.ChangeMembers(
                WireMapping.address(in.getActor()),
                in.getChangesList().stream().map(GroupOperations::change).toList(),
                replyTo);
    if (bad.isPresent()) {
      return call(platformId, "change-members", bad, in.getGroup(), command);
    }
    Address actor = WireMapping.address(in.getActor());
    List<Address> added =
        in.getChangesList().stream()
            .filter(change -> change.getOp() == MemberChange.Op.ADD)
            .map(change -> WireMapping.address(change.getUser()))
            .filter(user -> !user.equals(actor))
            .distinct()
            .toList();
    return refusalToAdd(actor, added, 0)
        .thenCompose(
            refused -> call(platformId, "change-members", refused, in.getGroup(), command));
  }

  /**
   * The refusal a 1:1 message from {@code adder} would get from the first of {@code users} (from
   * {@code from} on) who does not accept one: their platform is not registered, or they are not
   * opted in or blocked the adder (one answer, PROTOCOL.md §7); empty when all accept. Asks their
   * mailboxes {@value #CONSENT_ASKS_AT_ONCE} at a time.
   */
  private CompletionStage<Optional<Error>> refusalToAdd(
      Address adder, List<Address> users, int from) {
    if (from >= users.size()) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    List<CompletableFuture<Optional<Error>>> answers =
        users.subList(from, Math.min(users.size(), from + CONSENT_ASKS_AT_ONCE)).stream()
            .map(user -> operations.refusal(user, adder).toCompletableFuture())
            .toList();
    return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
        .thenCompose(
            done ->
                answers.stream()
                    .map(CompletableFuture::join)
                    .flatMap(Optional::stream)
                    .findFirst()
                    .<CompletionStage<Optional<Error>>>map(
                        refused -> CompletableFuture.completedFuture(Optional.of(refused)))
                    .orElseGet(() -> refusalToAdd(adder, users, from + CONSENT_ASKS_AT_ONCE)));
  }

  /** A member change as the entity takes it (the request was validated: the op is known). */
  private static Membership.Change change(MemberChange change) {
    Address user = WireMapping.address(change.getUser());
    return switch (change.getOp()) {
      case ADD -> new Membership.Added(user, Membership.Role.MEMBER);
      case REMOVE -> new Membership.Removed(user);
      case PROMOTE -> new Membership.RoleChanged(user, Membership.Role.ADMIN);
      case DEMOTE -> new Membership.RoleChanged(user, Membership.Role.MEMBER);
      case MUTE -> new Membership.Muted(user, true);
      case UNMUTE -> new Membership.Muted(user, false);
      default -> throw new IllegalArgumentException("unvalidated op " + change.getOp());
    };
  }

  /** A user of the acting platform joins an open group, or subscribes to an open channel. */
  public CompletionStage<Either<GroupInfo>> join(String platformId, JoinRequest in) {
    return selfChange(
        platformId,
        "join",
        GroupRequestValidator.validate(in),
        in.getUser(),
        in.getGroup(),
        user -> new Membership.Added(user, Membership.Role.MEMBER),
        true);
  }

  /** A user of the acting platform leaves a group, or unsubscribes from a channel. */
  public CompletionStage<Either<GroupInfo>> leave(String platformId, LeaveRequest in) {
    return selfChange(
        platformId,
        "leave",
        GroupRequestValidator.validate(in),
        in.getUser(),
        in.getGroup(),
        Membership.Removed::new,
        false);
  }

  /**
   * A user of the acting platform changes its own membership: {@code change} in a group, or a
   * subscription ({@code subscribe}) or its end in a channel.
   */
  private CompletionStage<Either<GroupInfo>> selfChange(
      String platformId,
      String what,
      Optional<Error> invalid,
      UserAddress acting,
      GroupAddress target,
      Function<Address, Membership.Change> change,
      boolean subscribe) {
    Optional<Error> bad = invalid.or(() -> Operations.ownUser(platformId, acting, "user"));
    Address user = WireMapping.address(acting);
    return byKind(
        platformId,
        what,
        bad,
        target,
        group ->
            call(
                platformId,
                what,
                Optional.empty(),
                target,
                replyTo -> new Group.ChangeMembers(user, List.of(change.apply(user)), replyTo)),
        channel -> subscribe(platformId, what, channel, List.of(user.userId()), subscribe));
  }

  /**
   * Up to {@code bulk-max-users} users of the acting platform subscribe to an open channel at once
   * (bucket by bucket, in parallel); subscribing a subscriber again changes nothing.
   */
  public CompletionStage<Either<GroupInfo>> bulkSubscribe(
      String platformId, BulkSubscribeRequest in) {
    // All users are of the first one's platform (validated): it must be the acting one.
    Optional<Error> bad =
        GroupRequestValidator.validate(in)
            .or(() -> Operations.ownUser(platformId, in.getUsers(0), "users[0]"));
    List<String> userIds = in.getUsersList().stream().map(UserAddress::getUserId).toList();
    return byKind(
        platformId,
        "bulk-subscribe",
        bad,
        in.getGroup(),
        group ->
            CompletableFuture.completedFuture(
                Either.error(
                    ErrorCodes.error(
                        ErrorCode.INVALID_ARGUMENT,
                        WireMapping.group(in.getGroup())
                            + " is a group, not a"
                            + " channel: add its members with ChangeMembers"))),
        channel -> subscribe(platformId, "bulk-subscribe", channel, userIds, true));
  }

  /**
   * Runs {@code whenGroup} or {@code whenChannel} by the kind of the group named (after the checks
   * in {@code bad}); a group or channel that does not exist is UNKNOWN_GROUP.
   */
  private CompletionStage<Either<GroupInfo>> byKind(
      String platformId,
      String what,
      Optional<Error> bad,
      GroupAddress address,
      Function<Group.Info, CompletionStage<Either<GroupInfo>>> whenGroup,
      Function<Group.Info, CompletionStage<Either<GroupInfo>>> whenChannel) {
    if (bad.isPresent()) {
      return CompletableFuture.completedFuture(
          operations.record(platformId, what, Either.error(bad.get())));
    }
    return this.<Group.Reply>ask(WireMapping.group(address), Group.Get::new)
        .thenCompose(
            reply -> {
              if (reply instanceof Group.Refused refused) {
                return CompletableFuture.completedFuture(Either.<GroupInfo>error(error(refused)));
              }
              Group.Info info = (Group.Info) reply;
              return info.kind() == Group.Kind.CHANNEL
                  ? whenChannel.apply(info)
                  : whenGroup.apply(info);
            })
        .exceptionally(failure -> Either.error(Operations.unavailable(failure)))
        .thenApply(result -> operations.record(platformId, what, result));
  }

  /** Subscribes (or unsubscribes) users of the platform to an open channel; then its info. */
  private CompletionStage<Either<GroupInfo>> subscribe(
      String platformId, String what, Group.Info channel, List<String> userIds, boolean subscribe) {
    if (subscribe && !channel.open()) {
      return CompletableFuture.completedFuture(
          Either.error(
              ErrorCodes.error(
                  ErrorCode.NOT_PERMITTED,
                  "channel "
                      + channel.address()
                      + " is not open: its owner"
                      + " or an admin adds members")));
    }
    CompletionStage<ChannelSubscriptions.Outcome> done =
        subscribe
            ? subscriptions.subscribe(channel.address(), platformId, userIds)
            : subscriptions.unsubscribe(channel.address(), platformId, userIds);
    return done.thenCompose(outcome -> this.<Group.Reply>ask(channel.address(), Group.Get::new))
        .thenApply(
            reply ->
                reply instanceof Group.Info info
                    ? Either.ok(info(info))
                    : Either.<GroupInfo>error(error((Group.Refused) reply)));
  }

  /** An owner or admin of the acting platform renames a group. */
  public CompletionStage<Either<GroupInfo>> setTitle(String platformId, SetTitleRequest in) {
    Optional<Error> bad =
        GroupRequestValidator.validate(in)
            .or(() -> Operations.ownUser(platformId, in.getActor(), "actor"));
    return call(
        platformId,
        "set-title",
        bad,
        in.getGroup(),
        replyTo -> new Group.SetTitle(WireMapping.address(in.getActor()), in.getTitle(), replyTo));
  }

  /** A member of the acting platform joins, leaves, mutes or unmutes themself in a group call. */
  public CompletionStage<Either<GroupInfo>> changeCall(String platformId, GroupCallRequest in) {
    Optional<Error> bad =
        GroupRequestValidator.validate(in)
            .or(() -> Operations.ownUser(platformId, in.getUser(), "user"));
    GroupItem.CallAction action =
        switch (in.getAction()) {
          case LEFT -> GroupItem.CallAction.LEFT;
          case MUTED -> GroupItem.CallAction.MUTED;
          case UNMUTED -> GroupItem.CallAction.UNMUTED;
          default -> GroupItem.CallAction.JOINED;
        };
    return call(
        platformId,
        "group-call",
        bad,
        in.getGroup(),
        replyTo ->
            new Group.ChangeCall(
                WireMapping.address(in.getUser()), in.getCallId(), action, replyTo));
  }

  /** What a group is; any platform may ask. */
  public CompletionStage<Either<GroupInfo>> get(String platformId, GetGroupRequest in) {
    return call(
        platformId, "get-group", GroupRequestValidator.validate(in), in.getGroup(), Group.Get::new);
  }

  /**
   * A page of a group's history for a member of the acting platform: items before {@code
   * before_sequence}, newest first, within the retention window, read from the group's journal
   * without waking its whole history (the entity only says where to start).
   */
  public CompletionStage<Either<HistoryPage>> history(String platformId, HistoryRequest in) {
    Optional<Error> bad =
        GroupRequestValidator.validate(in)
            .or(() -> Operations.ownUser(platformId, in.getUser(), "user"));
    if (bad.isPresent()) {
      return CompletableFuture.completedFuture(
          operations.record(platformId, "history", Either.error(bad.get())));
    }
    Address group = WireMapping.group(in.getGroup());
    Address user = WireMapping.address(in.getUser());
    int limit = in.getLimit() == 0 ? DEFAULT_HISTORY_PAGE : in.getLimit();
    long before = in.getBeforeSequence();
    return this.<Group.Reply>ask(group, replyTo -> new Group.OpenHistory(user, before, replyTo))
        .thenCompose(
            reply -> {
              if (reply instanceof Group.Refused refused) {
                return CompletableFuture.completedFuture(Either.<HistoryPage>error(error(refused)));
              }
              Group.HistoryAccess access = (Group.HistoryAccess) reply;
              CompletionStage<Boolean> allowed =
                  access.member() || access.kind() != Group.Kind.CHANNEL
                      ? CompletableFuture.completedFuture(access.member())
                      : subscriptions.isSubscribed(group, user);
              return allowed.thenCompose(
                  ok ->
                      ok
                          ? page(group, access, before, limit)
                          : CompletableFuture.completedFuture(
                              Either.<HistoryPage>error(
                                  ErrorCodes.error(
                                      ErrorCode.NOT_PERMITTED,
                                      "history of "
                                          + group
                                          + " is served to its members"
                                          + " (and a channel's subscribers); "
                                          + user
                                          + " is not one"))));
            })
        .exceptionally(failure -> Either.error(Operations.unavailable(failure)))
        .thenApply(result -> operations.record(platformId, "history", result));
  }

  private CompletionStage<Either<HistoryPage>> page(
      Address group, Group.HistoryAccess access, long before, int limit) {
    long cutoff = System.currentTimeMillis() - retention.toMillis();
    List<Group.LoggedItem> items = new ArrayList<>();
    return collect(
            Group.persistenceId(group).id(),
            access.fromJournalSequence(),
            before,
            limit,
            cutoff,
            items)
        .thenApply(
            more -> {
              HistoryPage.Builder page = HistoryPage.newBuilder();
              items.forEach(item -> page.addItems(WireMapping.historyItem(item)));
              long oldest = items.isEmpty() ? 0 : items.get(items.size() - 1).sequence();
              if (more && oldest > 1) {
                page.setNextBeforeSequence(oldest);
              }
              return Either.ok(page.build());
            });
  }

  /**
   * Reads the journal backwards from {@code fromJournal} into {@code items} until it holds {@code
   * limit} items before {@code before}, or the history or its retention ends. Completes with
   * whether older items may remain.
   */
  private CompletionStage<Boolean> collect(
      String persistenceId,
      long fromJournal,
      long before,
      int limit,
      long cutoffMs,
      List<Group.LoggedItem> items) {
    return reader()
        .readBackward(persistenceId, fromJournal, HISTORY_READ_EVENTS)
        .thenCompose(
            events -> {
              for (StoredEvent stored : events) {
                Group.Event event = (Group.Event) stored.payload(serialization);
                for (Group.LoggedItem item : Group.loggedItems(event)) {
                  if (item.acceptedAtMs() < cutoffMs) {
                    return CompletableFuture.completedFuture(false);
                  }
                  if (before > 0 && item.sequence() >= before) {
                    continue;
                  }
                  items.add(item);
                  if (items.size() == limit) {
                    return CompletableFuture.completedFuture(true);
                  }
                }
              }
              if (events.size() < HISTORY_READ_EVENTS) {
                return CompletableFuture.completedFuture(false);
              }
              long next = events.get(events.size() - 1).sequenceNr() - 1;
              return next < 1
                  ? CompletableFuture.completedFuture(false)
                  : collect(persistenceId, next, before, limit, cutoffMs, items);
            });
  }

  private JournalReader reader() {
    JournalReader current = reader;
    if (current == null) {
      synchronized (this) {
        if (reader == null) {
          reader = JournalReader.create(node.system());
        }
        current = reader;
      }
    }
    return current;
  }

  private CompletionStage<Either<GroupInfo>> call(
      String platformId,
      String what,
      Optional<Error> bad,
      GroupAddress group,
      Function<ActorRef<Group.Reply>, Group.Command> command) {
    if (bad.isPresent()) {
      return CompletableFuture.completedFuture(
          operations.record(platformId, what, Either.error(bad.get())));
    }
    return this.<Group.Reply>ask(WireMapping.group(group), command)
        .thenApply(
            reply ->
                reply instanceof Group.Info info
                    ? Either.ok(info(info))
                    : Either.<GroupInfo>error(error((Group.Refused) reply)))
        .exceptionally(failure -> Either.error(Operations.unavailable(failure)))
        .thenApply(result -> operations.record(platformId, what, result));
  }

  static GroupInfo info(Group.Info info) {
    GroupInfo.Builder b =
        GroupInfo.newBuilder()
            .setGroup(WireMapping.groupAddress(info.address()))
            .setKind(info.kind() == Group.Kind.CHANNEL ? GroupKind.CHANNEL : GroupKind.GROUP)
            .setTitle(info.title())
            .setOpen(info.open())
            .setOwner(WireMapping.address(info.owner()))
            .setLastSequence(info.lastSequence())
            .setCreatedAtMs(info.createdAtMs());
    info.membersPerPlatform().entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e ->
                b.addMembers(
                    PlatformCount.newBuilder().setPlatformId(e.getKey()).setMembers(e.getValue())));
    return b.build();
  }

  static Error error(Group.Refused refused) {
    ErrorCode code =
        switch (refused.reason()) {
          case UNKNOWN_GROUP -> ErrorCode.UNKNOWN_GROUP;
          case NOT_PERMITTED -> ErrorCode.NOT_PERMITTED;
          case UNKNOWN_SEQUENCE -> ErrorCode.UNKNOWN_SEQUENCE;
          case ALREADY_EXISTS -> ErrorCode.GROUP_EXISTS;
          case GROUP_FULL -> ErrorCode.GROUP_FULL;
          case RATE_LIMITED -> ErrorCode.RATE_LIMITED;
        };
    return code == ErrorCode.RATE_LIMITED
        ? ErrorCodes.error(code, refused.message(), Math.max(1, refused.retryAfterMs()))
        : ErrorCodes.error(code, refused.message());
  }

  private <R> CompletionStage<R> ask(Address group, Function<ActorRef<R>, Group.Command> command) {
    return asks.ask(
        sharding.entityRefFor(Group.ENTITY_KEY, group.toString()), command, node.askTimeout());
  }
}
