package io.peyvand.broker.service;

import io.peyvand.broker.directory.DirectorySettings;
import io.peyvand.broker.directory.Lookups;
import io.peyvand.broker.directory.NumberHasher;
import io.peyvand.broker.directory.NumberHasher.KeyedHash;
import io.peyvand.broker.directory.PhoneNumber;
import io.peyvand.broker.entity.Asks;
import io.peyvand.broker.model.Address;
import io.peyvand.broker.observability.DirectoryMetrics;
import io.peyvand.persistence.directory.DirectoryStore;
import io.peyvand.persistence.directory.DirectoryStore.Entry;
import io.peyvand.persistence.directory.DirectoryStore.NumberKey;
import io.peyvand.protocol.Addresses;
import io.peyvand.protocol.ErrorCodes;
import io.peyvand.protocol.v1.DirectoryRequest;
import io.peyvand.protocol.v1.DirectoryResult;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.LookupRequest;
import io.peyvand.protocol.v1.LookupResult;
import io.peyvand.protocol.v1.NumberMatch;
import io.peyvand.protocol.v1.PublishRequest;
import io.peyvand.protocol.v1.PublishResult;
import io.peyvand.protocol.v1.UserAddress;
import io.peyvand.protocol.v1.WithdrawRequest;
import io.peyvand.protocol.v1.WithdrawResult;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory (PROTOCOL.md §15) as every edge invokes it, in wire terms, like {@link Operations}
 * for messages: publish, withdraw and look up phone numbers for users of the acting platform.
 *
 * <ul>
 *   <li>Numbers are read by {@link PhoneNumber} and stored only as keyed hashes ({@link
 *       NumberHasher}): written under the current key, looked up under every configured key.
 *   <li>Only a user who accepts cross-platform messages may be published; checked before the write
 *       and again after it, so that an opt-out racing a publish never leaves an entry behind (the
 *       opt-out withdraws after its consent is stored; the publish checks after its entry is).
 *   <li>A lookup answers, per number, the users of other platforms who published it and who would
 *       accept a message from the asker (the recipient's mailbox decides, by the rule a message
 *       meets): not registered, not discoverable and not accepting the asker look the same.
 *   <li>Lookups spend the asker's allowance of distinct new numbers ({@link Lookups}, cluster-wide)
 *       and the platform's daily one (counted in Cassandra, {@code directory_usage}); beyond them
 *       the call is refused RATE_LIMITED with a retry hint and counted as a security event.
 * </ul>
 */
public final class DirectoryOperations {
  private static final Logger log = LoggerFactory.getLogger(DirectoryOperations.class);

  private final NodeContext node;
  private final Operations operations;
  private final DirectorySettings settings;
  private final NumberHasher hasher;
  private final DirectoryStore store;
  private final ClusterSharding sharding;
  private final Asks asks;
  private final DirectoryMetrics metrics;

  DirectoryOperations(Operations operations, DirectorySettings settings, DirectoryStore store) {
    this.node = operations.node();
    this.operations = operations;
    this.settings = settings;
    this.hasher = settings.hasher();
    this.store = store;
    this.sharding = ClusterSharding.get(node.system());
    this.asks = Asks.get(node.system());
    this.metrics = DirectoryMetrics.get(node.system());
  }

  /** A directory call on a session: the same operations, answered in a DirectoryResult. */
  public CompletionStage<DirectoryResult> call(String platformId, DirectoryRequest request) {
    DirectoryResult.Builder result =
        DirectoryResult.newBuilder().setCorrelationId(request.getCorrelationId());
    return switch (request.getCallCase()) {
      case PUBLISH ->
          publish(platformId, request.getPublish())
              .thenApply(r -> r.isError() ? refused(result, r) : result.setPublished(r.value()))
              .thenApply(DirectoryResult.Builder::build);
      case WITHDRAW ->
          withdraw(platformId, request.getWithdraw())
              .thenApply(r -> r.isError() ? refused(result, r) : result.setWithdrawn(r.value()))
              .thenApply(DirectoryResult.Builder::build);
      case LOOKUP ->
          lookup(platformId, request.getLookup())
              .thenApply(r -> r.isError() ? refused(result, r) : result.setFound(r.value()))
              .thenApply(DirectoryResult.Builder::build);
      case CALL_NOT_SET ->
          CompletableFuture.completedFuture(
              refused(
                      result,
                      operations.record(
                          platformId,
                          "directory",
                          Operations.Either.error(
                              ErrorCodes.error(
                                  ErrorCode.INVALID_FRAME,
                                  "directory has no call: set one of publish, withdraw, lookup"))))
                  .build());
    };
  }

  private static DirectoryResult.Builder refused(
      DirectoryResult.Builder result, Operations.Either<?> error) {
    return result.setRefused(error.error());
  }

  /** Makes a user of the acting platform discoverable by a number. */
  public CompletionStage<Operations.Either<PublishResult>> publish(
      String platformId, PublishRequest request) {
    Optional<Error> bad = ownUser(platformId, request.getUser(), "user");
    if (bad.isPresent()) {
      return done(platformId, "directory-publish", Operations.Either.error(bad.get()));
    }
    PhoneNumber number;
    try {
      number = PhoneNumber.parse(request.getPhoneNumber());
    } catch (IllegalArgumentException e) {
      return done(platformId, "directory-publish", invalidNumber("phone_number", e));
    }
    UserAddress user = request.getUser();
    KeyedHash hash = hasher.current(number);
    NumberKey key = new NumberKey(hash.keyId(), hash.value());
    PublishResult published =
        PublishResult.newBuilder().setUser(user).setPhoneNumber(number.e164()).build();
    return operations
        .optedIn(user)
        .<Operations.Either<PublishResult>>thenCompose(
            before -> {
              if (before.isError()) {
                return CompletableFuture.completedFuture(
                    Operations.Either.<PublishResult>error(before.error()));
              }
              if (!before.value()) {
                return CompletableFuture.completedFuture(
                    DirectoryOperations.<PublishResult>notOptedIn(user));
              }
              Instant now = node.clock().instant().truncatedTo(ChronoUnit.MILLIS);
              return store
                  .publish(key, user.getPlatformId(), user.getUserId(), request.getPreferred(), now)
                  .thenCompose(written -> operations.optedIn(user))
                  .<Operations.Either<PublishResult>>thenCompose(
                      after -> {
                        if (!after.isError() && after.value()) {
                          metrics.published(platformId);
                          return CompletableFuture.completedFuture(Operations.Either.ok(published));
                        }
                        // Opted out meanwhile (or unknown): take the entry back.
                        return store
                            .withdraw(key, user.getPlatformId(), user.getUserId())
                            .thenApply(
                                withdrawn ->
                                    after.isError()
                                        ? Operations.Either.<PublishResult>error(after.error())
                                        : DirectoryOperations.<PublishResult>notOptedIn(user));
                      });
            })
        .exceptionally(failure -> Operations.Either.error(Operations.unavailable(failure)))
        .thenApply(result -> operations.record(platformId, "directory-publish", result));
  }

  /** Withdraws one number of a user of the acting platform, or all of them. */
  public CompletionStage<Operations.Either<WithdrawResult>> withdraw(
      String platformId, WithdrawRequest request) {
    Optional<Error> bad = ownUser(platformId, request.getUser(), "user");
    if (bad.isPresent()) {
      return done(platformId, "directory-withdraw", Operations.Either.error(bad.get()));
    }
    UserAddress user = request.getUser();
    CompletionStage<Integer> withdrawn;
    if (request.getPhoneNumber().isEmpty()) {
      withdrawn = withdrawAll(user);
    } else {
      PhoneNumber number;
      try {
        number = PhoneNumber.parse(request.getPhoneNumber());
      } catch (IllegalArgumentException e) {
        return done(platformId, "directory-withdraw", invalidNumber("phone_number", e));
      }
      CompletionStage<Integer> count = CompletableFuture.completedFuture(0);
      for (KeyedHash hash : hasher.all(number)) {
        count =
            count.thenCompose(
                n ->
                    store
                        .withdraw(
                            new NumberKey(hash.keyId(), hash.value()),
                            user.getPlatformId(),
                            user.getUserId())
                        .thenApply(theirs -> theirs ? n + 1 : n));
      }
      withdrawn = count;
    }
    return withdrawn
        .thenApply(
            n ->
                Operations.Either.ok(
                    WithdrawResult.newBuilder().setUser(user).setWithdrawn(n).build()))
        .exceptionally(failure -> Operations.Either.error(Operations.unavailable(failure)))
        .thenApply(result -> operations.record(platformId, "directory-withdraw", result));
  }

  /** Withdraws every entry of {@code user} (their opt-out); completes with how many there were. */
  CompletionStage<Integer> withdrawAll(UserAddress user) {
    return store
        .withdrawAll(user.getPlatformId(), user.getUserId())
        .thenApply(
            n -> {
              metrics.withdrawn(user.getPlatformId(), n);
              return n;
            });
  }

  /**
   * The users of other platforms discoverable by each number, for a user of the acting platform.
   */
  public CompletionStage<Operations.Either<LookupResult>> lookup(
      String platformId, LookupRequest request) {
    Optional<Error> bad = ownUser(platformId, request.getAsker(), "asker");
    if (bad.isEmpty() && request.getPhoneNumbersCount() > settings.maxNumbersPerCall()) {
      bad =
          Optional.of(
              ErrorCodes.error(
                  ErrorCode.INVALID_ARGUMENT,
                  "phone_numbers has "
                      + request.getPhoneNumbersCount()
                      + " numbers; a lookup takes at most "
                      + settings.maxNumbersPerCall()
                      + ": split the contact book into several calls"));
    }
    if (bad.isPresent()) {
      return done(platformId, "directory-lookup", Operations.Either.error(bad.get()));
    }
    Address asker = WireMapping.address(request.getAsker());
    // The numbers that read, each once, with their hashes under every key (current first).
    Map<String, List<KeyedHash>> hashes = new LinkedHashMap<>();
    // Per number asked: its E.164 form, or why it could not be read.
    String[] read = new String[request.getPhoneNumbersCount()];
    Map<Integer, String> invalid = new HashMap<>();
    for (int i = 0; i < request.getPhoneNumbersCount(); i++) {
      try {
        PhoneNumber number = PhoneNumber.parse(request.getPhoneNumbers(i));
        read[i] = number.e164();
        hashes.computeIfAbsent(number.e164(), e164 -> hasher.all(number));
      } catch (IllegalArgumentException e) {
        invalid.put(i, e.getMessage());
      }
    }
    List<Long> ledgerKeys = new ArrayList<>(hashes.size());
    for (List<KeyedHash> keyed : hashes.values()) {
      ledgerKeys.add(ByteBuffer.wrap(keyed.get(0).value()).getLong());
    }
    Instant now = node.clock().instant();
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    return operations
        .platform(platformId)
        .thenCompose(
            registered ->
                registered.isError()
                    ? CompletableFuture.completedFuture(
                        Operations.Either.<LookupResult>error(registered.error()))
                    : platformExhausted(
                            platformId,
                            operations.quota(registered.value()).directoryNewNumbersPerDay(),
                            today,
                            now)
                        .thenCompose(
                            exhausted ->
                                asks.<Lookups.Command, Lookups.Decision>ask(
                                    sharding.entityRefFor(Lookups.ENTITY_KEY, asker.toString()),
                                    replyTo -> new Lookups.Admit(ledgerKeys, exhausted, replyTo),
                                    node.askTimeout()))
                        .thenCompose(
                            decision ->
                                answered(
                                    platformId,
                                    request,
                                    asker,
                                    hashes,
                                    read,
                                    invalid,
                                    today,
                                    decision)))
        .exceptionally(failure -> Operations.Either.error(Operations.unavailable(failure)))
        .thenApply(result -> operations.record(platformId, "directory-lookup", result));
  }

  /** The answer to a lookup the allowances decided on. */
  private CompletionStage<Operations.Either<LookupResult>> answered(
      String platformId,
      LookupRequest request,
      Address asker,
      Map<String, List<KeyedHash>> hashes,
      String[] read,
      Map<Integer, String> invalid,
      LocalDate today,
      Lookups.Decision decision) {
    if (!decision.admitted()) {
      count(platformId, new DirectoryStore.Usage(today, 0, 0, 0, 0, 1));
      metrics.refused(platformId);
      return CompletableFuture.completedFuture(
          Operations.Either.<LookupResult>error(rateLimited(decision)));
    }
    return find(asker, hashes)
        .thenApply(
            found -> {
              LookupResult result = answer(request, read, invalid, found);
              long hits =
                  result.getMatchesList().stream().filter(m -> m.getUsersCount() > 0).count();
              count(
                  platformId,
                  new DirectoryStore.Usage(
                      today, 1, hashes.size(), decision.newNumbers(), hits, 0));
              metrics.lookedUp(platformId, hashes.size(), decision.newNumbers(), hits);
              return Operations.Either.ok(result);
            });
  }

  /** Empty while the platform has new numbers left today; else how long until the next UTC day. */
  private CompletionStage<Optional<Duration>> platformExhausted(
      String platformId, long perDay, LocalDate today, Instant now) {
    return store
        .usage(platformId, today, today)
        .thenApply(
            days -> {
              long used = days.isEmpty() ? 0 : days.get(0).newNumbers();
              if (used < perDay) {
                return Optional.empty();
              }
              Instant tomorrow = today.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
              return Optional.of(Duration.between(now, tomorrow));
            });
  }

  /**
   * For each number (by E.164), the users of other platforms than the asker's who published it and
   * accept messages from the asker, the preferred first.
   */
  private CompletionStage<Map<String, List<UserAddress>>> find(
      Address asker, Map<String, List<KeyedHash>> hashes) {
    List<NumberKey> keys = new ArrayList<>();
    for (List<KeyedHash> keyed : hashes.values()) {
      for (KeyedHash hash : keyed) {
        keys.add(new NumberKey(hash.keyId(), hash.value()));
      }
    }
    return store
        .lookup(keys)
        .thenCompose(
            rows -> {
              // Per number, one entry per platform: the current key's wins during a rotation.
              Map<String, List<Entry>> entries = new LinkedHashMap<>();
              int row = 0;
              for (var number : hashes.entrySet()) {
                Map<String, Entry> byPlatform = new LinkedHashMap<>();
                for (int k = 0; k < number.getValue().size(); k++, row++) {
                  for (Entry entry : rows.get(row)) {
                    if (!entry.platformId().equals(asker.platformId())) {
                      byPlatform.putIfAbsent(entry.platformId(), entry);
                    }
                  }
                }
                entries.put(number.getKey(), new ArrayList<>(byPlatform.values()));
              }
              return accepting(asker, entries);
            });
  }

  /** {@code entries} without the users who would refuse a message from {@code asker}. */
  private CompletionStage<Map<String, List<UserAddress>>> accepting(
      Address asker, Map<String, List<Entry>> entries) {
    Set<Address> owners = new LinkedHashSet<>();
    entries.values().forEach(list -> list.forEach(e -> owners.add(owner(e))));
    Map<Address, CompletableFuture<Boolean>> accepts = new HashMap<>();
    for (Address owner : owners) {
      accepts.put(
          owner,
          operations.refusal(owner, asker).thenApply(Optional::isEmpty).toCompletableFuture());
    }
    return CompletableFuture.allOf(accepts.values().toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              Map<String, List<UserAddress>> found = new HashMap<>();
              entries.forEach(
                  (number, list) ->
                      found.put(
                          number,
                          list.stream()
                              .filter(e -> accepts.get(owner(e)).join())
                              .sorted(
                                  Comparator.comparing((Entry e) -> !e.preferred())
                                      .thenComparing(Entry::platformId))
                              .map(e -> WireMapping.address(owner(e)))
                              .toList()));
              return found;
            });
  }

  private static Address owner(Entry entry) {
    return new Address(entry.platformId(), entry.userId());
  }

  private static LookupResult answer(
      LookupRequest request,
      String[] read,
      Map<Integer, String> invalid,
      Map<String, List<UserAddress>> found) {
    LookupResult.Builder result = LookupResult.newBuilder();
    for (int i = 0; i < request.getPhoneNumbersCount(); i++) {
      String asked = request.getPhoneNumbers(i);
      NumberMatch.Builder match = NumberMatch.newBuilder().setPhoneNumber(asked);
      if (invalid.containsKey(i)) {
        match.setInvalid(invalid.get(i));
      } else {
        match.addAllUsers(found.getOrDefault(read[i], List.of()));
      }
      result.addMatches(match);
    }
    return result.build();
  }

  private void count(String platformId, DirectoryStore.Usage usage) {
    store
        .count(platformId, usage)
        .whenComplete(
            (done, failure) -> {
              if (failure != null) {
                log.warn(
                    "Cannot count the directory use of {}: {}", platformId, failure.toString());
              }
            });
  }

  private Error rateLimited(Lookups.Decision decision) {
    long retryMs = Math.max(1000, decision.retryAfter().toMillis());
    String whose =
        decision.limit() == Lookups.Limit.PLATFORM
            ? "the platform has looked up as many new numbers as it may today (UTC)"
            : "the asker has looked up as many new numbers as they may for now";
    return ErrorCodes.error(
        ErrorCode.RATE_LIMITED,
        whose
            + " (this lookup has "
            + decision.newNumbers()
            + " new to them); numbers looked up within the last "
            + settings.remember().toDays()
            + " days are free: retry after retry_after_ms",
        retryMs);
  }

  /** The address is valid and of the calling platform. */
  private static Optional<Error> ownUser(String platformId, UserAddress user, String field) {
    return Addresses.validate(user, field).or(() -> Operations.ownUser(platformId, user, field));
  }

  private static <T> Operations.Either<T> invalidNumber(String field, IllegalArgumentException e) {
    return Operations.Either.error(
        ErrorCodes.error(ErrorCode.INVALID_ARGUMENT, field + ": " + e.getMessage()));
  }

  private static <T> Operations.Either<T> notOptedIn(UserAddress user) {
    return Operations.Either.error(
        ErrorCodes.error(
            ErrorCode.NOT_PERMITTED,
            "user "
                + Addresses.format(user)
                + " does not accept cross-platform messages (opted out, or never opted in on a"
                + " platform whose default is out), and only users who do can be discoverable:"
                + " SetConsent first"));
  }

  private <T> CompletionStage<Operations.Either<T>> done(
      String platformId, String what, Operations.Either<T> result) {
    return CompletableFuture.completedFuture(operations.record(platformId, what, result));
  }
}
