package io.peyvand.broker.model;

import java.util.Locale;

/**
 * How a call ended (PROTOCOL.md §16.3); stored by {@link #stored()} name. {@code MISSED} and {@code
 * ANSWERED_ELSEWHERE} are what the callee's side is told, never how a call is stored as ending.
 */
public enum CallEnd {
  ENDED,
  BUSY,
  DECLINED,
  NO_ANSWER,
  MISSED,
  FAILED,
  ANSWERED_ELSEWHERE,
  REPLACED;

  /** The stable name in stored events: "no-answer", "declined", ... */
  public String stored() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static CallEnd fromStored(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT).replace('-', '_'));
  }

  /** What the callee's side is told of a call that ended so from the caller's side. */
  public CallEnd forCallee() {
    return this == NO_ANSWER ? MISSED : this;
  }

  /**
   * The reason in the callee's missed-call record of an unanswered call that ended so: MISSED
   * unless they declined it or were busy.
   */
  public CallEnd recordedForCallee() {
    return this == DECLINED || this == BUSY ? this : MISSED;
  }
}
