package io.peyvand.broker.service;

import io.peyvand.broker.audit.AuditLog;
import io.peyvand.broker.service.Operations.Either;
import io.peyvand.broker.service.statistics.Statistics;
import io.peyvand.persistence.audit.AuditStore;
import io.peyvand.protocol.ErrorCodes;
import io.peyvand.protocol.v1.AuditEntries;
import io.peyvand.protocol.v1.ConsistencyProof;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.InclusionProof;
import io.peyvand.protocol.v1.SignedReport;
import io.peyvand.protocol.v1.SignedTreeHead;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The regulator's read-only operations (the Regulator service) in protocol terms: the audit log's
 * head, entries and proofs, and the signed statistics. The caller has already been checked to be a
 * regulator ({@link Peer#mayRegulate}); {@code regulator} names it. Every query is itself appended
 * to the audit log before it is answered (so the head a regulator gets covers its own query); a
 * query is still answered when the log cannot take the entry (a regulator must be able to look at a
 * damaged log), and that is logged.
 */
public final class Regulation {
  private static final Logger log = LoggerFactory.getLogger(Regulation.class);

  /** Most entries one call returns. */
  public static final int MAX_ENTRIES = LogReading.MAX_ENTRIES;

  private final ActorSystem<?> system;
  private final Statistics statistics;
  private final Duration askTimeout;
  private final LogReading reading;

  public Regulation(
      ActorSystem<?> system, AuditStore store, Statistics statistics, Duration askTimeout) {
    this.system = system;
    this.statistics = statistics;
    this.askTimeout = askTimeout;
    this.reading = new LogReading(system, store, askTimeout);
  }

  /** The signed statistics of the UTC days {@code from} to {@code to} (YYYY-MM-DD). */
  public CompletionStage<Either<SignedReport>> report(String regulator, String from, String to) {
    LocalDate first;
    LocalDate last;
    try {
      first = LocalDate.parse(from);
      last = LocalDate.parse(to);
    } catch (DateTimeParseException e) {
      return invalid(
          "from and to are UTC days written YYYY-MM-DD (got from=\""
              + from
              + "\", to=\""
              + to
              + "\")");
    }
    if (last.isBefore(first) || ChronoUnit.DAYS.between(first, last) >= Statistics.MAX_DAYS) {
      return invalid(
          "a report covers 1 to "
              + Statistics.MAX_DAYS
              + " days, from on or before to (got "
              + first
              + " to "
              + last
              + ")");
    }
    return recorded(
        regulator,
        "GetReport from=" + first + " to=" + last,
        () ->
            statistics
                .report(first, last)
                .thenApply(json -> Either.ok(SignedReport.newBuilder().setJson(json).build())));
  }

  /** The latest signed head, as stored (so a damaged log still shows its last head). */
  public CompletionStage<Either<SignedTreeHead>> head(String regulator) {
    return recorded(regulator, "GetAuditHead", () -> reading.head(AuditLog.ENTITY_ID));
  }

  /**
   * Entries from {@code start}, at most {@code count} (0 means {@value #MAX_ENTRIES}), as stored. A
   * hole in the stored log ends the list early: the caller sees fewer entries than asked.
   */
  public CompletionStage<Either<AuditEntries>> entries(String regulator, long start, int count) {
    Optional<Error> bad = LogReading.countProblem(count);
    if (bad.isPresent()) {
      return CompletableFuture.completedFuture(Either.error(bad.get()));
    }
    int wanted = count == 0 ? MAX_ENTRIES : count;
    return recorded(
        regulator,
        "GetAuditEntries start=" + start + " count=" + wanted,
        () -> reading.entries(AuditLog.ENTITY_ID, start, wanted));
  }

  /** The inclusion proof of entry {@code index} in the signed tree of {@code treeSize}. */
  public CompletionStage<Either<InclusionProof>> proveInclusion(
      String regulator, long index, long treeSize) {
    return recorded(
        regulator,
        "ProveInclusion leaf_index=" + index + " tree_size=" + treeSize,
        () -> reading.proveInclusion(AuditLog.ENTITY_ID, index, treeSize));
  }

  /** The consistency proof from the tree of {@code first} entries to that of {@code second}. */
  public CompletionStage<Either<ConsistencyProof>> proveConsistency(
      String regulator, long first, long second) {
    return recorded(
        regulator,
        "ProveConsistency first_size=" + first + " second_size=" + second,
        () -> reading.proveConsistency(AuditLog.ENTITY_ID, first, second));
  }

  /**
   * Appends an operator's or the broker's action to the audit log; completes with its index, or
   * empty when the log could not take it (logged: the action stands, the log misses it).
   */
  public static CompletionStage<Optional<Long>> audit(
      ActorSystem<?> system,
      Duration timeout,
      String actor,
      String action,
      String subject,
      String outcome) {
    return AuditLog.append(system, timeout, actor, action, subject, outcome)
        .thenApply(Optional::of)
        .exceptionally(
            error -> {
              log.error(
                  "Not in the audit log: {} {} {} ({}): {}",
                  actor,
                  action,
                  subject,
                  outcome,
                  error.toString());
              return Optional.empty();
            });
  }

  private <T> CompletionStage<Either<T>> recorded(
      String regulator, String query, Supplier<CompletionStage<Either<T>>> answer) {
    return audit(system, askTimeout, regulator, "regulator-query", query, "answered")
        .thenCompose(index -> answer.get())
        .exceptionally(
            error ->
                Either.error(
                    ErrorCodes.error(
                        ErrorCode.UNAVAILABLE,
                        "the broker cannot answer now (" + error.getMessage() + "); retry")));
  }

  private static <T> CompletionStage<Either<T>> invalid(String message) {
    return CompletableFuture.completedFuture(
        Either.error(ErrorCodes.error(ErrorCode.INVALID_ARGUMENT, message)));
  }
}
