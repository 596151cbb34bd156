package io.peyvand.protocol.sdk;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import com.typesafe.config.ConfigFactory;
import io.peyvand.protocol.transparency.MerkleTree;
import io.peyvand.protocol.v1.Accepted;
import io.peyvand.protocol.v1.Acknowledge;
import io.peyvand.protocol.v1.AuditEntries;
import io.peyvand.protocol.v1.BulkSubscribeRequest;
import io.peyvand.protocol.v1.CallAccepted;
import io.peyvand.protocol.v1.CallEvent;
import io.peyvand.protocol.v1.CallRequest;
import io.peyvand.protocol.v1.CallResult;
import io.peyvand.protocol.v1.CallState;
import io.peyvand.protocol.v1.ChangeMembersRequest;
import io.peyvand.protocol.v1.ClaimKeyPackagesRequest;
import io.peyvand.protocol.v1.ClaimKeyPackagesResult;
import io.peyvand.protocol.v1.ClientFrame;
import io.peyvand.protocol.v1.ConfigurePlatformRequest;
import io.peyvand.protocol.v1.ConsentState;
import io.peyvand.protocol.v1.ConsistencyProof;
import io.peyvand.protocol.v1.CreateGroupRequest;
import io.peyvand.protocol.v1.Delivery;
import io.peyvand.protocol.v1.Directory;
import io.peyvand.protocol.v1.DirectoryHandlerFactory;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.GetGroupRequest;
import io.peyvand.protocol.v1.GetKeyLogEntriesRequest;
import io.peyvand.protocol.v1.GetKeyLogHeadRequest;
import io.peyvand.protocol.v1.GetPlatformRequest;
import io.peyvand.protocol.v1.GroupAcknowledge;
import io.peyvand.protocol.v1.GroupAddress;
import io.peyvand.protocol.v1.GroupCallRequest;
import io.peyvand.protocol.v1.GroupDelivery;
import io.peyvand.protocol.v1.GroupInfo;
import io.peyvand.protocol.v1.Groups;
import io.peyvand.protocol.v1.GroupsHandlerFactory;
import io.peyvand.protocol.v1.Hello;
import io.peyvand.protocol.v1.HistoryPage;
import io.peyvand.protocol.v1.HistoryRequest;
import io.peyvand.protocol.v1.Interconnect;
import io.peyvand.protocol.v1.InterconnectHandlerFactory;
import io.peyvand.protocol.v1.JoinRequest;
import io.peyvand.protocol.v1.KeyPackageDirectory;
import io.peyvand.protocol.v1.KeyPackageDirectoryHandlerFactory;
import io.peyvand.protocol.v1.KeyPackageOutcome;
import io.peyvand.protocol.v1.KeyPackageResult;
import io.peyvand.protocol.v1.LeaveRequest;
import io.peyvand.protocol.v1.Limits;
import io.peyvand.protocol.v1.ListKeyPackagesRequest;
import io.peyvand.protocol.v1.ListKeyPackagesResult;
import io.peyvand.protocol.v1.LookupRequest;
import io.peyvand.protocol.v1.LookupResult;
import io.peyvand.protocol.v1.NumberMatch;
import io.peyvand.protocol.v1.PlatformInfo;
import io.peyvand.protocol.v1.Pong;
import io.peyvand.protocol.v1.ProveKeyLogConsistencyRequest;
import io.peyvand.protocol.v1.PublishKeyPackagesRequest;
import io.peyvand.protocol.v1.PublishKeyPackagesResult;
import io.peyvand.protocol.v1.PublishRequest;
import io.peyvand.protocol.v1.PublishResult;
import io.peyvand.protocol.v1.ReadReceipt;
import io.peyvand.protocol.v1.RelayCredentials;
import io.peyvand.protocol.v1.RemoveKeyPackagesRequest;
import io.peyvand.protocol.v1.RemoveKeyPackagesResult;
import io.peyvand.protocol.v1.ServerFrame;
import io.peyvand.protocol.v1.SetBlockedRequest;
import io.peyvand.protocol.v1.SetConsentRequest;
import io.peyvand.protocol.v1.SetTitleRequest;
import io.peyvand.protocol.v1.SignedTreeHead;
import io.peyvand.protocol.v1.Submit;
import io.peyvand.protocol.v1.SubmitRequest;
import io.peyvand.protocol.v1.SubmitResult;
import io.peyvand.protocol.v1.UserAddress;
import io.peyvand.protocol.v1.Welcome;
import io.peyvand.protocol.v1.WithdrawRequest;
import io.peyvand.protocol.v1.WithdrawResult;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.grpc.GrpcServiceException;
import org.apache.pekko.grpc.javadsl.MetadataBuilder;
import org.apache.pekko.grpc.javadsl.ServiceHandler;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A stand-in broker for tests: a real pekko-grpc server on a loopback port serving {@link
 * Interconnect}, {@link Groups}, {@link Directory} and {@link KeyPackageDirectory} with scripted
 * behaviour. It welcomes every Hello, answers each Submit as {@link #onSubmit} says (accept,
 * refuse, or drop the whole session), pushes the deliveries and group deliveries a test gives it to
 * the latest session, answers Ping, records every frame it received, and answers each Groups call
 * as {@link #onGroupCall} says (by default a GroupInfo naming the request's group) and each
 * Directory call as {@link #onDirectoryCall} says (by default {@link #directoryAnswer}) and each
 * KeyPackageDirectory call as {@link #onKeyPackageCall} says (by default {@link
 * #keyPackageAnswer}), recording the requests. Call requests (ClientFrame.call) are recorded and
 * answered as {@link #onCall} says (by default {@link #callAccepted}); call events a test gives it
 * are pushed to the latest session.
 */
public final class ScriptedBroker
    implements Interconnect,
        Groups,
        Directory,
        KeyPackageDirectory,
        AutoCloseable,
        BeforeAllCallback,
        BeforeEachCallback,
        AfterAllCallback {
  /**
   * Builds the answer to a Submit; null drops the session instead of answering, {@link #NO_ANSWER}
   * leaves it unanswered.
   */
  public interface SubmitScript extends Function<Submit, SubmitResult> {}

  public static final SubmitResult NO_ANSWER =
      SubmitResult.newBuilder().setMessageId("no answer").build();

  public final List<Hello> hellos = new CopyOnWriteArrayList<>();
  public final List<Submit> submits = new CopyOnWriteArrayList<>();
  public final List<Acknowledge> acks = new CopyOnWriteArrayList<>();
  public final List<GroupAcknowledge> groupAcks = new CopyOnWriteArrayList<>();

  /** The Groups requests received, in order. */
  public final List<Message> groupCalls = new CopyOnWriteArrayList<>();

  public final List<ReadReceipt> receipts = new CopyOnWriteArrayList<>();
  public final List<SubmitRequest> unarySubmits = new CopyOnWriteArrayList<>();
  public volatile SubmitScript onSubmit = submit -> accepted(submit, 1);
  public volatile Function<SubmitRequest, SubmitResult> onUnarySubmit = unaryAccepted(1, false);

  /**
   * Answers a Groups request (any of them); a failed stage is the call's gRPC error. By default a
   * GroupInfo of the request's group (a HistoryPage for History).
   */
  public volatile Function<Message, CompletionStage<? extends Message>> onGroupCall =
      ScriptedBroker::groupInfo;

  /** The Directory requests received, in order. */
  public final List<Message> directoryCalls = new CopyOnWriteArrayList<>();

  /**
   * Answers a Directory request (any of them); a failed stage is the call's gRPC error. By default
   * {@link #directoryAnswer}.
   */
  public volatile Function<Message, CompletionStage<? extends Message>> onDirectoryCall =
      ScriptedBroker::directoryAnswer;

  /** The KeyPackageDirectory requests received, in order. */
  public final List<Message> keyPackageCalls = new CopyOnWriteArrayList<>();

  /**
   * Answers a KeyPackageDirectory request (any of them); a failed stage is the call's gRPC error.
   * By default {@link #keyPackageAnswer}.
   */
  public volatile Function<Message, CompletionStage<? extends Message>> onKeyPackageCall =
      ScriptedBroker::keyPackageAnswer;

  /** The call requests received on sessions, in order. */
  public final List<CallRequest> calls = new CopyOnWriteArrayList<>();

  /**
   * Answers a call request; {@link #NO_CALL_RESULT} leaves it unanswered, null drops the session
   * instead. By default {@link #callAccepted}.
   */
  public volatile Function<CallRequest, CallResult> onCall = ScriptedBroker::callAccepted;

  public static final CallResult NO_CALL_RESULT =
      CallResult.newBuilder().setCorrelationId(-1).build();

  /** When the default answer to an invite says it rings until: 2023-11-14T22:14:20Z. */
  public static final long RINGING_UNTIL_MS = 1_700_000_060_000L;

  /** The relay credentials the default answers carry; nothing should ever print the password. */
  public static final RelayCredentials RELAY =
      RelayCredentials.newBuilder()
          .setUsername("1700007200:eitaa:alice")
          .setPassword("s3cret-relay-password")
          .addUris("turn:turn.example.ir:3478?transport=udp")
          .addUris("turns:turn.example.ir:5349")
          .setExpiresAtMs(1_700_007_200_000L)
          .build();

  /** Answer Hello with this SessionError instead of Welcome, when set. */
  public volatile Error refuseHello;

  private final String ownSystemName;
  private volatile ActorSystem system;
  private volatile ServerBinding binding;
  private volatile BoundedSourceQueue<ServerFrame> session;

  private ScriptedBroker(String ownSystemName) {
    this.ownSystemName = ownSystemName;
  }

  /** Starts one on a free loopback port; the actor system needs HTTP/2 enabled. */
  public static ScriptedBroker start(ActorSystem system) throws Exception {
    ScriptedBroker broker = new ScriptedBroker(null);
    broker.bind(system);
    return broker;
  }

  /**
   * One for a test class, as a JUnit extension on a field ({@code @RegisterExtension final
   * ScriptedBroker broker = ScriptedBroker.perClass("name")}, the class's lifecycle {@code
   * PER_CLASS}): before all tests it starts an actor system of that name with HTTP/2 and binds,
   * before each test it {@link #reset() resets}, after all it unbinds and ends the system.
   */
  public static ScriptedBroker perClass(String systemName) {
    return new ScriptedBroker(systemName);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    bind(
        ActorSystem.create(
            ownSystemName,
            ConfigFactory.parseString("pekko.http.server.preview.enable-http2 = on")
                .withFallback(ConfigFactory.load())));
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    reset();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    close();
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private void bind(ActorSystem on) throws Exception {
    this.system = on;
    this.binding =
        Http.get(on)
            .newServerAt("127.0.0.1", 0)
            .bind(
                ServiceHandler.concatOrNotFound(
                    InterconnectHandlerFactory.create(this, on),
                    GroupsHandlerFactory.create(this, on),
                    DirectoryHandlerFactory.create(this, on),
                    KeyPackageDirectoryHandlerFactory.create(this, on)))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  /** The actor system it serves on. */
  public ActorSystem system() {
    return system;
  }

  /**
   * A client of platform bale for this broker, on its actor system, with short reconnect backoffs
   * so that tests of reconnection stay quick.
   */
  public PeyvandClientBuilder client(String sessionName, DeliveryHandler handler) {
    return PeyvandClient.builder()
        .actorSystem(system)
        .broker("127.0.0.1", port())
        .platformId("bale")
        .sessionName(sessionName)
        .deliveryHandler(handler)
        .reconnectBackoff(new Backoff(Duration.ofMillis(20), Duration.ofMillis(200), 0));
  }

  public int port() {
    return binding.localAddress().getPort();
  }

  /** Forgets every recorded frame and restores the default script. */
  public void reset() {
    hellos.clear();
    submits.clear();
    acks.clear();
    groupAcks.clear();
    groupCalls.clear();
    onGroupCall = ScriptedBroker::groupInfo;
    directoryCalls.clear();
    onDirectoryCall = ScriptedBroker::directoryAnswer;
    keyPackageCalls.clear();
    onKeyPackageCall = ScriptedBroker::keyPackageAnswer;
    receipts.clear();
    unarySubmits.clear();
    onSubmit = submit -> accepted(submit, 1);
    calls.clear();
    onCall = ScriptedBroker::callAccepted;
    refuseHello = null;
  }

  /**
   * The default answer to a call request: accepted, in the state the action leads to (an invite
   * RINGING until {@link #RINGING_UNTIL_MS} with {@link #RELAY}, an answer ANSWERED with {@link
   * #RELAY}, a reject or hangup ENDED_STATE, anything else ANSWERED).
   */
  public static CallResult callAccepted(CallRequest request) {
    CallAccepted.Builder accepted = CallAccepted.newBuilder();
    switch (request.getActionCase()) {
      case INVITE ->
          accepted.setState(CallState.RINGING).setRingingUntilMs(RINGING_UNTIL_MS).setRelay(RELAY);
      case RINGING -> accepted.setState(CallState.RINGING).setRingingUntilMs(RINGING_UNTIL_MS);
      case ANSWER -> accepted.setState(CallState.ANSWERED).setRelay(RELAY);
      case REJECT, HANGUP -> accepted.setState(CallState.ENDED_STATE);
      default -> accepted.setState(CallState.ANSWERED);
    }
    return CallResult.newBuilder()
        .setCorrelationId(request.getCorrelationId())
        .setCall(request.getCall())
        .setAccepted(accepted)
        .build();
  }

  /** A refusal of a call request with {@code code}. */
  public static CallResult callRefused(CallRequest request, ErrorCode code, String message) {
    return CallResult.newBuilder()
        .setCorrelationId(request.getCorrelationId())
        .setCall(request.getCall())
        .setRefused(Error.newBuilder().setCode(code).setMessage(message))
        .build();
  }

  /** Pushes a call event on the latest session. */
  public void push(CallEvent event) {
    push(ServerFrame.newBuilder().setCallEvent(event).build());
  }

  /** Pushes a call result on the latest session (for requests left unanswered by the script). */
  public void push(CallResult result) {
    push(ServerFrame.newBuilder().setCallResult(result).build());
  }

  /**
   * Pushes a key-package result on the latest session: a frame kind the SDK does not ask for on a
   * session (it calls the directory unary).
   */
  public void push(KeyPackageResult result) {
    push(ServerFrame.newBuilder().setKeysResult(result).build());
  }

  private void push(ServerFrame frame) {
    if (!session.offer(frame).isEnqueued()) {
      throw new IllegalStateException("no session to push to");
    }
  }

  public static SubmitResult accepted(Submit submit, long sequence) {
    return SubmitResult.newBuilder()
        .setCorrelationId(submit.getCorrelationId())
        .setMessageId(submit.getEnvelope().getMessageId())
        .setAccepted(Accepted.newBuilder().setSequence(sequence).setAcceptedAtMs(1))
        .build();
  }

  /**
   * Answers a unary submit accepted at {@code sequence}, or (with {@code duplicate}) accepted
   * before at {@code sequence}.
   */
  public static Function<SubmitRequest, SubmitResult> unaryAccepted(
      long sequence, boolean duplicate) {
    return request -> {
      SubmitResult.Builder result =
          SubmitResult.newBuilder().setMessageId(request.getEnvelope().getMessageId());
      Accepted.Builder accepted = Accepted.newBuilder().setSequence(sequence);
      return (duplicate ? result.setDuplicate(accepted) : result.setAccepted(accepted)).build();
    };
  }

  public static SubmitResult refused(Submit submit, ErrorCode code, long retryAfterMs) {
    return SubmitResult.newBuilder()
        .setCorrelationId(submit.getCorrelationId())
        .setMessageId(submit.getEnvelope().getMessageId())
        .setRefused(
            Error.newBuilder()
                .setCode(code)
                .setMessage("scripted " + code)
                .setRetryAfterMs(retryAfterMs))
        .build();
  }

  public static Delivery message(
      UserAddress mailbox, long sequence, boolean redelivery, String text) {
    return Delivery.newBuilder()
        .setMailbox(mailbox)
        .setSequence(sequence)
        .setRedelivery(redelivery)
        .setAcceptedAtMs(1)
        .setMessage(
            io.peyvand.protocol.v1.Envelope.newBuilder()
                .setMessageId("m-" + sequence)
                .setSender(UserAddresses.parse("eitaa:alice"))
                .setRecipient(mailbox)
                .setText(io.peyvand.protocol.v1.Text.newBuilder().setBody(text)))
        .build();
  }

  /** The text "salam" from {@code sender} to {@code recipient}, as an adapter submits it. */
  public static io.peyvand.protocol.v1.Envelope salam(
      String messageId, UserAddress sender, UserAddress recipient) {
    return io.peyvand.protocol.v1.Envelope.newBuilder()
        .setMessageId(messageId)
        .setSender(sender)
        .setRecipient(recipient)
        .setClientTimestampMs(System.currentTimeMillis())
        .setText(io.peyvand.protocol.v1.Text.newBuilder().setBody("salam"))
        .build();
  }

  /** A loopback port nothing listens on (one just freed): a broker there cannot be reached. */
  public static int closedPort() throws java.io.IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** A status of {@code messageId} at {@code recipient}, as {@code mailbox}'s delivery. */
  public static Delivery.Builder status(
      UserAddress mailbox,
      long sequence,
      String messageId,
      UserAddress recipient,
      io.peyvand.protocol.v1.MessageStatus.Kind kind) {
    return Delivery.newBuilder()
        .setMailbox(mailbox)
        .setSequence(sequence)
        .setStatus(
            io.peyvand.protocol.v1.MessageStatus.newBuilder()
                .setMessageId(messageId)
                .setRecipient(recipient)
                .setKind(kind));
  }

  /** Pushes a delivery on the latest session. */
  public void push(Delivery delivery) {
    if (!session.offer(ServerFrame.newBuilder().setDelivery(delivery).build()).isEnqueued()) {
      throw new IllegalStateException("no session to push to");
    }
  }

  /** Pushes a group delivery on the latest session. */
  public void push(GroupDelivery delivery) {
    if (!session.offer(ServerFrame.newBuilder().setGroupDelivery(delivery).build()).isEnqueued()) {
      throw new IllegalStateException("no session to push to");
    }
  }

  /** A post of {@code eitaa:alice} to {@code group}, as the broker pushes it. */
  public static GroupDelivery post(
      GroupAddress group, long sequence, boolean redelivery, String text) {
    return GroupDelivery.newBuilder()
        .setGroup(group)
        .setSequence(sequence)
        .setRedelivery(redelivery)
        .setAcceptedAtMs(1)
        .setPost(
            io.peyvand.protocol.v1.Envelope.newBuilder()
                .setMessageId("p-" + sequence)
                .setSender(UserAddresses.parse("eitaa:alice"))
                .setGroup(group)
                .setText(io.peyvand.protocol.v1.Text.newBuilder().setBody(text)))
        .build();
  }

  /** Answers every unary call with {@link #callRefusal}. */
  public static Function<Message, CompletionStage<? extends Message>> refusing(
      ErrorCode code, String message, long retryAfterMs) {
    return request -> callRefusal(code, message, retryAfterMs);
  }

  /** A refusal of a Groups call as the broker's gRPC edge makes it: "CODE: message". */
  public static <T> CompletionStage<T> groupRefusal(ErrorCode code, String message) {
    return callRefusal(code, message, 0);
  }

  /**
   * A refusal of a unary call as the broker's gRPC edge makes it: "CODE: message", and a positive
   * {@code retryAfterMs} in the trailer peyvand-retry-after-ms.
   */
  public static <T> CompletionStage<T> callRefusal(
      ErrorCode code, String message, long retryAfterMs) {
    io.grpc.Status status =
        io.grpc.Status.fromCode(io.peyvand.protocol.ErrorCodes.grpcStatus(code))
            .withDescription(code + ": " + message);
    return CompletableFuture.failedFuture(
        retryAfterMs <= 0
            ? new GrpcServiceException(status)
            : new GrpcServiceException(
                status,
                new MetadataBuilder()
                    .addText("peyvand-retry-after-ms", Long.toString(retryAfterMs))
                    .build()));
  }

  /** bale:ali publishing the first of {@link #SAMPLE_NUMBERS} as their preferred number. */
  public static final PublishRequest SAMPLE_PUBLISH =
      PublishRequest.newBuilder()
          .setUser(UserAddresses.parse("bale:ali"))
          .setPhoneNumber("0912 345 6789")
          .setPreferred(true)
          .build();

  /** A sample contact book to look up; {@link #SAMPLE_MATCHES} is its answer. */
  public static final List<String> SAMPLE_NUMBERS = List.of("0912 345 6789", "+989121112233", "12");

  /**
   * The answer to a lookup of {@link #SAMPLE_NUMBERS}: two users of other platforms for the first
   * number (the preferred one first), nobody for the second, the third unreadable.
   */
  public static final LookupResult SAMPLE_MATCHES =
      LookupResult.newBuilder()
          .addMatches(
              NumberMatch.newBuilder()
                  .setPhoneNumber("0912 345 6789")
                  .addUsers(UserAddresses.parse("rubika:reza"))
                  .addUsers(UserAddresses.parse("soroush:nima")))
          .addMatches(NumberMatch.newBuilder().setPhoneNumber("+989121112233"))
          .addMatches(NumberMatch.newBuilder().setPhoneNumber("12").setInvalid("too short"))
          .build();

  /**
   * The default answer to a Directory request: a publish echoed (its number as given), a withdraw
   * of 1 entry, and a lookup that finds nobody for any number.
   */
  public static CompletionStage<? extends Message> directoryAnswer(Message request) {
    Message answer;
    if (request instanceof PublishRequest publish) {
      answer =
          PublishResult.newBuilder()
              .setUser(publish.getUser())
              .setPhoneNumber(publish.getPhoneNumber())
              .build();
    } else if (request instanceof WithdrawRequest withdraw) {
      answer = WithdrawResult.newBuilder().setUser(withdraw.getUser()).setWithdrawn(1).build();
    } else {
      LookupResult.Builder found = LookupResult.newBuilder();
      for (String number : ((LookupRequest) request).getPhoneNumbersList()) {
        found.addMatches(NumberMatch.newBuilder().setPhoneNumber(number));
      }
      answer = found.build();
    }
    return CompletableFuture.completedFuture(answer);
  }

  /**
   * The default answer to a KeyPackageDirectory request: each KeyPackage of a publish stored (its
   * reference the SHA-256 of its bytes, suite 1, log index its position), a claim of {@link
   * KeyPackageSamples#claim}, nothing listed, and a remove of as many as named (1 for all).
   */
  public static CompletionStage<? extends Message> keyPackageAnswer(Message request) {
    Message answer;
    if (request instanceof PublishKeyPackagesRequest publish) {
      PublishKeyPackagesResult.Builder result = PublishKeyPackagesResult.newBuilder();
      for (int i = 0; i < publish.getKeyPackagesCount(); i++) {
        result.addOutcomes(
            KeyPackageOutcome.newBuilder()
                .setStored(
                    KeyPackageSamples.info(0).toBuilder()
                        .setReference(
                            ByteString.copyFrom(
                                KeyPackageSamples.sha256(publish.getKeyPackages(i).toByteArray())))
                        .setLogIndex(i)));
      }
      answer = result.build();
    } else if (request instanceof ClaimKeyPackagesRequest) {
      answer = KeyPackageSamples.claim();
    } else if (request instanceof RemoveKeyPackagesRequest remove) {
      answer =
          RemoveKeyPackagesResult.newBuilder()
              .setRemoved(Math.max(1, remove.getReferencesCount()))
              .build();
    } else if (request instanceof GetKeyLogHeadRequest) {
      answer = KeyPackageSamples.head(KeyPackageSamples.root());
    } else if (request instanceof GetKeyLogEntriesRequest get) {
      // bale's key log of the samples, as stored: entries from start, at most count.
      List<byte[]> entries = KeyPackageSamples.entries();
      AuditEntries.Builder page =
          AuditEntries.newBuilder().setStart(get.getStart()).setTreeSize(entries.size());
      for (long i = get.getStart();
          i < Math.min(entries.size(), get.getStart() + get.getCount());
          i++) {
        page.addLeaves(ByteString.copyFrom(entries.get((int) i)));
      }
      answer = page.build();
    } else if (request instanceof ProveKeyLogConsistencyRequest prove) {
      List<byte[]> hashes = KeyPackageSamples.entries().stream().map(MerkleTree::leafHash).toList();
      int second = prove.getSecondSize() == 0 ? hashes.size() : (int) prove.getSecondSize();
      ConsistencyProof.Builder proof =
          ConsistencyProof.newBuilder().setFirstSize(prove.getFirstSize()).setSecondSize(second);
      MerkleTree.consistencyProof(hashes, (int) prove.getFirstSize(), second)
          .forEach(node -> proof.addPath(ByteString.copyFrom(node)));
      answer = proof.build();
    } else {
      answer = ListKeyPackagesResult.getDefaultInstance();
    }
    return CompletableFuture.completedFuture(answer);
  }

  /** The default answer to a Groups request: its group, with a title; an empty page for History. */
  public static CompletionStage<? extends Message> groupInfo(Message request) {
    if (request instanceof HistoryRequest) {
      return CompletableFuture.completedFuture(HistoryPage.getDefaultInstance());
    }
    GroupAddress group =
        (GroupAddress) request.getField(request.getDescriptorForType().findFieldByName("group"));
    return CompletableFuture.completedFuture(
        GroupInfo.newBuilder().setGroup(group).setTitle("scripted").setLastSequence(1).build());
  }

  /** Fails the latest session, as a broker node going away would. */
  public void dropSession() {
    session.fail(new IllegalStateException("session dropped by the test"));
  }

  /** Group acknowledgements received for a group, in order. */
  public List<Long> acksOf(GroupAddress group) {
    return groupAcks.stream()
        .filter(a -> a.getGroup().equals(group))
        .map(GroupAcknowledge::getUpToSequence)
        .toList();
  }

  /** Acknowledgements received for a mailbox, in order. */
  public List<Long> acksOf(UserAddress mailbox) {
    return acks.stream()
        .filter(a -> a.getMailbox().equals(mailbox))
        .map(Acknowledge::getUpToSequence)
        .toList();
  }

  @Override
  public Source<ServerFrame, NotUsed> connect(Source<ClientFrame, NotUsed> in) {
    Pair<BoundedSourceQueue<ServerFrame>, Source<ServerFrame, NotUsed>> out =
        Source.<ServerFrame>queue(256).preMaterialize(system);
    BoundedSourceQueue<ServerFrame> queue = out.first();
    in.runForeach(frame -> onFrame(queue, frame), system)
        .whenComplete((done, failure) -> queue.complete());
    return out.second();
  }

  private void onFrame(BoundedSourceQueue<ServerFrame> queue, ClientFrame frame) {
    switch (frame.getFrameCase()) {
      case HELLO -> {
        hellos.add(frame.getHello());
        if (refuseHello != null) {
          queue.offer(
              ServerFrame.newBuilder()
                  .setError(
                      io.peyvand.protocol.v1.SessionError.newBuilder()
                          .setError(refuseHello)
                          .setClosing(true))
                  .build());
          queue.complete();
          return;
        }
        session = queue;
        queue.offer(
            ServerFrame.newBuilder()
                .setWelcome(
                    Welcome.newBuilder()
                        .setProtocolVersion(1)
                        .setSessionId("session-" + hellos.size())
                        .setLimits(
                            Limits.newBuilder().setDeliveryWindow(100).setRedeliveryAfterMs(1000)))
                .build());
      }
      case SUBMIT -> {
        submits.add(frame.getSubmit());
        SubmitResult result = onSubmit.apply(frame.getSubmit());
        if (result == null) {
          queue.fail(new IllegalStateException("session dropped by the script"));
        } else if (result != NO_ANSWER) {
          queue.offer(ServerFrame.newBuilder().setSubmitResult(result).build());
        }
      }
      case CALL -> {
        // Recorded once answered: a test that saw the request and pushes events after it knows
        // they follow the result on the stream.
        CallResult result = onCall.apply(frame.getCall());
        if (result == null) {
          calls.add(frame.getCall());
          queue.fail(new IllegalStateException("session dropped by the script"));
          return;
        }
        if (result != NO_CALL_RESULT) {
          queue.offer(ServerFrame.newBuilder().setCallResult(result).build());
        }
        calls.add(frame.getCall());
      }
      case ACKNOWLEDGE -> acks.add(frame.getAcknowledge());
      case GROUP_ACKNOWLEDGE -> groupAcks.add(frame.getGroupAcknowledge());
      case READ_RECEIPT -> receipts.add(frame.getReadReceipt());
      case PING ->
          queue.offer(
              ServerFrame.newBuilder()
                  .setPong(Pong.newBuilder().setNonce(frame.getPing().getNonce()))
                  .build());
      default -> {}
    }
  }

  @Override
  public CompletionStage<SubmitResult> submit(SubmitRequest request) {
    unarySubmits.add(request);
    return CompletableFuture.completedFuture(onUnarySubmit.apply(request));
  }

  @Override
  public CompletionStage<ConsentState> setConsent(SetConsentRequest in) {
    return unimplemented();
  }

  @Override
  public CompletionStage<ConsentState> setBlocked(SetBlockedRequest in) {
    return unimplemented();
  }

  @Override
  public CompletionStage<PlatformInfo> configurePlatform(ConfigurePlatformRequest in) {
    return unimplemented();
  }

  @Override
  public CompletionStage<PlatformInfo> getPlatform(GetPlatformRequest in) {
    return unimplemented();
  }

  @Override
  public CompletionStage<GroupInfo> createGroup(CreateGroupRequest in) {
    return groupCall(in);
  }

  @Override
  public CompletionStage<GroupInfo> changeMembers(ChangeMembersRequest in) {
    return groupCall(in);
  }

  @Override
  public CompletionStage<GroupInfo> join(JoinRequest in) {
    return groupCall(in);
  }

  @Override
  public CompletionStage<GroupInfo> leave(LeaveRequest in) {
    return groupCall(in);
  }

  @Override
  public CompletionStage<GroupInfo> bulkSubscribe(BulkSubscribeRequest in) {
    return groupCall(in);
  }

  @Override
  public CompletionStage<GroupInfo> setTitle(SetTitleRequest in) {
    return groupCall(in);
  }

  @Override
  public CompletionStage<GroupInfo> getGroup(GetGroupRequest in) {
    return groupCall(in);
  }

  @Override
  public CompletionStage<GroupInfo> changeCall(GroupCallRequest in) {
    return groupCall(in);
  }

  @Override
  public CompletionStage<HistoryPage> history(HistoryRequest in) {
    return groupCall(in);
  }

  @SuppressWarnings("unchecked")
  private <T> CompletionStage<T> groupCall(Message request) {
    groupCalls.add(request);
    return (CompletionStage<T>) onGroupCall.apply(request);
  }

  @Override
  public CompletionStage<PublishResult> publish(PublishRequest in) {
    return directoryCall(in);
  }

  @Override
  public CompletionStage<WithdrawResult> withdraw(WithdrawRequest in) {
    return directoryCall(in);
  }

  @Override
  public CompletionStage<LookupResult> lookup(LookupRequest in) {
    return directoryCall(in);
  }

  @SuppressWarnings("unchecked")
  private <T> CompletionStage<T> directoryCall(Message request) {
    directoryCalls.add(request);
    return (CompletionStage<T>) onDirectoryCall.apply(request);
  }

  @Override
  public CompletionStage<PublishKeyPackagesResult> publish(PublishKeyPackagesRequest in) {
    return keyPackageCall(in);
  }

  @Override
  public CompletionStage<ClaimKeyPackagesResult> claim(ClaimKeyPackagesRequest in) {
    return keyPackageCall(in);
  }

  @Override
  public CompletionStage<ListKeyPackagesResult> list(ListKeyPackagesRequest in) {
    return keyPackageCall(in);
  }

  @Override
  public CompletionStage<RemoveKeyPackagesResult> remove(RemoveKeyPackagesRequest in) {
    return keyPackageCall(in);
  }

  @Override
  public CompletionStage<SignedTreeHead> getKeyLogHead(GetKeyLogHeadRequest in) {
    return keyPackageCall(in);
  }

  @Override
  public CompletionStage<AuditEntries> getKeyLogEntries(GetKeyLogEntriesRequest in) {
    return keyPackageCall(in);
  }

  @Override
  public CompletionStage<ConsistencyProof> proveKeyLogConsistency(
      ProveKeyLogConsistencyRequest in) {
    return keyPackageCall(in);
  }

  @SuppressWarnings("unchecked")
  private <T> CompletionStage<T> keyPackageCall(Message request) {
    keyPackageCalls.add(request);
    return (CompletionStage<T>) onKeyPackageCall.apply(request);
  }

  /** A call failed as by a broker that does not serve the service (UNIMPLEMENTED). */
  public static <T> CompletionStage<T> unimplemented() {
    return CompletableFuture.failedFuture(new GrpcServiceException(io.grpc.Status.UNIMPLEMENTED));
  }

  @Override
  public void close() throws Exception {
    binding.unbind().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }
}
