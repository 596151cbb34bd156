package io.peyvand.loadtests.bench.ledger;

import io.peyvand.loadtests.bench.harness.Percentiles;
import io.peyvand.protocol.v1.ErrorCode;
import java.util.Map;

/**
 * The {@link Ledger}'s account of a range of messages at one moment. Times are nanoseconds on the
 * ledger's clock, -1 when there is none.
 *
 * @param messages the messages in the range
 * @param accepted answered accepted, duplicates included
 * @param duplicates answered duplicate (a resend by the SDK after a lost answer)
 * @param refused final refusals by code
 * @param unanswered submits that failed without a final answer, or have not completed
 * @param delivered messages delivered at least once
 * @param lost accepted but not delivered (yet)
 * @param statuses messages whose DELIVERED status reached the sender's platform
 * @param submitToAccepted nanoseconds from the submit call to its accepted outcome
 * @param submitToDelivered nanoseconds from the submit call to the first delivery
 * @param firstSubmit when the first message of the range was submitted
 * @param lastAccepted when the last accepted outcome came
 * @param lastDelivered when the last first-delivery came
 * @param redelivered deliveries flagged redelivery, over the whole run (messages and statuses)
 * @param redeliveredUnseen of those, deliveries flagged redelivery whose item this client had not
 *     received before (the earlier push did not arrive)
 * @param unflaggedDuplicates deliveries repeating an item (mailbox, sequence) or a message id
 *     without the redelivery flag, over the whole run
 * @param foreign deliveries of other runs' messages and statuses (left over in the broker)
 */
public record Tally(
    int messages,
    int accepted,
    int duplicates,
    Map<ErrorCode, Integer> refused,
    int unanswered,
    int delivered,
    int lost,
    int statuses,
    Percentiles submitToAccepted,
    Percentiles submitToDelivered,
    long firstSubmit,
    long lastAccepted,
    long lastDelivered,
    long redelivered,
    long redeliveredUnseen,
    long unflaggedDuplicates,
    long foreign) {

  public int refusedTotal() {
    return refused.values().stream().mapToInt(Integer::intValue).sum();
  }

  /** Accepted per second from the first submit to the last accepted; 0 without a window. */
  public double acceptedPerSecond() {
    return perSecond(accepted, lastAccepted);
  }

  /** Delivered per second from the first submit to the last first-delivery. */
  public double deliveredPerSecond() {
    return perSecond(delivered, lastDelivered);
  }

  private double perSecond(int count, long end) {
    return firstSubmit < 0 || end <= firstSubmit ? 0 : count * 1e9 / (end - firstSubmit);
  }
}
