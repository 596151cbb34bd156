package io.peyvand.broker.service;

import com.google.protobuf.ByteString;
import io.peyvand.broker.audit.AuditLog;
import io.peyvand.broker.entity.Asks;
import io.peyvand.broker.keys.KeyDirectory;
import io.peyvand.broker.keys.KeyShelf;
import io.peyvand.broker.model.Address;
import io.peyvand.broker.observability.KeyPackageMetrics;
import io.peyvand.persistence.audit.AuditStore;
import io.peyvand.protocol.Addresses;
import io.peyvand.protocol.ErrorCodes;
import io.peyvand.protocol.transparency.KeyLogs;
import io.peyvand.protocol.v1.AuditEntries;
import io.peyvand.protocol.v1.ClaimKeyPackagesRequest;
import io.peyvand.protocol.v1.ClaimKeyPackagesResult;
import io.peyvand.protocol.v1.ClaimedKeyPackage;
import io.peyvand.protocol.v1.ConsistencyProof;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.GetKeyLogEntriesRequest;
import io.peyvand.protocol.v1.GetKeyLogHeadRequest;
import io.peyvand.protocol.v1.KeyPackageInfo;
import io.peyvand.protocol.v1.KeyPackageOutcome;
import io.peyvand.protocol.v1.KeyPackageRequest;
import io.peyvand.protocol.v1.KeyPackageResult;
import io.peyvand.protocol.v1.ListKeyPackagesRequest;
import io.peyvand.protocol.v1.ListKeyPackagesResult;
import io.peyvand.protocol.v1.ProveKeyLogConsistencyRequest;
import io.peyvand.protocol.v1.PublishKeyPackagesRequest;
import io.peyvand.protocol.v1.PublishKeyPackagesResult;
import io.peyvand.protocol.v1.RemoveKeyPackagesRequest;
import io.peyvand.protocol.v1.RemoveKeyPackagesResult;
import io.peyvand.protocol.v1.SignedTreeHead;
import io.peyvand.protocol.v1.UserAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * The MLS key-package directory (PROTOCOL.md §18) as the edges invoke it, in wire terms: publish,
 * claim, list and remove KeyPackages of users of the acting platform, and read the key logs. Each
 * KeyPackage is checked ({@link KeyPackageCheck}), stored by its user's {@link KeyDirectory}
 * entity, then written to the key log of the user's platform (a transparency log, {@link
 * AuditLog#keyLog}) and marked logged there: only a logged KeyPackage is handed out, always with
 * its log entry and inclusion proof in that log. A publication whose log write fails is answered
 * stored with log index -1; it is not handed out until its platform publishes it again, which logs
 * it then.
 *
 * <p>A platform reads its own key log's entries (to check that every KeyPackage the directory could
 * hand out for its users is one it published), and any platform's head and consistency proofs (to
 * compare the heads its claims returned with what the log's platform sees).
 */
public final class KeyPackageOperations {
  /** At most this many KeyPackages in one Publish. */
  public static final int MAX_PER_CALL = 100;

  /** The largest KeyPackage accepted, in bytes. */
  public static final int MAX_BYTES = 64 * 1024;

  private static final HexFormat HEX = HexFormat.of();

  private final NodeContext node;
  private final Operations operations;
  private final ClusterSharding sharding;
  private final Asks asks;
  private final Duration maxLifetime;
  private final LogReading reading;
  private final KeyPackageMetrics metrics;

  /**
   * KeyPackages live at most {@code maxLifetime}; the key logs are read from {@code auditStore}.
   */
  public KeyPackageOperations(Operations operations, AuditStore auditStore, Duration maxLifetime) {
    this.node = operations.node();
    this.operations = operations;
    this.sharding = ClusterSharding.get(node.system());
    this.asks = Asks.get(node.system());
    this.maxLifetime = maxLifetime;
    this.reading = new LogReading(node.system(), auditStore, node.askTimeout());
    this.metrics = KeyPackageMetrics.get(node.system());
  }

  /**
   * A key-package directory call on a session of {@code platformId}: the same operations, answered
   * in a KeyPackageResult with the request's correlation id. The session's platform acts: a user of
   * another platform is refused NOT_PERMITTED by each call's own checks, and so is a log call whose
   * {@code platform_id} names another platform (empty means the session's). Never fails: what
   * cannot be answered now is refused UNAVAILABLE.
   */
  public CompletionStage<KeyPackageResult> call(String platformId, KeyPackageRequest request) {
    KeyPackageResult.Builder result =
        KeyPackageResult.newBuilder().setCorrelationId(request.getCorrelationId());
    CompletionStage<KeyPackageResult.Builder> answered =
        switch (request.getCallCase()) {
          case PUBLISH ->
              answer(
                  publish(platformId, request.getPublish()),
                  result,
                  KeyPackageResult.Builder::setPublished);
          case CLAIM ->
              answer(
                  claim(platformId, request.getClaim()),
                  result,
                  KeyPackageResult.Builder::setClaimed);
          case LIST ->
              answer(
                  list(platformId, request.getList()), result, KeyPackageResult.Builder::setListed);
          case REMOVE ->
              answer(
                  remove(platformId, request.getRemove()),
                  result,
                  KeyPackageResult.Builder::setRemoved);
          case LOG_HEAD ->
              answer(
                  sessionLog(
                      platformId,
                      request.getLogHead().getPlatformId(),
                      "log_head",
                      "keys-log-head",
                      () -> logHead(platformId, request.getLogHead())),
                  result,
                  KeyPackageResult.Builder::setLogHead);
          case LOG_ENTRIES ->
              answer(
                  sessionLog(
                      platformId,
                      request.getLogEntries().getPlatformId(),
                      "log_entries",
                      "keys-log-entries",
                      () -> logEntries(platformId, request.getLogEntries())),
                  result,
                  KeyPackageResult.Builder::setLogEntries);
          case LOG_CONSISTENCY ->
              answer(
                  sessionLog(
                      platformId,
                      request.getLogConsistency().getPlatformId(),
                      "log_consistency",
                      "keys-log-consistency",
                      () -> logConsistency(platformId, request.getLogConsistency())),
                  result,
                  KeyPackageResult.Builder::setLogConsistency);
          case CALL_NOT_SET ->
              CompletableFuture.completedFuture(
                  result.setRefused(
                      operations
                          .record(
                              platformId,
                              "keys",
                              Operations.Either.error(
                                  ErrorCodes.error(
                                      ErrorCode.INVALID_FRAME,
                                      "keys has no call: set one of publish, claim, list, remove,"
                                          + " log_head, log_entries, log_consistency")))
                          .error()));
        };
    return answered
        .exceptionally(failure -> result.setRefused(Operations.unavailable(failure)))
        .thenApply(KeyPackageResult.Builder::build);
  }

  /** The call's value set in {@code result} by {@code set}, or its error as {@code refused}. */
  private static <T> CompletionStage<KeyPackageResult.Builder> answer(
      CompletionStage<Operations.Either<T>> call,
      KeyPackageResult.Builder result,
      BiFunction<KeyPackageResult.Builder, T, KeyPackageResult.Builder> set) {
    return call.thenApply(
        r -> r.isError() ? result.setRefused(r.error()) : set.apply(result, r.value()));
  }

  /**
   * A log call on a session of {@code platformId}: its {@code platform_id} ({@code asked}) is the
   * session's platform, or empty meaning it; another platform is refused NOT_PERMITTED (at the gRPC
   * edge, the certificate of another platform is).
   */
  private <T> CompletionStage<Operations.Either<T>> sessionLog(
      String platformId,
      String asked,
      String call,
      String what,
      Supplier<CompletionStage<Operations.Either<T>>> read) {
    if (asked.isEmpty() || asked.equals(platformId)) {
      return read.get();
    }
    return done(
        platformId,
        what,
        Operations.Either.error(
            ErrorCodes.error(
                ErrorCode.NOT_PERMITTED,
                call
                    + ".platform_id \""
                    + asked
                    + "\" is not this session's platform "
                    + platformId
                    + ": leave it empty (or name "
                    + platformId
                    + "); a session acts for its own platform only")));
  }

  /** Checks and stores KeyPackages of a user of the acting platform, each logged. */
  public CompletionStage<Operations.Either<PublishKeyPackagesResult>> publish(
      String platformId, PublishKeyPackagesRequest request) {
    Optional<Error> bad = ownValidUser(platformId, request.getUser());
    if (bad.isEmpty() && request.getKeyPackagesCount() > MAX_PER_CALL) {
      bad =
          invalid(
              "key_packages has "
                  + request.getKeyPackagesCount()
                  + "; publish at most "
                  + MAX_PER_CALL
                  + " a call");
    }
    for (int i = 0; bad.isEmpty() && i < request.getKeyPackagesCount(); i++) {
      if (request.getKeyPackages(i).size() > MAX_BYTES) {
        bad =
            Optional.of(
                ErrorCodes.error(
                    ErrorCode.CONTENT_TOO_LARGE,
                    "key_packages["
                        + i
                        + "] has "
                        + request.getKeyPackages(i).size()
                        + " bytes; a KeyPackage is at most "
                        + MAX_BYTES));
      }
    }
    if (bad.isPresent()) {
      return done(platformId, "keys-publish", Operations.Either.error(bad.get()));
    }
    UserAddress user = request.getUser();
    return declaredSuites(platformId)
        .thenCompose(
            suites -> {
              if (suites.isError()) {
                return CompletableFuture.completedFuture(
                    Operations.Either.<PublishKeyPackagesResult>error(suites.error()));
              }
              CompletionStage<PublishKeyPackagesResult.Builder> all =
                  CompletableFuture.completedFuture(PublishKeyPackagesResult.newBuilder());
              for (ByteString bytes : request.getKeyPackagesList()) {
                all =
                    all.thenCompose(
                        result ->
                            publishOne(user, bytes.toByteArray(), suites.value())
                                .thenApply(result::addOutcomes));
              }
              return all.thenApply(
                  result -> {
                    PublishKeyPackagesResult done = result.build();
                    long stored =
                        done.getOutcomesList().stream()
                            .filter(KeyPackageOutcome::hasStored)
                            .count();
                    metrics.keyPackages(platformId, "published", stored);
                    metrics.keyPackages(platformId, "refused", done.getOutcomesCount() - stored);
                    return Operations.Either.ok(done);
                  });
            })
        .exceptionally(failure -> Operations.Either.error(Operations.unavailable(failure)))
        .thenApply(result -> operations.record(platformId, "keys-publish", result));
  }

  private CompletionStage<KeyPackageOutcome> publishOne(
      UserAddress user, byte[] bytes, Set<Integer> suites) {
    KeyPackageCheck.Outcome checked =
        KeyPackageCheck.check(bytes, user, suites, node.clock().instant(), maxLifetime);
    if (!checked.ok()) {
      return CompletableFuture.completedFuture(
          KeyPackageOutcome.newBuilder().setRefused(checked.refused()).build());
    }
    String userText = Addresses.format(user);
    return this.<KeyDirectory.Published>ask(
            userText, replyTo -> new KeyDirectory.Publish(checked.stored(), replyTo))
        .thenCompose(
            published -> {
              if (published.stored().isEmpty()) {
                return CompletableFuture.completedFuture(
                    KeyPackageOutcome.newBuilder()
                        .setRefused(
                            ErrorCodes.error(ErrorCode.INVALID_ARGUMENT, published.refused()))
                        .build());
              }
              KeyShelf.Stored stored = published.stored().get();
              published.replaced().ifPresent(old -> logWithdrawal(userText, old, "replaced"));
              CompletionStage<Long> index =
                  stored.logIndex() != KeyShelf.NOT_LOGGED
                      ? CompletableFuture.completedFuture(stored.logIndex())
                      : log(user.getPlatformId(), userText, stored);
              return index.thenApply(
                  i -> KeyPackageOutcome.newBuilder().setStored(info(stored, i)).build());
            });
  }

  /**
   * Writes a stored KeyPackage's publication to the transparency log and marks it logged; completes
   * with its index, or -1 when the log could not take it now.
   */
  private CompletionStage<Long> log(String platformId, String userText, KeyShelf.Stored stored) {
    return AuditLog.append(
            node.system(),
            AuditLog.keyLog(platformId),
            node.askTimeout(),
            "broker",
            KeyLogs.PUBLISHED,
            KeyLogs.subject(
                userText,
                stored.reference(),
                Optional.of(HEX.formatHex(KeyPackageCheck.sha256(stored.bytes())))),
            "stored")
        .thenCompose(
            index ->
                this.<KeyDirectory.Logged>ask(
                        userText,
                        replyTo -> new KeyDirectory.Log(stored.reference(), index, replyTo))
                    .thenApply(logged -> index))
        .exceptionally(notNow -> KeyShelf.NOT_LOGGED);
  }

  private void logWithdrawal(String userText, String reference, String why) {
    String platformId = userText.substring(0, userText.indexOf(':'));
    metrics.keyPackages(platformId, "withdrawn", 1);
    AuditLog.append(
        node.system(),
        AuditLog.keyLog(platformId),
        node.askTimeout(),
        "broker",
        KeyLogs.WITHDRAWN,
        KeyLogs.subject(userText, reference, Optional.empty()),
        why);
  }

  /** For a user of the acting platform: one KeyPackage per client of a user of another platform. */
  public CompletionStage<Operations.Either<ClaimKeyPackagesResult>> claim(
      String platformId, ClaimKeyPackagesRequest request) {
    Optional<Error> bad =
        Addresses.validate(request.getClaimer(), "claimer")
            .or(() -> Addresses.validate(request.getTarget(), "target"))
            .or(() -> Operations.ownUser(platformId, request.getClaimer(), "claimer"));
    if (bad.isEmpty() && request.getTarget().getPlatformId().equals(platformId)) {
      bad =
          invalid(
              "target "
                  + Addresses.format(request.getTarget())
                  + " is a user of the calling platform: claim KeyPackages of other platforms'"
                  + " users only");
    }
    if (bad.isPresent()) {
      return done(platformId, "keys-claim", Operations.Either.error(bad.get()));
    }
    Address claimer = WireMapping.address(request.getClaimer());
    Address target = WireMapping.address(request.getTarget());
    String targetText = target.toString();
    Set<Integer> suites = Set.copyOf(request.getCipherSuitesList());
    return operations
        .refusal(target, claimer)
        .thenCompose(
            refusal -> {
              if (refusal.isPresent() && refusal.get().getCode() == ErrorCode.UNAVAILABLE) {
                return CompletableFuture.completedFuture(
                    Operations.Either.<ClaimKeyPackagesResult>error(refusal.get()));
              }
              if (refusal.isPresent()) {
                // Not accepting the claimer looks the same as having no KeyPackages.
                return CompletableFuture.completedFuture(
                    Operations.Either.ok(ClaimKeyPackagesResult.getDefaultInstance()));
              }
              return this.<KeyDirectory.Claimed>ask(
                      targetText, replyTo -> new KeyDirectory.Claim(suites, replyTo))
                  .thenCompose(claimed -> proven(target.platformId(), targetText, claimed));
            })
        .thenApply(
            result -> {
              if (!result.isError()) {
                int handedOut = result.value().getKeyPackagesCount();
                metrics.claimed(platformId, handedOut);
                metrics.keyPackages(target.platformId(), "claimed", handedOut);
              }
              return result;
            })
        .exceptionally(failure -> Operations.Either.error(Operations.unavailable(failure)))
        .thenApply(result -> operations.record(platformId, "keys-claim", result));
  }

  /**
   * The KeyPackages handed out, each with its log entry and inclusion proof in the latest head of
   * the key log of the target's platform.
   */
  private CompletionStage<Operations.Either<ClaimKeyPackagesResult>> proven(
      String targetPlatform, String targetText, KeyDirectory.Claimed claimed) {
    claimed.expired().forEach(ref -> logWithdrawal(targetText, ref, "expired"));
    if (claimed.keyPackages().isEmpty()) {
      return CompletableFuture.completedFuture(
          Operations.Either.ok(ClaimKeyPackagesResult.getDefaultInstance()));
    }
    String keyLog = AuditLog.keyLog(targetPlatform);
    return reading
        .head(keyLog)
        .thenCompose(
            head -> {
              if (head.isError()) {
                return CompletableFuture.completedFuture(
                    Operations.Either.<ClaimKeyPackagesResult>error(head.error()));
              }
              long treeSize = head.value().getTreeSize();
              CompletionStage<ClaimKeyPackagesResult.Builder> all =
                  CompletableFuture.completedFuture(
                      ClaimKeyPackagesResult.newBuilder()
                          .setSignedTreeHead(head.value().toByteString()));
              for (KeyShelf.Stored stored : claimed.keyPackages()) {
                all =
                    all.thenCompose(
                        r -> prove(keyLog, stored, treeSize).thenApply(r::addKeyPackages));
              }
              return all.thenApply(r -> Operations.Either.ok(r.build()));
            });
  }

  private CompletionStage<ClaimedKeyPackage> prove(
      String keyLog, KeyShelf.Stored stored, long treeSize) {
    long index = stored.logIndex();
    return reading
        .proveInclusion(keyLog, index, treeSize)
        .thenApply(
            proof -> {
              if (proof.isError() || proof.value().getLeaf().isEmpty()) {
                throw new IllegalStateException(
                    "no inclusion proof of entry "
                        + index
                        + " of "
                        + AuditLog.logIdOf(keyLog)
                        + " in the tree of "
                        + treeSize
                        + (proof.isError() ? ": " + proof.error().getMessage() : ""));
              }
              return ClaimedKeyPackage.newBuilder()
                  .setKeyPackage(ByteString.copyFrom(stored.bytes()))
                  .setInfo(info(stored, index))
                  .setLogEntry(proof.value().getLeaf())
                  .setTreeSize(proof.value().getTreeSize())
                  .addAllInclusionPath(proof.value().getPathList())
                  .build();
            });
  }

  /**
   * The latest signed head of a platform's key log: the acting platform's, or the registered
   * platform {@code request.log_platform_id} names.
   */
  public CompletionStage<Operations.Either<SignedTreeHead>> logHead(
      String platformId, GetKeyLogHeadRequest request) {
    return onKeyLog(
        platformId, request.getLogPlatformId(), "keys-log-head", keyLog -> reading.head(keyLog));
  }

  /** Entries of the acting platform's key log, as stored, from {@code request.start}. */
  public CompletionStage<Operations.Either<AuditEntries>> logEntries(
      String platformId, GetKeyLogEntriesRequest request) {
    Optional<Error> bad =
        callingPlatform(platformId).or(() -> LogReading.countProblem(request.getCount()));
    if (bad.isPresent()) {
      return done(platformId, "keys-log-entries", Operations.Either.error(bad.get()));
    }
    return reading
        .entries(AuditLog.keyLog(platformId), request.getStart(), request.getCount())
        .exceptionally(failure -> Operations.Either.error(Operations.unavailable(failure)))
        .thenApply(result -> operations.record(platformId, "keys-log-entries", result));
  }

  /** A consistency proof between two sizes of a platform's key log. */
  public CompletionStage<Operations.Either<ConsistencyProof>> logConsistency(
      String platformId, ProveKeyLogConsistencyRequest request) {
    return onKeyLog(
        platformId,
        request.getLogPlatformId(),
        "keys-log-consistency",
        keyLog ->
            reading.proveConsistency(keyLog, request.getFirstSize(), request.getSecondSize()));
  }

  /**
   * {@code read} of the key log of {@code asked} (empty: the acting platform's), recorded as {@code
   * what}; refused when the acting platform is not named or {@code asked} is not registered.
   */
  private <T> CompletionStage<Operations.Either<T>> onKeyLog(
      String platformId,
      String asked,
      String what,
      Function<String, CompletionStage<Operations.Either<T>>> read) {
    return registered(platformId, asked)
        .thenCompose(
            logOf ->
                logOf.isError()
                    ? CompletableFuture.completedFuture(Operations.Either.<T>error(logOf.error()))
                    : read.apply(AuditLog.keyLog(logOf.value())))
        .exceptionally(failure -> Operations.Either.error(Operations.unavailable(failure)))
        .thenApply(result -> operations.record(platformId, what, result));
  }

  /**
   * The platform whose key log is asked for: the acting one when {@code asked} is empty, else
   * {@code asked} if it is registered (a log is never started for a platform that is not).
   */
  private CompletionStage<Operations.Either<String>> registered(String platformId, String asked) {
    Optional<Error> bad = callingPlatform(platformId);
    if (bad.isPresent()) {
      return CompletableFuture.completedFuture(Operations.Either.error(bad.get()));
    }
    if (asked.isEmpty() || asked.equals(platformId)) {
      return CompletableFuture.completedFuture(Operations.Either.ok(platformId));
    }
    return operations
        .platform(asked)
        .thenApply(
            platform ->
                platform.isError()
                    ? Operations.Either.<String>error(platform.error())
                    : Operations.Either.ok(asked));
  }

  /** The KeyPackages held for a user of the acting platform. */
  public CompletionStage<Operations.Either<ListKeyPackagesResult>> list(
      String platformId, ListKeyPackagesRequest request) {
    Optional<Error> bad = ownValidUser(platformId, request.getUser());
    if (bad.isPresent()) {
      return done(platformId, "keys-list", Operations.Either.error(bad.get()));
    }
    return this.<KeyDirectory.Listed>ask(
            Addresses.format(request.getUser()), KeyDirectory.ListAll::new)
        .thenApply(
            listed -> {
              ListKeyPackagesResult.Builder result = ListKeyPackagesResult.newBuilder();
              listed.keyPackages().forEach(s -> result.addKeyPackages(info(s, s.logIndex())));
              return Operations.Either.ok(result.build());
            })
        .exceptionally(failure -> Operations.Either.error(Operations.unavailable(failure)))
        .thenApply(result -> operations.record(platformId, "keys-list", result));
  }

  /** Withdraws KeyPackages of a user of the acting platform (all, when none is named). */
  public CompletionStage<Operations.Either<RemoveKeyPackagesResult>> remove(
      String platformId, RemoveKeyPackagesRequest request) {
    Optional<Error> bad = ownValidUser(platformId, request.getUser());
    if (bad.isPresent()) {
      return done(platformId, "keys-remove", Operations.Either.error(bad.get()));
    }
    String userText = Addresses.format(request.getUser());
    List<String> references = new ArrayList<>();
    request.getReferencesList().forEach(r -> references.add(HEX.formatHex(r.toByteArray())));
    return this.<KeyDirectory.Removed>ask(
            userText, replyTo -> new KeyDirectory.Remove(references, replyTo))
        .thenApply(
            removed -> {
              removed.references().forEach(ref -> logWithdrawal(userText, ref, "removed"));
              return Operations.Either.ok(
                  RemoveKeyPackagesResult.newBuilder()
                      .setRemoved(removed.references().size())
                      .build());
            })
        .exceptionally(failure -> Operations.Either.error(Operations.unavailable(failure)))
        .thenApply(result -> operations.record(platformId, "keys-remove", result));
  }

  /** The acting platform's MLS suites, or CAPABILITY_NOT_SUPPORTED when it lists no mls. */
  private CompletionStage<Operations.Either<Set<Integer>>> declaredSuites(String platformId) {
    return operations
        .platform(platformId)
        .thenApply(
            platform -> {
              if (platform.isError()) {
                return Operations.Either.<Set<Integer>>error(platform.error());
              }
              Set<Integer> suites =
                  KeyPackageCheck.declaredSuites(
                      platform.value().capabilities().encryptionSchemes());
              if (suites.isEmpty()) {
                return Operations.Either.<Set<Integer>>error(
                    ErrorCodes.error(
                        ErrorCode.CAPABILITY_NOT_SUPPORTED,
                        "platform "
                            + platformId
                            + " does not carry MLS (capability encryption: list \""
                            + KeyPackageCheck.SCHEME
                            + "\" in encryption_schemes with ConfigurePlatform, and each cipher"
                            + " suite as mls-<suite>)"));
              }
              return Operations.Either.ok(suites);
            });
  }

  static KeyPackageInfo info(KeyShelf.Stored s, long logIndex) {
    return KeyPackageInfo.newBuilder()
        .setReference(ByteString.copyFrom(HEX.parseHex(s.reference())))
        .setClient(ByteString.copyFrom(HEX.parseHex(s.client())))
        .setCipherSuite(s.cipherSuite())
        .setNotBefore(s.notBefore().getEpochSecond())
        .setNotAfter(s.notAfter().getEpochSecond())
        .setLastResort(s.lastResort())
        .setLogIndex(logIndex)
        .setClaimed(s.claimed())
        .build();
  }

  private <R> CompletionStage<R> ask(
      String userText, Function<ActorRef<R>, KeyDirectory.Command> message) {
    return asks.ask(
        sharding.entityRefFor(KeyDirectory.ENTITY_KEY, userText), message, node.askTimeout());
  }

  private static Optional<Error> callingPlatform(String platformId) {
    return platformId.isEmpty()
        ? invalid("platform_id is empty: name the calling platform")
        : Optional.empty();
  }

  private static Optional<Error> ownValidUser(String platformId, UserAddress user) {
    return Addresses.validate(user, "user").or(() -> Operations.ownUser(platformId, user, "user"));
  }

  private static Optional<Error> invalid(String message) {
    return Optional.of(ErrorCodes.error(ErrorCode.INVALID_ARGUMENT, message));
  }

  private <T> CompletionStage<Operations.Either<T>> done(
      String platformId, String what, Operations.Either<T> result) {
    return CompletableFuture.completedFuture(operations.record(platformId, what, result));
  }
}
