package io.peyvand.protocol.sdk;

import io.peyvand.protocol.v1.GroupAddress;
import io.peyvand.protocol.v1.UserAddress;
import java.util.regex.Pattern;

/** The text form of a {@link UserAddress}, {@code platform_id:user_id}, e.g. {@code bale:bob}. */
public final class UserAddresses {
  private static final Pattern PLATFORM = Pattern.compile("[a-z][a-z0-9_-]{1,31}");

  private UserAddresses() {}

  /** Parses {@code platform:user}, checking both parts as envelope.proto describes them. */
  public static UserAddress parse(String text) {
    int colon = text.indexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(
          "expected PLATFORM:USER, e.g. bale:bob, got '" + text + "'");
    }
    String platform = text.substring(0, colon);
    String user = text.substring(colon + 1);
    if (!PLATFORM.matcher(platform).matches()) {
      throw new IllegalArgumentException(
          "'"
              + platform
              + "' is not a platform id: 2-32 characters"
              + " of a-z, 0-9, '_' and '-', starting with a letter");
    }
    if (user.isEmpty()
        || user.length() > 128
        || user.codePoints()
            .anyMatch(c -> c == ':' || Character.isWhitespace(c) || Character.isISOControl(c))) {
      throw new IllegalArgumentException(
          "'"
              + user
              + "' is not a user id: 1-128 characters, none"
              + " of them a control character, whitespace or ':'");
    }
    return UserAddress.newBuilder().setPlatformId(platform).setUserId(user).build();
  }

  /** {@code platform:user}. */
  public static String format(UserAddress address) {
    return address.getPlatformId() + ":" + address.getUserId();
  }

  /** A group's address as {@code home_platform:group_id}, e.g. {@code eitaa:family}. */
  public static String format(GroupAddress group) {
    return group.getPlatformId() + ":" + group.getGroupId();
  }
}
