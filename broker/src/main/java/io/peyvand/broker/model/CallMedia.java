package io.peyvand.broker.model;

import java.util.Locale;

/** What a call carries; stored by {@link #stored()} name. */
public enum CallMedia {
  AUDIO,
  VIDEO;

  /** The stable name in stored events: "audio", "video". */
  public String stored() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static CallMedia fromStored(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }
}
