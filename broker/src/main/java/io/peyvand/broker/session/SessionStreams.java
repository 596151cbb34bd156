package io.peyvand.broker.session;

import io.peyvand.broker.calls.CallSignal;
import io.peyvand.broker.observability.MessageMetrics;
import io.peyvand.broker.service.KeyPackageOperations;
import io.peyvand.broker.service.LiveSessions;
import io.peyvand.broker.service.NodeContext;
import io.peyvand.broker.service.Operations;
import io.peyvand.broker.service.Peer;
import io.peyvand.broker.service.limits.AddressLimits;
import io.peyvand.protocol.ErrorCodes;
import io.peyvand.protocol.FrameValidator;
import io.peyvand.protocol.ProtocolLimits;
import io.peyvand.protocol.v1.ClientFrame;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.Hello;
import io.peyvand.protocol.v1.Pong;
import io.peyvand.protocol.v1.ServerFrame;
import io.peyvand.protocol.v1.SessionError;
import io.peyvand.protocol.v1.Welcome;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session as a stream, the same for gRPC and WebSocket: the first frame must be Hello, for a
 * platform the transport's {@link Peer} may act for (with mutual TLS: the client certificate's),
 * answered by Welcome; then frames are handled with bounded parallelism, results and deliveries
 * merge into the outgoing stream. Backpressure is end to end: when the adapter reads slowly,
 * results wait, which stops reading its frames; deliveries wait in a bounded queue and beyond it
 * are refused back to their mailboxes. A session opened with a certificate is registered in {@link
 * LiveSessions}, which ends it with a closing SessionError when the certificate is revoked. Open
 * sessions are counted by platform and transport in {@link MessageMetrics}; every error it answers
 * is recorded as a refusal ({@link Operations#record}).
 */
public final class SessionStreams {
  private static final Logger log = LoggerFactory.getLogger(SessionStreams.class);

  /** How a session is bounded; see peyvand.session in reference.conf. */
  public record Settings(
      int parallelism,
      int outgoingBuffer,
      Duration linger,
      int deliveryWindow,
      int redeliveryAfterMs) {}

  private final NodeContext node;
  private final Operations operations;
  private final KeyPackageOperations keys;
  private final ProtocolLimits limits;
  private final FrameValidator validator;
  private final Settings settings;
  private final Map<String, AtomicInteger> open = new ConcurrentHashMap<>();
  private final LiveSessions live;
  private final AddressLimits addresses;
  private final MessageMetrics metrics;
  private final SessionTap tap;

  /**
   * With {@code tap} around every session ({@link SessionTap#NONE} but in the conformance sandbox);
   * {@code keys} serves the key-package directory's frames (the same as its gRPC service). Frames
   * are checked against the limits of {@code operations}' validator.
   */
  public SessionStreams(
      Operations operations,
      KeyPackageOperations keys,
      Settings settings,
      LiveSessions live,
      AddressLimits addresses,
      SessionTap tap) {
    this.node = operations.node();
    this.operations = operations;
    this.keys = keys;
    this.limits = operations.validator().limits();
    this.validator = new FrameValidator(limits);
    this.settings = settings;
    this.live = live;
    this.addresses = addresses;
    this.metrics = MessageMetrics.get(node.system());
    this.tap = tap;
  }

  /**
   * The outgoing frames of a session whose incoming frames are {@code in}, from {@code peer}; a
   * Hello for a platform the peer may not act for is answered by a closing NOT_PERMITTED.
   */
  public Source<ServerFrame, NotUsed> session(
      Source<ClientFrame, ?> in, String transport, Peer peer, Optional<InetAddress> from) {
    // Admitted when the session is run, not when it is built: a session never run holds no place.
    return tap.around(
        in,
        frames ->
            Source.lazySource(() -> admitted(frames, transport, peer, from))
                .mapMaterializedValue(m -> NotUsed.getInstance()));
  }

  private Source<ServerFrame, NotUsed> admitted(
      Source<ClientFrame, ?> in, String transport, Peer peer, Optional<InetAddress> from) {
    AddressLimits.Outcome admission = addresses.open(from);
    if (admission.refused().isPresent()) {
      Error refused = admission.refused().get();
      operations.record(
          "unidentified",
          "connect over "
              + transport
              + " from "
              + from.map(InetAddress::getHostAddress).orElse("?"),
          Operations.Either.error(refused));
      return Source.single(closing(refused));
    }
    AddressLimits.Admission admitted = admission.admitted().orElseThrow();
    return in.prefixAndTail(1)
        .flatMapConcat(
            pair -> {
              if (pair.first().isEmpty()) {
                return Source.<ServerFrame>empty();
              }
              ClientFrame first = pair.first().get(0);
              if (!first.hasHello()) {
                return Source.single(
                    closing(
                        recorded(
                            "unidentified",
                            "connect over " + transport,
                            ErrorCodes.error(
                                ErrorCode.HELLO_REQUIRED,
                                "the first frame of a session must be"
                                    + " Hello{protocol_version: 1, platform_id}"))));
              }
              Optional<Error> invalid = validator.validate(first, node.clock().millis());
              if (invalid.isPresent()) {
                return Source.single(
                    closing(recorded("unidentified", "connect over " + transport, invalid.get())));
              }
              Hello hello = first.getHello();
              Optional<Error> notPermitted = peer.mayActFor(hello.getPlatformId());
              if (notPermitted.isPresent()) {
                operations.record(
                    hello.getPlatformId(),
                    "connect over " + transport,
                    Operations.Either.error(notPermitted.get()));
                return Source.single(closing(notPermitted.get()));
              }
              return Source.completionStage(operations.platform(hello.getPlatformId()))
                  .flatMapConcat(
                      platform ->
                          platform.isError()
                              ? Source.single(
                                  closing(
                                      recorded(
                                          hello.getPlatformId(),
                                          "connect over " + transport,
                                          platform.error())))
                              : established(
                                  hello,
                                  pair.second(),
                                  transport,
                                  peer,
                                  operations.quota(platform.value()).sessionsPerNode(),
                                  platform.value().capabilities().groupMemberLists()));
            })
        // However the session ends, the address no longer holds it.
        .watchTermination(
            (mat, done) -> {
              done.whenComplete((ok, error) -> admitted.release());
              return NotUsed.getInstance();
            });
  }

  private Source<ServerFrame, NotUsed> established(
      Hello hello,
      Source<ClientFrame, ?> rest,
      String transport,
      Peer peer,
      int sessionsPerNode,
      boolean memberLists) {
    String platformId = hello.getPlatformId();
    AtomicInteger sessions = open.computeIfAbsent(platformId, p -> new AtomicInteger());
    if (sessions.incrementAndGet() > sessionsPerNode) {
      sessions.decrementAndGet();
      Error tooMany =
          ErrorCodes.error(
              ErrorCode.RATE_LIMITED,
              "platform "
                  + platformId
                  + " already has "
                  + sessionsPerNode
                  + " sessions on this broker node (its quota's"
                  + " sessions_per_node, by default peyvand.limits.sessions-per-platform); close one or"
                  + " connect to another node",
              5000);
      operations.record(platformId, "connect", Operations.Either.error(tooMany));
      return Source.single(closing(tooMany));
    }
    AtomicBoolean counted = new AtomicBoolean(true);
    Runnable closed = metrics.sessionOpened(platformId, transport);
    Runnable release =
        () -> {
          if (counted.getAndSet(false)) {
            sessions.decrementAndGet();
            closed.run();
          }
        };
    String sessionId = platformId + "-" + UUID.randomUUID().toString().substring(0, 8);
    Pair<BoundedSourceQueue<ServerFrame>, Source<ServerFrame, NotUsed>> queue =
        Source.<ServerFrame>queue(settings.outgoingBuffer()).preMaterialize(node.system());
    ServerFrame welcome =
        ServerFrame.newBuilder()
            .setWelcome(
                Welcome.newBuilder()
                    .setProtocolVersion(1)
                    .setSessionId(sessionId)
                    .setLimits(
                        limits.toWire(settings.deliveryWindow(), settings.redeliveryAfterMs())))
            .build();
    return Source.lazySource(
            () -> {
              CompletableFuture<ActorRef<CallSignal>> registered = new CompletableFuture<>();
              ActorRef<Session.Command> session =
                  node.system()
                      .systemActorOf(
                          Session.create(
                              platformId,
                              memberLists,
                              hello.getRingCalls(),
                              queue.first(),
                              settings.linger(),
                              registered),
                          "session-" + sessionId,
                          Props.empty());
              log.info(
                  "Session {} of {} connected over {} ({}){}",
                  sessionId,
                  platformId,
                  transport,
                  hello.getSessionName(),
                  peer.certificate().map(c -> " with certificate " + c).orElse(""));
              // Completed with a closing SessionError to end the session from outside (revocation),
              // or
              // empty when the session ends on its own.
              Pair<CompletableFuture<Optional<ServerFrame>>, Source<ServerFrame, NotUsed>> closer =
                  Source.<ServerFrame>maybe().preMaterialize(node.system());
              Runnable deregister =
                  peer.certificate()
                      .map(
                          certificate ->
                              live.register(
                                  certificate,
                                  error -> closer.first().complete(Optional.of(closing(error)))))
                      .orElse(() -> {});
              Source<ServerFrame, NotUsed> results =
                  rest
                      // Answers leave as they are ready, not in the order of the frames: a
                      // submission to a
                      // mailbox on an unreachable node (answered after the ask timeout) must not
                      // hold up
                      // the answers and Pongs behind it (FAULTS.md, finding 4). Adapters match
                      // results by
                      // correlation id (PROTOCOL.md §4.2).
                      .mapAsyncUnordered(
                          settings.parallelism(), frame -> handle(platformId, frame, registered))
                      .mapConcat(frames -> frames)
                      .watchTermination(
                          (mat, done) -> {
                            done.whenComplete(
                                (ok, error) -> {
                                  log.info(
                                      "Session {} of {} ended{}",
                                      sessionId,
                                      platformId,
                                      error == null ? "" : ": " + error);
                                  release.run();
                                  deregister.run();
                                  session.tell(Session.Stop.INSTANCE);
                                  closer.first().complete(Optional.empty());
                                  try {
                                    queue.first().complete();
                                  } catch (IllegalStateException alreadyEnded) {
                                    // the outgoing side was cancelled first (the adapter went away)
                                  }
                                });
                            return NotUsed.getInstance();
                          });
              // Welcome only once every mailbox of this node finds the session: a message submitted
              // after it is pushed at once, not when the cluster's view of sessions next changes
              // (issue
              // 14: 150-520 ms later). A closing SessionError is the last frame: the session ends
              // right
              // after it.
              return Source.completionStage(registered.thenApply(ready -> welcome))
                  .concat(results.merge(queue.second(), true).merge(closer.second()))
                  .takeWhile(frame -> !(frame.hasError() && frame.getError().getClosing()), true);
            })
        .mapMaterializedValue(m -> NotUsed.getInstance())
        // However the session ends (even before its body started), it no longer counts.
        .watchTermination(
            (mat, done) -> {
              done.whenComplete((ok, error) -> release.run());
              return NotUsed.getInstance();
            });
  }

  private CompletionStage<List<ServerFrame>> handle(
      String platformId, ClientFrame frame, CompletionStage<ActorRef<CallSignal>> calls) {
    if (frame.hasCall()) {
      return calls
          .thenCompose(session -> operations.calls().call(platformId, frame.getCall(), session))
          .thenApply(result -> List.of(ServerFrame.newBuilder().setCallResult(result).build()));
    }
    if (frame.hasSubmit()) {
      return operations
          .submit(platformId, frame.getSubmit().getCorrelationId(), frame.getSubmit().getEnvelope())
          .thenApply(result -> List.of(ServerFrame.newBuilder().setSubmitResult(result).build()));
    }
    if (frame.hasDirectory()) {
      return operations
          .directory()
          .call(platformId, frame.getDirectory())
          .thenApply(
              result -> List.of(ServerFrame.newBuilder().setDirectoryResult(result).build()));
    }
    if (frame.hasKeys()) {
      return keys.call(platformId, frame.getKeys())
          .thenApply(result -> List.of(ServerFrame.newBuilder().setKeysResult(result).build()));
    }
    Optional<Error> invalid = validator.validate(frame, node.clock().millis());
    if (invalid.isPresent()) {
      return done(
          List.of(
              error(
                  recorded(platformId, frame.getFrameCase().name().toLowerCase(), invalid.get()))));
    }
    return switch (frame.getFrameCase()) {
      case ACKNOWLEDGE ->
          operations
              .acknowledge(platformId, frame.getAcknowledge())
              .thenApply(SessionStreams::errors);
      case READ_RECEIPT ->
          operations
              .readReceipt(platformId, frame.getReadReceipt())
              .thenApply(SessionStreams::errors);
      case PING ->
          done(
              List.of(
                  ServerFrame.newBuilder()
                      .setPong(Pong.newBuilder().setNonce(frame.getPing().getNonce()))
                      .build()));
      case HELLO ->
          invalidFrame(platformId, "hello", "Hello is sent once, as the first frame of a session");
      case GROUP_ACKNOWLEDGE ->
          operations
              .groups()
              .acknowledge(platformId, frame.getGroupAcknowledge())
              .thenApply(SessionStreams::errors);
      case STATUS_ACKNOWLEDGE ->
          operations
              .acknowledgeStatuses(platformId, frame.getStatusAcknowledge())
              .thenApply(SessionStreams::errors);
      default ->
          invalidFrame(
              platformId,
              "empty frame",
              "the frame has no content: set one of hello,"
                  + " submit, acknowledge, read_receipt, ping, group_acknowledge, directory,"
                  + " status_acknowledge, call, keys");
    };
  }

  /**
   * A message that reached a session's transport but is not a frame (a WebSocket message that does
   * not decode, or is too large, or is text) was refused with {@code error}: recorded like every
   * refusal, for the platform "unidentified" (the transport does not know the session's).
   */
  public void undecodable(String transport, Error error) {
    recorded("unidentified", "message over " + transport, error);
  }

  /** Records the refusal of {@code what} (counted and logged); returns the error. */
  private Error recorded(String platformId, String what, Error error) {
    operations.record(platformId, what, Operations.Either.error(error));
    return error;
  }

  private static List<ServerFrame> errors(Optional<Error> error) {
    return error.map(e -> List.of(error(e))).orElse(List.of());
  }

  /** The answer to a frame refused INVALID_FRAME with {@code message}, recorded as {@code what}. */
  private CompletionStage<List<ServerFrame>> invalidFrame(
      String platformId, String what, String message) {
    return done(
        List.of(
            error(recorded(platformId, what, ErrorCodes.error(ErrorCode.INVALID_FRAME, message)))));
  }

  private static CompletionStage<List<ServerFrame>> done(List<ServerFrame> frames) {
    return CompletableFuture.completedFuture(frames);
  }

  static ServerFrame error(Error error) {
    return ServerFrame.newBuilder().setError(SessionError.newBuilder().setError(error)).build();
  }

  static ServerFrame closing(Error error) {
    return ServerFrame.newBuilder()
        .setError(SessionError.newBuilder().setError(error).setClosing(true))
        .build();
  }
}
