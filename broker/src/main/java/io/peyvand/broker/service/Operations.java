package io.peyvand.broker.service;

import io.peyvand.broker.calls.RelayCredentials;
import io.peyvand.broker.directory.DirectorySettings;
import io.peyvand.broker.entity.Asks;
import io.peyvand.broker.mailbox.UserMailbox;
import io.peyvand.broker.model.Address;
import io.peyvand.broker.model.Capabilities;
import io.peyvand.broker.model.Message;
import io.peyvand.broker.model.Quota;
import io.peyvand.broker.observability.MessageMetrics;
import io.peyvand.broker.observability.SecurityEvents;
import io.peyvand.broker.platform.Platform;
import io.peyvand.broker.platform.PlatformCatalog;
import io.peyvand.broker.service.limits.SubmitLimits;
import io.peyvand.persistence.directory.DirectoryStore;
import io.peyvand.protocol.Addresses;
import io.peyvand.protocol.EnvelopeValidator;
import io.peyvand.protocol.ErrorCodes;
import io.peyvand.protocol.v1.Acknowledge;
import io.peyvand.protocol.v1.ConsentState;
import io.peyvand.protocol.v1.Envelope;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.PlatformInfo;
import io.peyvand.protocol.v1.ReadReceipt;
import io.peyvand.protocol.v1.StatusAcknowledge;
import io.peyvand.protocol.v1.SubmitResult;
import io.peyvand.protocol.v1.UserAddress;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * The broker's operations as every edge (gRPC session, gRPC unary, WebSocket) invokes them, in wire
 * terms: validate, check what the acting platform may do, ask the entity, and answer a result or a
 * protocol {@link Error}. One place, so every transport refuses the same input the same way.
 *
 * <p>{@code platformId} is always the acting platform: the one the session or call speaks for.
 */
public final class Operations {
  private static final long RETRY_AFTER_MS = 1000;

  private final NodeContext node;
  private final ClusterSharding sharding;
  private final PlatformCatalog catalog;
  private final EnvelopeValidator validator;
  private final SubmitLimits limits;
  private final Quota defaultQuota;
  private final GroupOperations groups;
  private final DirectoryOperations directory;
  private final CallOperations calls;
  private final MessageMetrics metrics;
  private final Asks asks;

  /**
   * {@code defaultQuota}: the broker's limits where the operator set none for a platform (every
   * field set).
   */
  public Operations(
      NodeContext node,
      PlatformCatalog catalog,
      EnvelopeValidator validator,
      SubmitLimits limits,
      Quota defaultQuota,
      DirectorySettings directorySettings,
      DirectoryStore directoryStore,
      RelayCredentials relay) {
    this.node = node;
    this.limits = limits;
    this.defaultQuota = defaultQuota;
    this.sharding = ClusterSharding.get(node.system());
    this.catalog = catalog;
    this.validator = validator;
    this.groups = new GroupOperations(this);
    this.directory = new DirectoryOperations(this, directorySettings, directoryStore);
    this.calls = new CallOperations(this, relay);
    this.metrics = MessageMetrics.get(node.system());
    this.asks = Asks.get(node.system());
  }

  /** What this node's services share: its system, clock, ask timeout and security events. */
  public NodeContext node() {
    return node;
  }

  /** Call signalling (phase 3). */
  public CallOperations calls() {
    return calls;
  }

  /** The group and channel operations. */
  public GroupOperations groups() {
    return groups;
  }

  /** The directory's operations (publish, withdraw, look up numbers). */
  public DirectoryOperations directory() {
    return directory;
  }

  public EnvelopeValidator validator() {
    return validator;
  }

  /** The acting platform's registration, or UNKNOWN_PLATFORM. */
  public CompletionStage<Either<Platform.Info>> platform(String platformId) {
    Optional<Error> malformed = Addresses.validatePlatformId(platformId, "platform_id");
    if (malformed.isPresent()) {
      return CompletableFuture.completedFuture(Either.error(malformed.get()));
    }
    return recover(
        catalog
            .get(platformId)
            .thenApply(
                info ->
                    info.map(Either::ok)
                        .orElseGet(
                            () ->
                                Either.error(
                                    ErrorCodes.error(
                                        ErrorCode.UNKNOWN_PLATFORM,
                                        "platform '"
                                            + platformId
                                            + "' is not registered with the interconnect")))));
  }

  /** The limits in force for a platform: its operator quota over the broker's defaults. */
  public Quota quota(Platform.Info platform) {
    return platform.quota().over(defaultQuota);
  }

  /** The platform catalog this node reads registrations through. */
  public PlatformCatalog catalog() {
    return catalog;
  }

  /**
   * Submits an envelope for the acting platform. Never fails: problems are refusals. Counted in
   * {@link MessageMetrics} (accepted or duplicate, the time to the answer) and refusals in {@link
   * SecurityEvents}.
   */
  public CompletionStage<SubmitResult> submit(
      String platformId, long correlationId, Envelope envelope) {
    long started = System.nanoTime();
    MessageMetrics.Kind kind =
        envelope.hasGroup() ? MessageMetrics.Kind.GROUP : MessageMetrics.Kind.DIRECT;
    return checkedSubmit(platformId, correlationId, envelope)
        .thenApply(
            result -> {
              if (result.hasRefused()) {
                node.security()
                    .refused(platformId, "submit " + envelope.getMessageId(), result.getRefused());
                metrics.answered(kind, MessageMetrics.Result.REFUSED, started);
              } else if (result.hasDuplicate()) {
                metrics.platform(platformId).duplicate(kind);
                metrics.answered(kind, MessageMetrics.Result.DUPLICATE, started);
              } else {
                metrics.platform(platformId).accepted(kind);
                metrics.answered(kind, MessageMetrics.Result.ACCEPTED, started);
              }
              return result;
            });
  }

  private CompletionStage<SubmitResult> checkedSubmit(
      String platformId, long correlationId, Envelope envelope) {
    SubmitResult.Builder result =
        SubmitResult.newBuilder()
            .setCorrelationId(correlationId)
            .setMessageId(envelope.getMessageId());
    if (envelope.equals(Envelope.getDefaultInstance())) {
      return CompletableFuture.completedFuture(
          result
              .setRefused(ErrorCodes.error(ErrorCode.INVALID_FRAME, "submit has no envelope"))
              .build());
    }
    Optional<Error> invalid = validator.validate(envelope, node.clock().millis());
    if (invalid.isPresent()) {
      return CompletableFuture.completedFuture(result.setRefused(invalid.get()).build());
    }
    if (!envelope.getSender().getPlatformId().equals(platformId)) {
      return CompletableFuture.completedFuture(
          result
              .setRefused(
                  ErrorCodes.error(
                      ErrorCode.SENDER_NOT_ON_PLATFORM,
                      "sender "
                          + Addresses.format(envelope.getSender())
                          + " is not a user of platform "
                          + platformId
                          + ", which submitted it"))
              .build());
    }
    Message message = WireMapping.message(envelope);
    CompletionStage<SubmitResult> answer =
        platform(platformId)
            .thenCompose(
                sender -> {
                  if (sender.isError()) {
                    return CompletableFuture.completedFuture(
                        result.setRefused(sender.error()).build());
                  }
                  OptionalLong wait =
                      limits.tryAcquire(
                          platformId, envelope.getSender().getUserId(), sender.value().quota());
                  if (wait.isPresent()) {
                    return CompletableFuture.completedFuture(
                        result
                            .setRefused(
                                ErrorCodes.error(
                                    ErrorCode.RATE_LIMITED,
                                    "submission rate limit of platform "
                                        + platformId
                                        + " or of sender "
                                        + envelope.getSender().getUserId()
                                        + " exceeded; retry in "
                                        + wait.getAsLong()
                                        + " ms",
                                    wait.getAsLong()))
                            .build());
                  }
                  return envelope.hasGroup()
                      ? groups.post(result, message)
                      : toMailbox(
                          result,
                          envelope,
                          message,
                          sender.value().capabilities().statusesByRecipient());
                });
    return answer.exceptionally(failure -> result.setRefused(unavailable(failure)).build());
  }

  private CompletionStage<SubmitResult> toMailbox(
      SubmitResult.Builder result,
      Envelope envelope,
      Message message,
      boolean statusesByRecipient) {
    return platform(envelope.getRecipient().getPlatformId())
        .thenCompose(
            recipientPlatform -> {
              if (recipientPlatform.isError()) {
                return CompletableFuture.completedFuture(
                    result.setRefused(recipientPlatform.error()).build());
              }
              Capabilities capabilities = recipientPlatform.value().capabilities();
              Optional<Error> refused = CapabilityCheck.refusal(capabilities, message);
              if (refused.isPresent()) {
                return CompletableFuture.completedFuture(result.setRefused(refused.get()).build());
              }
              UserMailbox.RecipientPolicy policy =
                  new UserMailbox.RecipientPolicy(
                      recipientPlatform.value().defaultOptedIn(), capabilities.editWindowSeconds());
              return ask(
                      message.recipient(),
                      (ActorRef<UserMailbox.AcceptReply> replyTo) ->
                          new UserMailbox.Accept(message, policy, replyTo, statusesByRecipient))
                  .thenApply(
                      reply -> {
                        if (reply instanceof UserMailbox.Accepted accepted) {
                          return WireMapping.stored(
                              result,
                              accepted.sequence(),
                              accepted.acceptedAtMs(),
                              accepted.duplicate());
                        }
                        return result.setRefused(error((UserMailbox.Refused) reply)).build();
                      });
            });
  }

  /** A cumulative acknowledgement from the acting platform; empty when taken. */
  public CompletionStage<Optional<Error>> acknowledge(String platformId, Acknowledge ack) {
    return toMailbox(
        platformId,
        "acknowledge",
        ack.getMailbox(),
        "acknowledge.mailbox",
        replyTo -> new UserMailbox.Acknowledge(platformId, ack.getUpToSequence(), replyTo));
  }

  /**
   * A cumulative acknowledgement of a recipient mailbox's status stream for the acting platform;
   * empty when taken.
   */
  public CompletionStage<Optional<Error>> acknowledgeStatuses(
      String platformId, StatusAcknowledge ack) {
    return toMailbox(
        platformId,
        "status-acknowledge",
        ack.getRecipient(),
        "status_acknowledge.recipient",
        replyTo -> new UserMailbox.AcknowledgeStatuses(platformId, ack.getUpToSequence(), replyTo));
  }

  /** A read receipt from the acting platform; empty when taken. */
  public CompletionStage<Optional<Error>> readReceipt(String platformId, ReadReceipt receipt) {
    return toMailbox(
        platformId,
        "read-receipt",
        receipt.getReader(),
        "read_receipt.reader",
        replyTo -> new UserMailbox.MarkRead(platformId, receipt.getUpToSequence(), replyTo));
  }

  /**
   * {@code what} of the acting platform, told to {@code mailbox} unless its address (the request's
   * {@code field}) is invalid; a refusal, the mailbox's or the address's, is counted and logged
   * ({@link SecurityEvents}).
   */
  private CompletionStage<Optional<Error>> toMailbox(
      String platformId,
      String what,
      UserAddress mailbox,
      String field,
      Function<ActorRef<UserMailbox.Outcome>, UserMailbox.Command> command) {
    Optional<Error> bad = Addresses.validate(mailbox, field);
    if (bad.isPresent()) {
      node.security().refused(platformId, what, bad.get());
      return CompletableFuture.completedFuture(bad);
    }
    return outcome(mailbox, command)
        .thenApply(
            error -> {
              error.ifPresent(e -> node.security().refused(platformId, what, e));
              return error;
            });
  }

  /** Counts and logs a refused result of {@code what}; passes the result on. */
  public <T> Either<T> record(String platformId, String what, Either<T> result) {
    if (result.isError()) {
      node.security().refused(platformId, what, result.error());
    }
    return result;
  }

  private CompletionStage<Optional<Error>> outcome(
      UserAddress mailbox, Function<ActorRef<UserMailbox.Outcome>, UserMailbox.Command> command) {
    return this.<UserMailbox.Outcome>ask(WireMapping.address(mailbox), command::apply)
        .thenApply(
            outcome ->
                outcome instanceof UserMailbox.Refused refused
                    ? Optional.of(error(refused))
                    : Optional.<Error>empty())
        .exceptionally(failure -> Optional.of(unavailable(failure)));
  }

  /** A user of the acting platform opts in or out; or blocks or unblocks a sender. */
  public CompletionStage<Either<ConsentState>> consent(
      String platformId, UserAddress user, Optional<UserAddress> sender, boolean value) {
    Optional<Error> bad =
        Addresses.validate(user, "user")
            .or(() -> sender.flatMap(s -> Addresses.validate(s, "sender")));
    if (bad.isPresent()) {
      return CompletableFuture.completedFuture(Either.error(bad.get()));
    }
    if (!user.getPlatformId().equals(platformId)) {
      return CompletableFuture.completedFuture(
          Either.error(
              ErrorCodes.error(
                  ErrorCode.NOT_PERMITTED,
                  "user " + Addresses.format(user) + " is not a user of platform " + platformId)));
    }
    return platform(platformId)
        .thenCompose(
            p -> {
              if (p.isError()) {
                return CompletableFuture.completedFuture(Either.<ConsentState>error(p.error()));
              }
              boolean platformDefault = p.value().defaultOptedIn();
              return this.<UserMailbox.ConsentView>ask(
                      WireMapping.address(user),
                      replyTo ->
                          sender.isPresent()
                              ? new UserMailbox.SetBlocked(
                                  WireMapping.address(sender.get()),
                                  value,
                                  platformDefault,
                                  replyTo)
                              : new UserMailbox.SetConsent(value, platformDefault, replyTo))
                  .thenCompose(
                      view ->
                          // Opted out (or out by default): not discoverable any more, at once.
                          (view.optedIn()
                                  ? CompletableFuture.completedFuture(0)
                                  : directory.withdrawAll(user))
                              .thenApply(
                                  withdrawn ->
                                      Either.ok(
                                          ConsentState.newBuilder()
                                              .setUser(user)
                                              .setOptedIn(view.optedIn())
                                              .setByDefault(view.byDefault())
                                              .setBlockedSenders(view.blockedSenders())
                                              .build())));
            })
        .exceptionally(failure -> Either.error(unavailable(failure)));
  }

  /** The acting platform declares its capabilities and consent default. */
  public CompletionStage<Either<PlatformInfo>> configure(
      String platformId, Capabilities capabilities, boolean defaultOptedIn) {
    return platform(platformId)
        .thenCompose(
            p -> {
              if (p.isError()) {
                return CompletableFuture.completedFuture(Either.<PlatformInfo>error(p.error()));
              }
              return asks.<Platform.Command, Platform.Lookup>ask(
                      sharding.entityRefFor(Platform.ENTITY_KEY, platformId),
                      replyTo -> new Platform.Configure(capabilities, defaultOptedIn, replyTo),
                      node.askTimeout())
                  .thenApply(
                      lookup -> {
                        lookup.info().ifPresent(catalog::update);
                        return lookup
                            .info()
                            .map(
                                info ->
                                    Either.ok(PlatformMapping.info(info, Optional.of(quota(info)))))
                            .orElseGet(
                                () ->
                                    Either.error(
                                        ErrorCodes.error(
                                            ErrorCode.UNKNOWN_PLATFORM,
                                            "platform '" + platformId + "' is not registered")));
                      });
            })
        .exceptionally(failure -> Either.error(unavailable(failure)));
  }

  /**
   * Whether {@code user} accepts cross-platform messages now (opted in, or in by their platform's
   * default), from their mailbox; UNKNOWN_PLATFORM or UNAVAILABLE when that cannot be told.
   */
  CompletionStage<Either<Boolean>> optedIn(UserAddress user) {
    return platform(user.getPlatformId())
        .thenCompose(
            p ->
                p.isError()
                    ? CompletableFuture.completedFuture(Either.<Boolean>error(p.error()))
                    : this.<UserMailbox.ConsentView>ask(
                            WireMapping.address(user),
                            replyTo ->
                                new UserMailbox.GetConsent(p.value().defaultOptedIn(), replyTo))
                        .thenApply(view -> Either.ok(view.optedIn())))
        .exceptionally(failure -> Either.error(unavailable(failure)));
  }

  /**
   * The refusal a 1:1 message from {@code sender} to {@code recipient} would get now (their
   * platform is not registered; they are not opted in or blocked the sender: one answer,
   * PROTOCOL.md §7; UNAVAILABLE when their mailbox does not answer in time), or empty. Their
   * mailbox decides, from memory, storing nothing.
   */
  CompletionStage<Optional<Error>> refusal(Address recipient, Address sender) {
    return platform(recipient.platformId())
        .thenCompose(
            platform ->
                platform.isError()
                    ? CompletableFuture.completedFuture(Optional.of(platform.error()))
                    : this.<UserMailbox.ContactReply>ask(
                            recipient,
                            replyTo ->
                                new UserMailbox.MayContact(
                                    sender, platform.value().defaultOptedIn(), replyTo))
                        .thenApply(
                            reply ->
                                reply instanceof UserMailbox.Refused refused
                                    ? Optional.of(error(refused))
                                    : Optional.<Error>empty()))
        .exceptionally(failure -> Optional.of(unavailable(failure)));
  }

  /**
   * Stores a message the broker writes itself (a missed-call record) in its recipient's mailbox, as
   * a submission would: true once stored, or refused for good by the recipient (not accepting the
   * other side); false when it could not be told (retry).
   */
  CompletionStage<Boolean> storeFromBroker(Message message) {
    return platform(message.recipient().platformId())
        .thenCompose(
            platform -> {
              if (platform.isError()) {
                return CompletableFuture.completedFuture(true);
              }
              UserMailbox.RecipientPolicy policy =
                  new UserMailbox.RecipientPolicy(
                      platform.value().defaultOptedIn(),
                      platform.value().capabilities().editWindowSeconds());
              return this.<UserMailbox.AcceptReply>ask(
                      message.recipient(),
                      replyTo -> new UserMailbox.Accept(message, policy, replyTo))
                  .thenApply(
                      reply ->
                          !(reply instanceof UserMailbox.Refused refused)
                              || refused.reason() != io.peyvand.broker.mailbox.Refusal.UNAVAILABLE);
            })
        .exceptionally(failure -> false);
  }

  /**
   * Admits one more submission (or call invite) of {@code userId} of {@code platformId} against the
   * platform's and the user's rates: empty when admitted, else how long to wait.
   */
  OptionalLong tryAcquire(String platformId, String userId, Platform.Info platform) {
    return limits.tryAcquire(platformId, userId, platform.quota());
  }

  private <R> CompletionStage<R> ask(
      Address mailbox, Function<ActorRef<R>, UserMailbox.Command> command) {
    return asks.ask(
        sharding.entityRefFor(UserMailbox.ENTITY_KEY, mailbox.toString()),
        command,
        node.askTimeout());
  }

  private <T> CompletionStage<Either<T>> recover(CompletionStage<Either<T>> stage) {
    return stage.exceptionally(failure -> Either.error(unavailable(failure)));
  }

  static Error error(UserMailbox.Refused refused) {
    ErrorCode code =
        switch (refused.reason()) {
          case RECIPIENT_NOT_ACCEPTING -> ErrorCode.RECIPIENT_NOT_ACCEPTING;
          case CAPABILITY_NOT_SUPPORTED -> ErrorCode.CAPABILITY_NOT_SUPPORTED;
          case UNKNOWN_SEQUENCE -> ErrorCode.UNKNOWN_SEQUENCE;
          case NOT_PERMITTED -> ErrorCode.NOT_PERMITTED;
          case UNAVAILABLE -> ErrorCode.UNAVAILABLE;
        };
    return code == ErrorCode.UNAVAILABLE
        ? ErrorCodes.error(code, refused.message(), RETRY_AFTER_MS)
        : ErrorCodes.error(code, refused.message());
  }

  static Error unavailable(Throwable failure) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    String why =
        cause instanceof TimeoutException
            ? "the broker could not confirm in time"
            : cause.toString();
    return ErrorCodes.error(
        ErrorCode.UNAVAILABLE,
        why
            + "; send it again unchanged (a message"
            + " with the same message_id is then answered accepted or duplicate)",
        RETRY_AFTER_MS);
  }

  /**
   * NOT_PERMITTED unless {@code user} (the request's {@code field}) is a user of {@code
   * platformId}, the platform that makes the call: a platform acts only for its own users.
   */
  static Optional<Error> ownUser(String platformId, UserAddress user, String field) {
    if (user.getPlatformId().equals(platformId)) {
      return Optional.empty();
    }
    return Optional.of(
        ErrorCodes.error(
            ErrorCode.NOT_PERMITTED,
            field
                + " "
                + Addresses.format(user)
                + " is not a user of platform "
                + platformId
                + ", which makes the call"));
  }

  /** A value or a protocol error. */
  public record Either<T>(T value, Error error) {
    public T orThrow(Function<Error, RuntimeException> exception) {
      if (error != null) {
        throw exception.apply(error);
      }
      return value;
    }

    public static <T> Either<T> ok(T value) {
      return new Either<>(value, null);
    }

    public static <T> Either<T> error(Error error) {
      return new Either<>(null, error);
    }

    public boolean isError() {
      return error != null;
    }
  }
}
