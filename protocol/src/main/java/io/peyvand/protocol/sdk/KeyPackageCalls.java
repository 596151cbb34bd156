package io.peyvand.protocol.sdk;

import com.google.protobuf.ByteString;
import io.peyvand.protocol.Addresses;
import io.peyvand.protocol.ErrorCodes;
import io.peyvand.protocol.v1.AuditEntries;
import io.peyvand.protocol.v1.ClaimKeyPackagesRequest;
import io.peyvand.protocol.v1.ClaimKeyPackagesResult;
import io.peyvand.protocol.v1.ConsistencyProof;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.GetKeyLogEntriesRequest;
import io.peyvand.protocol.v1.GetKeyLogHeadRequest;
import io.peyvand.protocol.v1.KeyPackageDirectoryClient;
import io.peyvand.protocol.v1.ListKeyPackagesRequest;
import io.peyvand.protocol.v1.ListKeyPackagesResult;
import io.peyvand.protocol.v1.ProveKeyLogConsistencyRequest;
import io.peyvand.protocol.v1.PublishKeyPackagesRequest;
import io.peyvand.protocol.v1.PublishKeyPackagesResult;
import io.peyvand.protocol.v1.RemoveKeyPackagesRequest;
import io.peyvand.protocol.v1.RemoveKeyPackagesResult;
import io.peyvand.protocol.v1.SignedTreeHead;
import io.peyvand.protocol.v1.UserAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The MLS key-package directory's calls (keys.proto, PROTOCOL.md §18), as {@link
 * PeyvandClient#keyPackages()} gives them: each request is checked first (the acting user's address
 * valid and of this client's platform; a publish of 1 to {@link #MAX_PER_CALL} KeyPackages of at
 * most {@link #MAX_BYTES} bytes; a claim's target of another platform), then sent through the same
 * unary-call path as the directory's calls. A request that breaks a rule fails with a local {@link
 * CallRefusedException} and is not sent; the broker's refusals fail with {@link
 * CallRefusedException} carrying its code. The KeyPackages themselves are read by the broker, which
 * answers each one's outcome in a publish.
 *
 * <p>UNAVAILABLE is retried on the next node. Publishing the same bytes again is answered the same,
 * removing and listing set or read a state; a claim repeated after a node went away mid-call may
 * use up one more ordinary KeyPackage per client of the target, a waste but never a KeyPackage
 * handed out twice. Check what a claim hands out with {@link KeyPackageProofs}.
 */
public final class KeyPackageCalls {
  /** The most KeyPackages one {@link #publish} takes (keys.proto). */
  public static final int MAX_PER_CALL = 100;

  /** The largest KeyPackage the directory takes, in bytes (keys.proto). */
  public static final int MAX_BYTES = 64 * 1024;

  /** The most key log entries one {@link #logEntries} answers (keys.proto). */
  public static final int MAX_LOG_ENTRIES = 1_000;

  private final UnaryCalls<KeyPackageDirectoryClient> calls;

  KeyPackageCalls(UnaryCalls<KeyPackageDirectoryClient> calls) {
    this.calls = calls;
  }

  /**
   * Stores KeyPackages (MLSMessage bytes, or bare KeyPackages) of {@code user}, a user of this
   * platform whose basic credential they carry; answers one outcome per KeyPackage, in order:
   * stored with what the directory knows of it, or refused with why.
   */
  public CompletionStage<PublishKeyPackagesResult> publish(
      UserAddress user, List<ByteString> keyPackages) {
    PublishKeyPackagesRequest request =
        PublishKeyPackagesRequest.newBuilder().setUser(user).addAllKeyPackages(keyPackages).build();
    Optional<Error> problem = calls.acting(user, "user").or(() -> sizeProblem(keyPackages));
    return calls.call(problem, c -> c.publish().invokeWithMetadata(request));
  }

  /**
   * For {@code claimer}, a user of this platform, one KeyPackage per client of {@code target}, a
   * user of another platform, in one of {@code cipherSuites} (empty: any), each with its proof of
   * publication; empty when target has none or does not accept claimer.
   */
  public CompletionStage<ClaimKeyPackagesResult> claim(
      UserAddress claimer, UserAddress target, Set<Integer> cipherSuites) {
    ClaimKeyPackagesRequest request =
        ClaimKeyPackagesRequest.newBuilder()
            .setClaimer(claimer)
            .setTarget(target)
            .addAllCipherSuites(cipherSuites.stream().sorted().toList())
            .build();
    Optional<Error> problem =
        calls
            .acting(claimer, "claimer")
            .or(() -> Addresses.validate(target, "target"))
            .or(
                () ->
                    target.getPlatformId().equals(claimer.getPlatformId())
                        ? invalid(
                            "target "
                                + Addresses.format(target)
                                + " is a user of the calling platform: claim KeyPackages of"
                                + " other platforms' users only")
                        : Optional.empty());
    return calls.call(problem, c -> c.claim().invokeWithMetadata(request));
  }

  /** What the directory holds for {@code user}, a user of this platform (monitoring). */
  public CompletionStage<ListKeyPackagesResult> list(UserAddress user) {
    ListKeyPackagesRequest request = ListKeyPackagesRequest.newBuilder().setUser(user).build();
    return calls.call(calls.acting(user, "user"), c -> c.list().invokeWithMetadata(request));
  }

  /**
   * Withdraws KeyPackages of {@code user}, a user of this platform, by their KeyPackageRefs, or
   * every one of theirs when {@code references} is empty; answers how many were withdrawn.
   */
  public CompletionStage<RemoveKeyPackagesResult> remove(
      UserAddress user, List<ByteString> references) {
    RemoveKeyPackagesRequest request =
        RemoveKeyPackagesRequest.newBuilder().setUser(user).addAllReferences(references).build();
    return calls.call(calls.acting(user, "user"), c -> c.remove().invokeWithMetadata(request));
  }

  /** Withdraws every KeyPackage of {@code user}: {@code remove(user, List.of())}. */
  public CompletionStage<RemoveKeyPackagesResult> removeAll(UserAddress user) {
    return remove(user, List.of());
  }

  /**
   * The latest signed head of {@code platformId}'s key log (empty: this platform's), for comparing
   * with the head a claim returned.
   */
  public CompletionStage<SignedTreeHead> logHead(String platformId) {
    GetKeyLogHeadRequest request =
        GetKeyLogHeadRequest.newBuilder()
            .setPlatformId(calls.platformId())
            .setLogPlatformId(platformId)
            .build();
    return calls.call(Optional.empty(), c -> c.getKeyLogHead().invokeWithMetadata(request));
  }

  /**
   * Entries of this platform's key log from {@code start}, at most {@code count} (1 to {@value
   * #MAX_LOG_ENTRIES}), with the size of the tree the latest head covers.
   */
  public CompletionStage<AuditEntries> logEntries(long start, int count) {
    GetKeyLogEntriesRequest request =
        GetKeyLogEntriesRequest.newBuilder()
            .setPlatformId(calls.platformId())
            .setStart(start)
            .setCount(count)
            .build();
    Optional<Error> problem =
        count < 1 || count > MAX_LOG_ENTRIES || start < 0
            ? invalid(
                "ask for 1 to "
                    + MAX_LOG_ENTRIES
                    + " entries from index 0 or later (got start="
                    + start
                    + ", count="
                    + count
                    + ")")
            : Optional.empty();
    return calls.call(problem, c -> c.getKeyLogEntries().invokeWithMetadata(request));
  }

  /**
   * That {@code platformId}'s key log of {@code firstSize} entries is a prefix of the one of {@code
   * secondSize} (0: the latest head's).
   */
  public CompletionStage<ConsistencyProof> proveLogConsistency(
      String platformId, long firstSize, long secondSize) {
    ProveKeyLogConsistencyRequest request =
        ProveKeyLogConsistencyRequest.newBuilder()
            .setPlatformId(calls.platformId())
            .setLogPlatformId(platformId)
            .setFirstSize(firstSize)
            .setSecondSize(secondSize)
            .build();
    return calls.call(
        Optional.empty(), c -> c.proveKeyLogConsistency().invokeWithMetadata(request));
  }

  /**
   * Brings {@code monitor} (of this platform's key log) up to the log's latest head: reads the
   * head, then the entries the monitor has not seen, and checks them ({@link
   * KeyLogMonitor#advance}). Completes with what it found; the platform then checks each new
   * publication against what it published.
   */
  public CompletionStage<KeyLogMonitor.Advance> follow(KeyLogMonitor monitor) {
    if (!monitor.platformId().equals(calls.platformId())) {
      return CompletableFuture.failedFuture(
          new CallRefusedException(
              ErrorCodes.error(
                  ErrorCode.NOT_PERMITTED,
                  "the monitor watches "
                      + monitor.platformId()
                      + "'s key log, but this client acts for "
                      + calls.platformId()
                      + ": a platform reads its own key log only"),
              true,
              null));
    }
    return logHead("")
        .thenCompose(
            head ->
                entries(monitor.size(), head.getTreeSize(), new ArrayList<>())
                    .thenApply(leaves -> monitor.advance(head, leaves)));
  }

  /** The entries from {@code next} to {@code end}, a page at a time. */
  private CompletionStage<List<ByteString>> entries(long next, long end, List<ByteString> into) {
    if (next >= end) {
      return CompletableFuture.completedFuture(into);
    }
    int count = (int) Math.min(MAX_LOG_ENTRIES, end - next);
    return logEntries(next, count)
        .thenCompose(
            page -> {
              if (page.getLeavesCount() == 0) {
                // A hole in the stored log: the monitor's check says so.
                return CompletableFuture.completedFuture(into);
              }
              into.addAll(page.getLeavesList());
              return entries(next + page.getLeavesCount(), end, into);
            });
  }

  /** 1 to MAX_PER_CALL KeyPackages of at most MAX_BYTES each, else INVALID_ARGUMENT. */
  private static Optional<Error> sizeProblem(List<ByteString> keyPackages) {
    if (keyPackages.isEmpty()) {
      return invalid("key_packages is empty: give at least one KeyPackage to publish");
    }
    if (keyPackages.size() > MAX_PER_CALL) {
      return invalid(
          "key_packages has "
              + keyPackages.size()
              + " KeyPackages; a publish takes at most "
              + MAX_PER_CALL
              + ": split them into several calls");
    }
    for (int i = 0; i < keyPackages.size(); i++) {
      if (keyPackages.get(i).size() > MAX_BYTES) {
        return invalid(
            "key_packages["
                + i
                + "] has "
                + keyPackages.get(i).size()
                + " bytes; a KeyPackage may have at most "
                + MAX_BYTES
                + ": is it one KeyPackage, not a file of several?");
      }
    }
    return Optional.empty();
  }

  private static Optional<Error> invalid(String message) {
    return Optional.of(ErrorCodes.error(ErrorCode.INVALID_ARGUMENT, message));
  }
}
