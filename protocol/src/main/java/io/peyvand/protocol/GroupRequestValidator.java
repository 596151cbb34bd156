package io.peyvand.protocol;

import com.google.protobuf.Message;
import io.peyvand.protocol.v1.BulkSubscribeRequest;
import io.peyvand.protocol.v1.ChangeMembersRequest;
import io.peyvand.protocol.v1.CreateGroupRequest;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.GetGroupRequest;
import io.peyvand.protocol.v1.GroupAddress;
import io.peyvand.protocol.v1.GroupCallRequest;
import io.peyvand.protocol.v1.GroupKind;
import io.peyvand.protocol.v1.HistoryRequest;
import io.peyvand.protocol.v1.JoinRequest;
import io.peyvand.protocol.v1.LeaveRequest;
import io.peyvand.protocol.v1.MemberChange;
import io.peyvand.protocol.v1.SetTitleRequest;
import io.peyvand.protocol.v1.UserAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Checks the requests of the {@code Groups} service (groups.proto) field by field and answers with
 * the first problem, in the order of the request's fields, so that the same request always gets the
 * same answer. Used by the broker before it acts and by the SDK before it sends, so that an adapter
 * learns what to fix without a round trip. The rules:
 *
 * <ul>
 *   <li>group: present and valid (its home platform's id, then group_id under the user id rule;
 *       INVALID_ADDRESS, or INVALID_TEXT for a control character, see {@link Addresses});
 *   <li>actor, user, and each user of a change or of a bulk subscription: present and valid
 *       (INVALID_ADDRESS); CreateGroup's actor of the group's home platform (INVALID_ARGUMENT);
 *   <li>title: not blank (INVALID_FRAME), at most {@value #MAX_TITLE_BYTES} bytes of UTF-8
 *       (INVALID_ARGUMENT; checked before the characters, which bounds that work), no control
 *       character, line breaks included (INVALID_TEXT);
 *   <li>kind: GROUP or CHANNEL (INVALID_ARGUMENT);
 *   <li>ChangeMembers: 1 to {@value #MAX_MEMBER_CHANGES} changes (INVALID_FRAME when none,
 *       INVALID_ARGUMENT when too many), each with a valid user and a known op;
 *   <li>BulkSubscribe: 1 to {@value #MAX_BULK_SUBSCRIBE_USERS} users (INVALID_FRAME,
 *       INVALID_ARGUMENT), all of one platform (INVALID_ARGUMENT; a platform subscribes its own
 *       users);
 *   <li>History: limit at most {@value #MAX_HISTORY_LIMIT} (0 means the broker's page of 100;
 *       INVALID_ARGUMENT).
 * </ul>
 *
 * <p>Messages name the field as it is in the request, indexed for repeated fields (e.g.
 * "changes[3].user.user_id"). Whether the actor may act for the group, or the calling platform for
 * the user, is the broker's business, not this class's. Stateless; safe from any thread.
 */
public final class GroupRequestValidator {
  /** Longest title of a group or channel, in UTF-8 bytes. */
  public static final int MAX_TITLE_BYTES = 256;

  /** Most member changes in one ChangeMembers call. */
  public static final int MAX_MEMBER_CHANGES = 1_000;

  /** Most users in one BulkSubscribe call. */
  public static final int MAX_BULK_SUBSCRIBE_USERS = 10_000;

  /** Largest page of History (limit); 0 asks for the broker's default page. */
  public static final int MAX_HISTORY_LIMIT = 500;

  private GroupRequestValidator() {}

  /**
   * The first problem of any request of the Groups service, or empty if it is valid; a message of
   * another kind is refused with IllegalArgumentException.
   */
  public static Optional<Error> validate(Message request) {
    Objects.requireNonNull(request, "request");
    if (request instanceof CreateGroupRequest r) {
      return validate(r);
    } else if (request instanceof ChangeMembersRequest r) {
      return validate(r);
    } else if (request instanceof JoinRequest r) {
      return validate(r);
    } else if (request instanceof LeaveRequest r) {
      return validate(r);
    } else if (request instanceof BulkSubscribeRequest r) {
      return validate(r);
    } else if (request instanceof SetTitleRequest r) {
      return validate(r);
    } else if (request instanceof GetGroupRequest r) {
      return validate(r);
    } else if (request instanceof GroupCallRequest r) {
      return validate(r);
    } else if (request instanceof HistoryRequest r) {
      return validate(r);
    }
    throw new IllegalArgumentException(
        request.getDescriptorForType().getFullName() + " is not a request of the Groups service");
  }

  /** group, actor (of the group's home platform), title, kind. */
  public static Optional<Error> validate(CreateGroupRequest request) {
    return first(
        () -> group(request.hasGroup(), request.getGroup()),
        () ->
            user(
                request.hasActor(),
                request.getActor(),
                "actor",
                "the user creating the group, who becomes its owner"),
        () -> home(request.getGroup(), request.getActor()),
        () -> title(request.getTitle()),
        () -> kind(request.getKind(), request.getKindValue()));
  }

  /** group, actor, then the changes: how many, and each one's user and op. */
  public static Optional<Error> validate(ChangeMembersRequest request) {
    return first(
        () -> group(request.hasGroup(), request.getGroup()),
        () ->
            user(
                request.hasActor(),
                request.getActor(),
                "actor",
                "the owner or admin making the change"),
        () -> changes(request.getChangesList()));
  }

  /** group, user. */
  public static Optional<Error> validate(JoinRequest request) {
    return first(
        () -> group(request.hasGroup(), request.getGroup()),
        () -> user(request.hasUser(), request.getUser(), "user", "the user joining"));
  }

  /** group, user. */
  public static Optional<Error> validate(LeaveRequest request) {
    return first(
        () -> group(request.hasGroup(), request.getGroup()),
        () -> user(request.hasUser(), request.getUser(), "user", "the user leaving"));
  }

  /** group, then the users: how many, each one valid, all of the first one's platform. */
  public static Optional<Error> validate(BulkSubscribeRequest request) {
    return first(
        () -> group(request.hasGroup(), request.getGroup()),
        () -> bulkUsers(request.getUsersList()));
  }

  /** group, actor, title. */
  public static Optional<Error> validate(SetTitleRequest request) {
    return first(
        () -> group(request.hasGroup(), request.getGroup()),
        () ->
            user(
                request.hasActor(),
                request.getActor(),
                "actor",
                "the owner or admin renaming the group"),
        () -> title(request.getTitle()));
  }

  /** group, user, call_id (the message-id rule, at most 100 characters), action. */
  public static Optional<Error> validate(GroupCallRequest request) {
    return first(
        () -> group(request.hasGroup(), request.getGroup()),
        () ->
            user(
                request.hasUser(),
                request.getUser(),
                "user",
                "the member joining, leaving, muting or unmuting in the call"),
        () ->
            MessageIds.validate(
                request.getCallId(), "call_id", CallRequestValidator.MAX_CALL_ID_LENGTH),
        () ->
            switch (request.getAction()) {
              case JOINED, LEFT, MUTED, UNMUTED -> Optional.empty();
              default ->
                  refuse(
                      ErrorCode.INVALID_ARGUMENT,
                      "action is " + request.getAction() + "; set JOINED, LEFT, MUTED or UNMUTED");
            });
  }

  /** group. */
  public static Optional<Error> validate(GetGroupRequest request) {
    return group(request.hasGroup(), request.getGroup());
  }

  /** group, user, limit. */
  public static Optional<Error> validate(HistoryRequest request) {
    return first(
        () -> group(request.hasGroup(), request.getGroup()),
        () ->
            user(
                request.hasUser(),
                request.getUser(),
                "user",
                "the member asking for the group's history"),
        () -> historyLimit(request.getLimit()));
  }

  private static Optional<Error> group(boolean present, GroupAddress group) {
    if (!present) {
      return refuse(
          ErrorCode.INVALID_ADDRESS,
          "group is missing: set the group's address"
              + " (platform_id: its home platform, group_id: the home platform's id for it)");
    }
    return Addresses.validate(group, "group");
  }

  private static Optional<Error> user(
      boolean present, UserAddress user, String field, String whose) {
    if (!present) {
      return refuse(
          ErrorCode.INVALID_ADDRESS,
          field + " is missing: set it to the address of " + whose + " (platform_id and user_id)");
    }
    return Addresses.validate(user, field);
  }

  private static Optional<Error> home(GroupAddress group, UserAddress actor) {
    if (group.getPlatformId().equals(actor.getPlatformId())) {
      return Optional.empty();
    }
    return refuse(
        ErrorCode.INVALID_ARGUMENT,
        "group.platform_id is "
            + TextRules.quote(group.getPlatformId())
            + " but actor.platform_id is "
            + TextRules.quote(actor.getPlatformId())
            + ": a group is created at its creator's"
            + " platform, its home; set group.platform_id to the actor's platform");
  }

  private static Optional<Error> title(String title) {
    if (title.isBlank()) {
      return refuse(
          ErrorCode.INVALID_FRAME,
          "title is "
              + (title.isEmpty() ? "empty" : "blank")
              + ": give the group a name of 1-"
              + MAX_TITLE_BYTES
              + " bytes of UTF-8");
    }
    return TextRules.tooManyBytes("title", title, MAX_TITLE_BYTES, ": shorten it")
        .or(() -> TextRules.check("title", title, false));
  }

  private static Optional<Error> kind(GroupKind kind, int value) {
    return switch (kind) {
      case GROUP, CHANNEL -> Optional.empty();
      case GROUP_KIND_UNSPECIFIED ->
          refuse(
              ErrorCode.INVALID_ARGUMENT,
              "kind is unspecified:"
                  + " set it to GROUP (members post) or CHANNEL (owner and admins post)");
      case UNRECOGNIZED ->
          refuse(
              ErrorCode.INVALID_ARGUMENT,
              "kind "
                  + value
                  + " is not known"
                  + " to this protocol version: set it to GROUP or CHANNEL");
    };
  }

  private static Optional<Error> changes(List<MemberChange> changes) {
    if (changes.isEmpty()) {
      return refuse(
          ErrorCode.INVALID_FRAME,
          "changes is empty: list at least one member change" + " (user and op)");
    }
    if (changes.size() > MAX_MEMBER_CHANGES) {
      return refuse(
          ErrorCode.INVALID_ARGUMENT,
          "changes has "
              + changes.size()
              + " entries; at"
              + " most "
              + MAX_MEMBER_CHANGES
              + " are allowed in one call: send the rest in another"
              + " ChangeMembers");
    }
    for (int i = 0; i < changes.size(); i++) {
      MemberChange change = changes.get(i);
      String field = "changes[" + i + "]";
      Optional<Error> problem =
          user(change.hasUser(), change.getUser(), field + ".user", "the member to change");
      if (problem.isPresent()) {
        return problem;
      }
      problem = op(change.getOp(), change.getOpValue(), field + ".op");
      if (problem.isPresent()) {
        return problem;
      }
    }
    return Optional.empty();
  }

  private static Optional<Error> op(MemberChange.Op op, int value, String field) {
    String ops = "ADD, REMOVE, PROMOTE, DEMOTE, MUTE or UNMUTE";
    return switch (op) {
      case ADD, REMOVE, PROMOTE, DEMOTE, MUTE, UNMUTE -> Optional.empty();
      case OP_UNSPECIFIED ->
          refuse(ErrorCode.INVALID_ARGUMENT, field + " is unspecified: set it" + " to " + ops);
      case UNRECOGNIZED ->
          refuse(
              ErrorCode.INVALID_ARGUMENT,
              field
                  + " "
                  + value
                  + " is not"
                  + " known to this protocol version: set it to "
                  + ops);
    };
  }

  private static Optional<Error> bulkUsers(List<UserAddress> users) {
    if (users.isEmpty()) {
      return refuse(
          ErrorCode.INVALID_FRAME, "users is empty: list at least one user to" + " subscribe");
    }
    if (users.size() > MAX_BULK_SUBSCRIBE_USERS) {
      return refuse(
          ErrorCode.INVALID_ARGUMENT,
          "users has "
              + users.size()
              + " entries; at most "
              + MAX_BULK_SUBSCRIBE_USERS
              + " are allowed in one call: send the rest in another"
              + " BulkSubscribe");
    }
    String platform = null;
    for (int i = 0; i < users.size(); i++) {
      String field = "users[" + i + "]";
      Optional<Error> problem = Addresses.validate(users.get(i), field);
      if (problem.isPresent()) {
        return problem;
      }
      String own = users.get(i).getPlatformId();
      if (platform == null) {
        platform = own;
      } else if (!platform.equals(own)) {
        return refuse(
            ErrorCode.INVALID_ARGUMENT,
            field
                + ".platform_id is "
                + TextRules.quote(own)
                + " but users[0].platform_id is "
                + TextRules.quote(platform)
                + ": a bulk"
                + " subscription is for users of one platform, the calling one; send each platform's"
                + " users in a call of their own");
      }
    }
    return Optional.empty();
  }

  private static Optional<Error> historyLimit(int limit) {
    // uint32 on the wire: a value above 2^31 - 1 arrives negative here.
    if (Integer.compareUnsigned(limit, MAX_HISTORY_LIMIT) > 0) {
      return refuse(
          ErrorCode.INVALID_ARGUMENT,
          "limit is "
              + Integer.toUnsignedString(limit)
              + "; a page holds at most "
              + MAX_HISTORY_LIMIT
              + " items (0 for the default of 100)");
    }
    return Optional.empty();
  }

  @SafeVarargs
  private static Optional<Error> first(Supplier<Optional<Error>>... checks) {
    for (Supplier<Optional<Error>> check : checks) {
      Optional<Error> problem = check.get();
      if (problem.isPresent()) {
        return problem;
      }
    }
    return Optional.empty();
  }

  private static Optional<Error> refuse(ErrorCode code, String message) {
    return Optional.of(ErrorCodes.error(code, message));
  }
}
