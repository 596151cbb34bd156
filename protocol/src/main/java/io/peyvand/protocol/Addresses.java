package io.peyvand.protocol;

import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.GroupAddress;
import io.peyvand.protocol.v1.UserAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * User addresses ({@link UserAddress}): the rules of envelope.proto and the text form {@code
 * platform_id:user_id}, e.g. {@code bale:bob}; group addresses ({@link GroupAddress}) the same way,
 * {@code home_platform:group_id}, e.g. {@code eitaa:family}.
 *
 * <p>platform_id: 2-32 characters of a-z, 0-9, '_' and '-', starting with a letter. user_id: 1-128
 * characters (code points), none of them whitespace, a control character or ':', and valid Unicode.
 * Problems are INVALID_ADDRESS, except a control character other than whitespace or an unpaired
 * surrogate in user_id, which is INVALID_TEXT like in every other text field.
 */
public final class Addresses {
  public static final int MIN_PLATFORM_ID_LENGTH = 2;
  public static final int MAX_PLATFORM_ID_LENGTH = 32;
  public static final int MAX_USER_ID_LENGTH = 128;

  private static final String PLATFORM_ID_RULE =
      MIN_PLATFORM_ID_LENGTH
          + "-"
          + MAX_PLATFORM_ID_LENGTH
          + " characters of a-z, 0-9, '_' and '-', starting with a letter";
  private static final String TEXT_FORM = "write an address as platform_id:user_id, e.g. bale:bob";

  private Addresses() {}

  /** What is wrong with a part of an address, without the field's name. */
  private record Problem(ErrorCode code, String whatToFix) {
    Error toError(String field) {
      return ErrorCodes.error(code, field + " " + whatToFix);
    }
  }

  /**
   * Parses the text form {@code platform_id:user_id} (split at the first ':'). Returns a valid
   * address, for which {@link #format} gives {@code text} back; anything else throws
   * IllegalArgumentException saying what to fix.
   */
  public static UserAddress parse(String text) {
    Objects.requireNonNull(text, "text");
    int colon = text.indexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(
          "address " + TextRules.quote(text) + " has no ':'; " + TEXT_FORM);
    }
    String platformId = text.substring(0, colon);
    String userId = text.substring(colon + 1);
    Optional<Problem> problem = platformIdProblem(platformId);
    String field = "platform_id";
    if (problem.isEmpty()) {
      problem = userIdProblem(userId);
      field = "user_id";
    }
    if (problem.isPresent()) {
      throw new IllegalArgumentException(
          "address "
              + TextRules.quote(text)
              + ": "
              + field
              + " "
              + problem.get().whatToFix()
              + "; "
              + TEXT_FORM);
    }
    return UserAddress.newBuilder().setPlatformId(platformId).setUserId(userId).build();
  }

  /**
   * The text form {@code platform_id:user_id} of a valid address; {@link #parse} reads it back to
   * an equal address. An invalid address throws IllegalArgumentException (its text form could not
   * be parsed back).
   */
  public static String format(UserAddress address) {
    Objects.requireNonNull(address, "address");
    requireValid(validate(address, "address"));
    return address.getPlatformId() + ":" + address.getUserId();
  }

  /**
   * Parses the text form {@code home_platform:group_id} of a group's address, e.g. {@code
   * eitaa:family} (split at the first ':'), under the same rules as {@link #parse}: the group id
   * follows the user id rule. Anything else throws IllegalArgumentException saying what to fix.
   */
  public static GroupAddress parseGroup(String text) {
    Objects.requireNonNull(text, "text");
    int colon = text.indexOf(':');
    String form = "write a group's address as home_platform:group_id, e.g. eitaa:family";
    if (colon < 0) {
      throw new IllegalArgumentException(
          "group address " + TextRules.quote(text) + " has no ':'; " + form);
    }
    GroupAddress group =
        GroupAddress.newBuilder()
            .setPlatformId(text.substring(0, colon))
            .setGroupId(text.substring(colon + 1))
            .build();
    validate(group, "group")
        .ifPresent(
            error -> {
              throw new IllegalArgumentException(
                  "group address "
                      + TextRules.quote(text)
                      + ": "
                      + error.getMessage().substring("group.".length())
                      + "; "
                      + form);
            });
    return group;
  }

  /**
   * The text form {@code home_platform:group_id} of a valid group address; {@link #parseGroup}
   * reads it back. An invalid address throws IllegalArgumentException.
   */
  public static String format(GroupAddress address) {
    Objects.requireNonNull(address, "address");
    requireValid(validate(address, "group"));
    return address.getPlatformId() + ":" + address.getGroupId();
  }

  /** Throws IllegalArgumentException with the problem's message, if there is one. */
  private static void requireValid(Optional<Error> problem) {
    problem.ifPresent(
        error -> {
          throw new IllegalArgumentException(error.getMessage());
        });
  }

  /**
   * The first problem of {@code address}, platform_id before user_id, as an Error whose message
   * starts with the field's name as given, e.g. "recipient" gives "recipient.user_id ...". Empty if
   * the address is valid.
   */
  public static Optional<Error> validate(UserAddress address, String field) {
    Objects.requireNonNull(address, "address");
    return validate(address.getPlatformId(), field, address.getUserId(), ".user_id");
  }

  /**
   * The first problem of a group's address (its home platform's id, then the group id, which
   * follows the user id rule), as for {@link #validate(UserAddress, String)}.
   */
  public static Optional<Error> validate(GroupAddress address, String field) {
    Objects.requireNonNull(address, "address");
    return validate(address.getPlatformId(), field, address.getGroupId(), ".group_id");
  }

  /** The platform id's problem, else the id's under it (user or group id: the same rule). */
  private static Optional<Error> validate(
      String platformId, String field, String id, String idField) {
    Optional<Error> platform = validatePlatformId(platformId, field + ".platform_id");
    if (platform.isPresent()) {
      return platform;
    }
    return userIdProblem(id).map(p -> p.toError(field + idField));
  }

  /**
   * The platform_id rule alone (also used for Hello.platform_id): empty if valid, else
   * INVALID_ADDRESS naming {@code field}.
   */
  public static Optional<Error> validatePlatformId(String platformId, String field) {
    Objects.requireNonNull(platformId, "platformId");
    return platformIdProblem(platformId).map(p -> p.toError(field));
  }

  private static Optional<Problem> platformIdProblem(String id) {
    if (id.isEmpty()) {
      return invalidAddress("is empty: set it to a registered platform's id, " + PLATFORM_ID_RULE);
    }
    int length = TextRules.length(id);
    if (length < MIN_PLATFORM_ID_LENGTH || length > MAX_PLATFORM_ID_LENGTH) {
      return invalidAddress(
          "is "
              + length
              + " characters long ("
              + TextRules.quote(id)
              + "); it must be "
              + PLATFORM_ID_RULE);
    }
    int first = id.codePointAt(0);
    if (first < 'a' || first > 'z') {
      return invalidAddress(
          "must start with a letter a-z, not "
              + TextRules.describe(first)
              + " ("
              + TextRules.quote(id)
              + ")"
              + lowerCaseHint(first)
              + "; it must be "
              + PLATFORM_ID_RULE);
    }
    int position = 0;
    for (int i = 0; i < id.length(); ) {
      int cp = id.codePointAt(i);
      position++;
      boolean allowed =
          (cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') || cp == '_' || cp == '-';
      if (!allowed) {
        return invalidAddress(
            "contains "
                + TextRules.describe(cp)
                + " at character "
                + position
                + " ("
                + TextRules.quote(id)
                + ")"
                + lowerCaseHint(cp)
                + "; it must be "
                + PLATFORM_ID_RULE);
      }
      i += Character.charCount(cp);
    }
    return Optional.empty();
  }

  private static Optional<Problem> userIdProblem(String id) {
    if (id.isEmpty()) {
      return invalidAddress(
          "is empty: set it to the platform's own id for the user, 1-"
              + MAX_USER_ID_LENGTH
              + " characters");
    }
    int length = TextRules.length(id);
    if (length > MAX_USER_ID_LENGTH) {
      return invalidAddress(
          "is " + length + " characters long; at most " + MAX_USER_ID_LENGTH + " are allowed");
    }
    int position = 0;
    for (int i = 0; i < id.length(); ) {
      int cp = id.codePointAt(i);
      position++;
      if (TextRules.isUnpairedSurrogate(cp)) {
        return Optional.of(
            new Problem(ErrorCode.INVALID_TEXT, TextRules.unpairedSurrogateProblem(cp, position)));
      }
      String what = null;
      ErrorCode code = ErrorCode.INVALID_ADDRESS;
      if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
        what = "whitespace " + TextRules.describe(cp);
      } else if (Character.isISOControl(cp)) {
        what = "the control character " + TextRules.describe(cp);
        code = ErrorCode.INVALID_TEXT;
      } else if (cp == ':') {
        what = "':'";
      }
      if (what != null) {
        return Optional.of(
            new Problem(
                code,
                "contains "
                    + what
                    + " at character "
                    + position
                    + "; a user id must not contain whitespace, control characters or ':'"));
      }
      i += Character.charCount(cp);
    }
    return Optional.empty();
  }

  private static String lowerCaseHint(int codePoint) {
    return codePoint >= 'A' && codePoint <= 'Z' ? ": platform ids are lower case" : "";
  }

  private static Optional<Problem> invalidAddress(String whatToFix) {
    return Optional.of(new Problem(ErrorCode.INVALID_ADDRESS, whatToFix));
  }
}
