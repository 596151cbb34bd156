package io.peyvand.broker.serialization;

import io.peyvand.broker.directory.Allowance;
import io.peyvand.broker.directory.DirectorySettings;
import io.peyvand.broker.directory.LookupLedger;
import io.peyvand.persistence.stored.v1.LookupAllowance;
import io.peyvand.persistence.stored.v1.LookupsSnapshot;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.persistence.typed.SnapshotAdapter;

/**
 * A {@link LookupLedger} to and from its stored snapshot ({@code LookupsSnapshot}): the numbers
 * remembered (64-bit hash prefixes) with when each was last looked up, and the allowance. Converted
 * in the entity's thread when the snapshot is taken.
 */
public final class LookupSnapshots implements SnapshotAdapter<LookupLedger> {
  private final DirectorySettings settings;

  public LookupSnapshots(DirectorySettings settings) {
    this.settings = settings;
  }

  @Override
  public Object toJournal(LookupLedger ledger) {
    LookupsSnapshot.Builder stored =
        LookupsSnapshot.newBuilder().setAllowance(allowance(ledger.allowance()));
    ledger
        .seen()
        .forEach((number, at) -> stored.addNumbers(number).addSeenAtEpochMillis(at.toEpochMilli()));
    return stored.build();
  }

  @Override
  public LookupLedger fromJournal(Object from) {
    LookupsSnapshot stored = (LookupsSnapshot) from;
    Map<Long, Instant> seen = new HashMap<>();
    for (int i = 0; i < stored.getNumbersCount(); i++) {
      seen.put(stored.getNumbers(i), Instant.ofEpochMilli(stored.getSeenAtEpochMillis(i)));
    }
    return LookupLedger.restore(
        settings.userAllowance(), settings.remember(), seen, allowance(stored.getAllowance()));
  }

  static LookupAllowance allowance(Allowance allowance) {
    return LookupAllowance.newBuilder()
        .setTokens(allowance.tokens())
        .setUpdatedAtEpochMillis(allowance.updated().toEpochMilli())
        .build();
  }

  static Allowance allowance(LookupAllowance stored) {
    return new Allowance(
        stored.getTokens(), Instant.ofEpochMilli(stored.getUpdatedAtEpochMillis()));
  }
}
