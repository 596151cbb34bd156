package io.peyvand.broker.model;

/**
 * A platform's limits as the operator set them (Admin.SetPlatformQuota); a 0 field means "the
 * broker's default" ({@link #over}). Rates are per second.
 *
 * @param submitsPerSecond the whole platform's submissions, across the cluster
 * @param submitBurst the submissions it may make at once above the rate, across the cluster
 * @param userSubmitsPerSecond one sending user's submissions, on each node
 * @param userSubmitBurst one sending user's burst, on each node
 * @param sessionsPerNode the platform's concurrent sessions on each node
 * @param directoryNewNumbersPerDay distinct new numbers its users may look up in the directory in a
 *     UTC day, across the cluster (SECURITY.md, "The directory")
 */
public record Quota(
    int submitsPerSecond,
    int submitBurst,
    int userSubmitsPerSecond,
    int userSubmitBurst,
    int sessionsPerNode,
    int directoryNewNumbersPerDay) {

  /** Nothing set: the broker's defaults apply throughout. */
  public static final Quota DEFAULTS = new Quota(0, 0, 0, 0, 0, 0);

  public Quota {
    if (submitsPerSecond < 0
        || submitBurst < 0
        || userSubmitsPerSecond < 0
        || userSubmitBurst < 0
        || sessionsPerNode < 0
        || directoryNewNumbersPerDay < 0) {
      throw new IllegalArgumentException("a quota is never negative: " + this);
    }
  }

  /** A quota that leaves the directory's allowance at the broker's default. */
  public Quota(
      int submitsPerSecond,
      int submitBurst,
      int userSubmitsPerSecond,
      int userSubmitBurst,
      int sessionsPerNode) {
    this(submitsPerSecond, submitBurst, userSubmitsPerSecond, userSubmitBurst, sessionsPerNode, 0);
  }

  /** This quota, with {@code defaults} where a field is 0. */
  public Quota over(Quota defaults) {
    return new Quota(
        or(submitsPerSecond, defaults.submitsPerSecond),
        or(submitBurst, defaults.submitBurst),
        or(userSubmitsPerSecond, defaults.userSubmitsPerSecond),
        or(userSubmitBurst, defaults.userSubmitBurst),
        or(sessionsPerNode, defaults.sessionsPerNode),
        or(directoryNewNumbersPerDay, defaults.directoryNewNumbersPerDay));
  }

  private static int or(int value, int otherwise) {
    return value != 0 ? value : otherwise;
  }
}
