package io.peyvand.broker.ingress;

import io.peyvand.broker.group.Group;
import io.peyvand.broker.group.Membership;
import io.peyvand.broker.ingress.Operations.Either;
import io.peyvand.broker.model.Address;
import io.peyvand.broker.model.Message;
import io.peyvand.protocol.Addresses;
import io.peyvand.protocol.ErrorCodes;
import io.peyvand.protocol.v1.Accepted;
import io.peyvand.protocol.v1.ChangeMembersRequest;
import io.peyvand.protocol.v1.CreateGroupRequest;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.GetGroupRequest;
import io.peyvand.protocol.v1.GroupAcknowledge;
import io.peyvand.protocol.v1.GroupAddress;
import io.peyvand.protocol.v1.GroupInfo;
import io.peyvand.protocol.v1.GroupKind;
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
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * The group and channel operations (phase 2) as every edge invokes them, in wire terms, like
 * {@link Operations} for 1:1: check what the acting platform may do (it acts only for its own
 * users), ask the {@link Group} entity, answer a result or a protocol {@link Error}.
 */
public final class GroupOperations {
  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final Operations operations;
  private final Duration askTimeout;

  GroupOperations(ActorSystem<?> system, Operations operations, Duration askTimeout) {
    this.system = system;
    this.sharding = ClusterSharding.get(system);
    this.operations = operations;
    this.askTimeout = askTimeout;
  }

  /** A post to a group, already validated and checked for the sender and rate limits. */
  CompletionStage<SubmitResult> post(SubmitResult.Builder result, Message message) {
    return this.<Group.PostReply>ask(message.recipient(),
            replyTo -> new Group.Post(message, replyTo))
        .thenApply(reply -> {
          if (reply instanceof Group.Accepted accepted) {
            Accepted a = Accepted.newBuilder().setSequence(accepted.sequence())
                .setAcceptedAtMs(accepted.acceptedAtMs()).build();
            return accepted.duplicate() ? result.setDuplicate(a).build()
                : result.setAccepted(a).build();
          }
          return result.setRefused(error((Group.Refused) reply)).build();
        });
  }

  /** A cumulative acknowledgement of a group's items by the acting platform; empty when taken. */
  public CompletionStage<Optional<Error>> acknowledge(String platformId, GroupAcknowledge ack) {
    return this.<Group.Reply>ask(WireMapping.group(ack.getGroup()),
            replyTo -> new Group.Acknowledge(platformId, ack.getUpToSequence(), replyTo))
        .thenApply(reply -> reply instanceof Group.Refused refused
            ? Optional.of(error(refused)) : Optional.<Error>empty())
        .exceptionally(failure -> Optional.of(Operations.unavailable(failure)))
        .thenApply(error -> {
          error.ifPresent(e -> operations.record(platformId, "group-acknowledge",
              Either.error(e)));
          return error;
        });
  }

  /** Creates a group or channel for a user of the acting platform, its home platform. */
  public CompletionStage<Either<GroupInfo>> create(String platformId, CreateGroupRequest in) {
    Optional<Error> bad = group(in.getGroup(), "group")
        .or(() -> ownUser(platformId, in.getActor(), "actor"))
        .or(() -> in.getKind() == GroupKind.GROUP || in.getKind() == GroupKind.CHANNEL
            ? Optional.empty() : Optional.of(ErrorCodes.error(ErrorCode.INVALID_ARGUMENT,
                "kind must be GROUP or CHANNEL")))
        .or(() -> title(in.getTitle()));
    Group.Kind kind = in.getKind() == GroupKind.CHANNEL ? Group.Kind.CHANNEL : Group.Kind.GROUP;
    return call(platformId, "create-group", bad, in.getGroup(), replyTo -> new Group.Create(kind,
        in.getTitle(), in.getOpen(), WireMapping.address(in.getActor()), replyTo));
  }

  /** Membership changes by an owner or admin of the acting platform. */
  public CompletionStage<Either<GroupInfo>> changeMembers(String platformId,
      ChangeMembersRequest in) {
    Optional<Error> bad = group(in.getGroup(), "group")
        .or(() -> ownUser(platformId, in.getActor(), "actor"))
        .or(() -> in.getChangesCount() == 0 || in.getChangesCount() > 1000
            ? Optional.of(ErrorCodes.error(ErrorCode.INVALID_ARGUMENT, "changes: give 1 to 1000"
                + " changes, not " + in.getChangesCount()))
            : Optional.empty());
    List<Membership.Change> changes = new ArrayList<>();
    for (int i = 0; bad.isEmpty() && i < in.getChangesCount(); i++) {
      MemberChange change = in.getChanges(i);
      String field = "changes[" + i + "]";
      bad = Addresses.validate(change.getUser(), field + ".user");
      if (bad.isEmpty()) {
        Address user = WireMapping.address(change.getUser());
        Optional<Membership.Change> mapped = switch (change.getOp()) {
          case ADD -> Optional.of(new Membership.Added(user, Membership.Role.MEMBER));
          case REMOVE -> Optional.of(new Membership.Removed(user));
          case PROMOTE -> Optional.of(new Membership.RoleChanged(user, Membership.Role.ADMIN));
          case DEMOTE -> Optional.of(new Membership.RoleChanged(user, Membership.Role.MEMBER));
          case MUTE -> Optional.of(new Membership.Muted(user, true));
          case UNMUTE -> Optional.of(new Membership.Muted(user, false));
          default -> Optional.empty();
        };
        if (mapped.isEmpty()) {
          bad = Optional.of(ErrorCodes.error(ErrorCode.INVALID_ARGUMENT, field + ".op must be"
              + " ADD, REMOVE, PROMOTE, DEMOTE, MUTE or UNMUTE"));
        } else {
          changes.add(mapped.get());
        }
      }
    }
    return call(platformId, "change-members", bad, in.getGroup(), replyTo ->
        new Group.ChangeMembers(WireMapping.address(in.getActor()), changes, replyTo));
  }

  /** A user of the acting platform joins an open group. */
  public CompletionStage<Either<GroupInfo>> join(String platformId, JoinRequest in) {
    Optional<Error> bad = group(in.getGroup(), "group")
        .or(() -> ownUser(platformId, in.getUser(), "user"));
    Address user = WireMapping.address(in.getUser());
    return call(platformId, "join", bad, in.getGroup(), replyTo -> new Group.ChangeMembers(user,
        List.of(new Membership.Added(user, Membership.Role.MEMBER)), replyTo));
  }

  /** A user of the acting platform leaves a group. */
  public CompletionStage<Either<GroupInfo>> leave(String platformId, LeaveRequest in) {
    Optional<Error> bad = group(in.getGroup(), "group")
        .or(() -> ownUser(platformId, in.getUser(), "user"));
    Address user = WireMapping.address(in.getUser());
    return call(platformId, "leave", bad, in.getGroup(), replyTo -> new Group.ChangeMembers(user,
        List.of(new Membership.Removed(user)), replyTo));
  }

  /** An owner or admin of the acting platform renames a group. */
  public CompletionStage<Either<GroupInfo>> setTitle(String platformId, SetTitleRequest in) {
    Optional<Error> bad = group(in.getGroup(), "group")
        .or(() -> ownUser(platformId, in.getActor(), "actor"))
        .or(() -> title(in.getTitle()));
    return call(platformId, "set-title", bad, in.getGroup(), replyTo ->
        new Group.SetTitle(WireMapping.address(in.getActor()), in.getTitle(), replyTo));
  }

  /** What a group is; any platform may ask. */
  public CompletionStage<Either<GroupInfo>> get(String platformId, GetGroupRequest in) {
    return call(platformId, "get-group", group(in.getGroup(), "group"), in.getGroup(),
        Group.Get::new);
  }

  /** Subscribes many users of the acting platform to a channel. */
  public CompletionStage<Either<GroupInfo>> bulkSubscribe(String platformId,
      io.peyvand.protocol.v1.BulkSubscribeRequest in) {
    return CompletableFuture.completedFuture(Either.error(ErrorCodes.error(
        ErrorCode.INVALID_ARGUMENT, "BulkSubscribe is not served yet")));
  }

  /** A page of a group's history for a member of the acting platform. */
  public CompletionStage<Either<io.peyvand.protocol.v1.HistoryPage>> history(String platformId,
      io.peyvand.protocol.v1.HistoryRequest in) {
    return CompletableFuture.completedFuture(Either.error(ErrorCodes.error(
        ErrorCode.INVALID_ARGUMENT, "History is not served yet")));
  }

  private CompletionStage<Either<GroupInfo>> call(String platformId, String what,
      Optional<Error> bad, GroupAddress group, Function<ActorRef<Group.Reply>, Group.Command> command) {
    if (bad.isPresent()) {
      return CompletableFuture.completedFuture(
          operations.record(platformId, what, Either.error(bad.get())));
    }
    return this.<Group.Reply>ask(WireMapping.group(group), command)
        .thenApply(reply -> reply instanceof Group.Info info ? Either.ok(info(info))
            : Either.<GroupInfo>error(error((Group.Refused) reply)))
        .exceptionally(failure -> Either.error(Operations.unavailable(failure)))
        .thenApply(result -> operations.record(platformId, what, result));
  }

  private static Optional<Error> group(GroupAddress group, String field) {
    if (group.getPlatformId().isEmpty() && group.getGroupId().isEmpty()) {
      return Optional.of(ErrorCodes.error(ErrorCode.INVALID_ADDRESS, field + " is missing: set"
          + " it to the group's home platform_id and group_id"));
    }
    return Addresses.validate(group, field);
  }

  private static Optional<Error> ownUser(String platformId, UserAddress user, String field) {
    if (user.getPlatformId().isEmpty() && user.getUserId().isEmpty()) {
      return Optional.of(ErrorCodes.error(ErrorCode.INVALID_ADDRESS, field + " is missing: set"
          + " it to the user the call acts for"));
    }
    Optional<Error> bad = Addresses.validate(user, field);
    if (bad.isPresent() || user.getPlatformId().equals(platformId)) {
      return bad;
    }
    return Optional.of(ErrorCodes.error(ErrorCode.NOT_PERMITTED, field + " "
        + Addresses.format(user) + " is not a user of platform " + platformId
        + ", which makes the call"));
  }

  private static Optional<Error> title(String title) {
    if (title.isBlank() || title.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 256
        || title.chars().anyMatch(Character::isISOControl)) {
      return Optional.of(ErrorCodes.error(ErrorCode.INVALID_ARGUMENT, "title must be 1 to 256"
          + " bytes of UTF-8 without control characters"));
    }
    return Optional.empty();
  }

  static GroupInfo info(Group.Info info) {
    GroupInfo.Builder b = GroupInfo.newBuilder()
        .setGroup(WireMapping.groupAddress(info.address()))
        .setKind(info.kind() == Group.Kind.CHANNEL ? GroupKind.CHANNEL : GroupKind.GROUP)
        .setTitle(info.title())
        .setOpen(info.open())
        .setOwner(WireMapping.address(info.owner()))
        .setLastSequence(info.lastSequence())
        .setCreatedAtMs(info.createdAtMs());
    info.membersPerPlatform().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
        .forEach(e -> b.addMembers(PlatformCount.newBuilder().setPlatformId(e.getKey())
            .setMembers(e.getValue())));
    return b.build();
  }

  static Error error(Group.Refused refused) {
    ErrorCode code = switch (refused.reason()) {
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

  private <R> CompletionStage<R> ask(Address group,
      Function<ActorRef<R>, Group.Command> command) {
    return AskPattern.ask(sharding.entityRefFor(Group.ENTITY_KEY, group.toString()),
        command::apply, askTimeout, system.scheduler());
  }
}
