package io.peyvand.broker.model;

/**
 * A user of a platform; text form {@code platform:user}, e.g. {@code bale:bob}. Validated at the
 * edge.
 */
public record Address(String platformId, String userId) implements Comparable<Address> {
  public Address {
    if (platformId == null || platformId.isEmpty() || userId == null || userId.isEmpty()) {
      throw new IllegalArgumentException("an address needs a platform id and a user id");
    }
  }

  /** Parses the text form written by {@link #toString()}. */
  public static Address parse(String text) {
    int colon = text.indexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException("'" + text + "' is not an address: use platform:user");
    }
    return new Address(text.substring(0, colon), text.substring(colon + 1));
  }

  @Override
  public String toString() {
    return platformId + ":" + userId;
  }

  @Override
  public int compareTo(Address other) {
    int byPlatform = platformId.compareTo(other.platformId);
    return byPlatform != 0 ? byPlatform : userId.compareTo(other.userId);
  }
}
