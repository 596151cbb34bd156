package io.peyvand.loadtests.bench.harness;

import java.security.SecureRandom;

/**
 * The message ids of one run: {@code bench-<runId>-<index>}. The run id differs on every run (time
 * and randomness, deliberately not the seed), so a rerun against the same broker never collides
 * with an earlier run's ids, which the broker would answer "duplicate" for days; and a delivery
 * left over from an earlier run is recognised as not this run's.
 */
public record MessageIds(String runId) {
  private static final String PREFIX = "bench-";

  public MessageIds {
    if (!runId.matches("[a-z0-9]{1,32}")) {
      throw new IllegalArgumentException("a run id is 1-32 of a-z 0-9: " + runId);
    }
  }

  /** A run id not used before: the time in base 36 and four random base-36 digits. */
  public static MessageIds fresh() {
    int random = new SecureRandom().nextInt(36 * 36 * 36 * 36);
    return new MessageIds(
        Long.toString(System.currentTimeMillis(), 36)
            + String.format("%4s", Integer.toString(random, 36)).replace(' ', '0'));
  }

  public String messageId(int index) {
    return PREFIX + runId + "-" + index;
  }

  /** The index of one of this run's message ids, or -1 for any other id. Cheap: no allocation. */
  public int indexOf(String messageId) {
    int start = PREFIX.length() + runId.length() + 1;
    if (messageId.length() <= start
        || !messageId.startsWith(PREFIX)
        || !messageId.startsWith(runId, PREFIX.length())
        || messageId.charAt(start - 1) != '-') {
      return -1;
    }
    try {
      return Integer.parseInt(messageId, start, messageId.length(), 10);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
