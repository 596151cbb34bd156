package io.peyvand.broker.service;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.peyvand.broker.audit.AuditLog;
import io.peyvand.broker.entity.Asks;
import io.peyvand.broker.service.Operations.Either;
import io.peyvand.persistence.audit.AuditStore;
import io.peyvand.protocol.ErrorCodes;
import io.peyvand.protocol.v1.AuditEntries;
import io.peyvand.protocol.v1.ConsistencyProof;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.InclusionProof;
import io.peyvand.protocol.v1.SignedTreeHead;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Reads a transparency log ({@link AuditLog}: the audit log, or a platform's key log) in wire
 * terms, for the services that serve it: its latest head and its entries as stored (so a damaged
 * log still shows what it has), and inclusion and consistency proofs as its writer computes them.
 * Who may read which log is the caller's check.
 */
final class LogReading {
  /** Most entries one call returns. */
  static final int MAX_ENTRIES = 1_000;

  private final ActorSystem<?> system;
  private final AuditStore store;
  private final Duration askTimeout;

  LogReading(ActorSystem<?> system, AuditStore store, Duration askTimeout) {
    this.system = system;
    this.store = store;
    this.askTimeout = askTimeout;
  }

  /** The error for a count of entries out of range, or empty; 0 means {@value #MAX_ENTRIES}. */
  static Optional<Error> countProblem(long count) {
    if (count < 0 || count > MAX_ENTRIES) {
      return Optional.of(
          ErrorCodes.error(
              ErrorCode.INVALID_ARGUMENT,
              "count is at most " + MAX_ENTRIES + " (0 means " + MAX_ENTRIES + ")"));
    }
    return Optional.empty();
  }

  /**
   * The latest signed head of {@code entityId}'s log, as stored. A log that has none yet is started
   * (its writer signs the empty tree's head at once), so that a log nothing was written to has a
   * head too; callers start only logs that may exist.
   */
  CompletionStage<Either<SignedTreeHead>> head(String entityId) {
    String logId = AuditLog.logIdOf(entityId);
    return store
        .latestHead(logId)
        .thenCompose(
            head -> {
              if (head.isPresent()) {
                return CompletableFuture.completedFuture(parseHead(logId, head.get()));
              }
              return this.<AuditLog.Head>ask(entityId, AuditLog.GetHead::new)
                  .thenApply(
                      started ->
                          started.error() != null
                              ? Either.<SignedTreeHead>error(
                                  ErrorCodes.error(ErrorCode.UNAVAILABLE, started.error()))
                              : parseHead(logId, started.head()));
            });
  }

  /**
   * Entries from {@code start}, at most {@code count} (0 means {@value #MAX_ENTRIES}; checked with
   * {@link #countProblem} first), as stored. A hole in the stored log ends the list early: the
   * caller sees fewer entries than asked.
   */
  CompletionStage<Either<AuditEntries>> entries(String entityId, long start, int count) {
    String logId = AuditLog.logIdOf(entityId);
    int wanted = count == 0 ? MAX_ENTRIES : count;
    return store
        .latestHead(logId)
        .thenCombine(
            store.entries(logId, start, start + wanted),
            (head, stored) -> {
              AuditEntries.Builder out =
                  AuditEntries.newBuilder()
                      .setStart(start)
                      .setTreeSize(
                          head.map(bytes -> parseHead(logId, bytes))
                              .filter(h -> !h.isError())
                              .map(h -> h.value().getTreeSize())
                              .orElse(0L));
              long expected = start;
              for (AuditStore.Entry entry : stored) {
                if (entry.index() != expected) {
                  break;
                }
                out.addLeaves(ByteString.copyFrom(entry.leaf()));
                expected++;
              }
              return Either.ok(out.build());
            });
  }

  /** The inclusion proof of entry {@code index} in the signed tree of {@code treeSize}. */
  CompletionStage<Either<InclusionProof>> proveInclusion(
      String entityId, long index, long treeSize) {
    return this.<AuditLog.Proof>ask(
            entityId, replyTo -> new AuditLog.ProveInclusion(index, treeSize, replyTo))
        .thenCompose(
            proof -> {
              if (proof.error() != null) {
                return CompletableFuture.completedFuture(
                    Either.<InclusionProof>error(
                        ErrorCodes.error(ErrorCode.INVALID_ARGUMENT, proof.error())));
              }
              return store
                  .entries(AuditLog.logIdOf(entityId), index, index + 1)
                  .thenApply(
                      leaf ->
                          Either.ok(
                              InclusionProof.newBuilder()
                                  .setLeafIndex(proof.first())
                                  .setTreeSize(proof.second())
                                  .addAllPath(bytes(proof.path()))
                                  .setLeaf(
                                      leaf.isEmpty()
                                          ? ByteString.EMPTY
                                          : ByteString.copyFrom(leaf.get(0).leaf()))
                                  .build()));
            });
  }

  /** The consistency proof from the tree of {@code first} entries to that of {@code second}. */
  CompletionStage<Either<ConsistencyProof>> proveConsistency(
      String entityId, long first, long second) {
    return this.<AuditLog.Proof>ask(
            entityId, replyTo -> new AuditLog.ProveConsistency(first, second, replyTo))
        .thenApply(
            proof ->
                proof.error() != null
                    ? Either.error(ErrorCodes.error(ErrorCode.INVALID_ARGUMENT, proof.error()))
                    : Either.ok(
                        ConsistencyProof.newBuilder()
                            .setFirstSize(proof.first())
                            .setSecondSize(proof.second())
                            .addAllPath(bytes(proof.path()))
                            .build()));
  }

  private <R> CompletionStage<R> ask(
      String entityId, Function<ActorRef<R>, AuditLog.Command> request) {
    return Asks.get(system)
        .ask(
            ClusterSharding.get(system).entityRefFor(AuditLog.ENTITY_KEY, entityId),
            request::apply,
            askTimeout);
  }

  private static Either<SignedTreeHead> parseHead(String logId, byte[] bytes) {
    try {
      return Either.ok(SignedTreeHead.parseFrom(bytes));
    } catch (InvalidProtocolBufferException e) {
      return Either.error(
          ErrorCodes.error(
              ErrorCode.UNAVAILABLE,
              "the latest stored head of the log " + logId + " does not parse"));
    }
  }

  static List<ByteString> bytes(List<byte[]> hashes) {
    return hashes.stream().map(ByteString::copyFrom).toList();
  }
}
