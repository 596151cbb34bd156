package io.peyvand.protocol.sdk;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.peyvand.protocol.CallRequestValidator;
import io.peyvand.protocol.ErrorCodes;
import io.peyvand.protocol.v1.BulkSubscribeRequest;
import io.peyvand.protocol.v1.CallRequest;
import io.peyvand.protocol.v1.CallResult;
import io.peyvand.protocol.v1.Capabilities;
import io.peyvand.protocol.v1.ChangeMembersRequest;
import io.peyvand.protocol.v1.ConfigurePlatformRequest;
import io.peyvand.protocol.v1.CreateGroupRequest;
import io.peyvand.protocol.v1.Envelope;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.GetGroupRequest;
import io.peyvand.protocol.v1.GetPlatformRequest;
import io.peyvand.protocol.v1.GroupAddress;
import io.peyvand.protocol.v1.GroupCallChange;
import io.peyvand.protocol.v1.GroupCallRequest;
import io.peyvand.protocol.v1.GroupInfo;
import io.peyvand.protocol.v1.HistoryPage;
import io.peyvand.protocol.v1.HistoryRequest;
import io.peyvand.protocol.v1.JoinRequest;
import io.peyvand.protocol.v1.LeaveRequest;
import io.peyvand.protocol.v1.LookupRequest;
import io.peyvand.protocol.v1.LookupResult;
import io.peyvand.protocol.v1.PlatformInfo;
import io.peyvand.protocol.v1.PublishRequest;
import io.peyvand.protocol.v1.PublishResult;
import io.peyvand.protocol.v1.SetTitleRequest;
import io.peyvand.protocol.v1.UserAddress;
import io.peyvand.protocol.v1.Welcome;
import io.peyvand.protocol.v1.WithdrawRequest;
import io.peyvand.protocol.v1.WithdrawResult;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.grpc.GrpcClientSettings;

/**
 * A platform adapter's connection to the Peyvand broker: one session (the gRPC Connect stream) that
 * the client keeps open, reconnecting with backoff, over which it submits envelopes and receives,
 * deduplicates and acknowledges deliveries (of mailboxes and of groups). The group operations
 * (createGroup, changeMembers, join, ...) are unary calls of the Groups service over the same
 * HTTP/2 connection, checked before they are sent; so are the directory calls (publish, withdraw,
 * lookup) of the Directory service, and the MLS key-package calls ({@link #keyPackages()}). Calls
 * between platforms (calls.proto) go on the session: {@link #call} sends a step of a call, and a
 * {@link CallHandler} takes the events the broker pushes. Thread-safe. See SDK.md for a complete
 * example.
 *
 * <p>Given several nodes of a broker cluster ({@link PeyvandClientBuilder#brokers}), the session is
 * with one of them and moves to the next when that one goes away (see {@link SessionKeeper});
 * submits, acknowledgements and group calls follow the session, and submits left unanswered are
 * sent again, with the same message_id, to the node the session moved to.
 *
 * <pre>{@code
 * PeyvandClient client = PeyvandClient.builder()
 *     .platformId("bale")
 *     .deliveryHandler(delivery -> store(delivery))   // a CompletionStage<Void>
 *     .build();
 * client.connect().toCompletableFuture().join();
 * client.submit(envelope).thenAccept(outcome -> ...);
 * }</pre>
 */
public final class PeyvandClient implements AutoCloseable {
  /** The most phone numbers one {@link #lookup} takes (directory.proto). */
  public static final int MAX_LOOKUP_NUMBERS = 1000;

  private final ClientSettings settings;
  private final ActorSystem system;
  private final boolean ownsSystem;
  private final BrokerChannels channels;
  private final ClientEngine engine;
  private final GroupCalls groups;
  private final DirectoryCalls directory;
  private final KeyPackageCalls keyPackages;
  private final AtomicBoolean closed = new AtomicBoolean();

  PeyvandClient(
      ClientSettings settings,
      DeliveryHandler handler,
      CallHandler callHandler,
      SessionListener listener,
      ClassicActorSystemProvider system,
      Config config,
      Optional<SSLContext> tls,
      UnaryOperator<GrpcClientSettings> grpcSettings) {
    this.settings = settings;
    this.ownsSystem = system == null;
    this.system =
        ownsSystem ? SdkActorSystem.create("peyvand-sdk", config) : system.classicSystem();
    this.channels = new BrokerChannels(settings, this.system, tls, grpcSettings);
    this.engine =
        new ClientEngine(
            settings, this.system, channels::interconnect, handler, callHandler, listener);
    this.groups = new GroupCalls(unaryCalls(channels::groups));
    this.directory = new DirectoryCalls(unaryCalls(channels::directory));
    this.keyPackages = new KeyPackageCalls(unaryCalls(channels::keyPackages));
  }

  /**
   * The unary calls of a service, with {@code clients} giving its client per node: to the session's
   * node, UNAVAILABLE retried on the next per submit-retry.
   */
  private <S> UnaryCalls<S> unaryCalls(IntFunction<S> clients) {
    return new UnaryCalls<>(
        settings.platformId(),
        settings.brokers().size(),
        engine::brokerIndex,
        clients,
        settings.submitRetry(),
        (delay, retry) ->
            this.system.scheduler().scheduleOnce(delay, retry, this.system.dispatcher()));
  }

  /** A builder with the defaults of {@code peyvand.sdk} in the application's configuration. */
  public static PeyvandClientBuilder builder() {
    return builder(ConfigFactory.load());
  }

  /** A builder with the defaults of {@code peyvand.sdk} in {@code config}. */
  public static PeyvandClientBuilder builder(Config config) {
    return new PeyvandClientBuilder(config);
  }

  /**
   * Opens the session and keeps it open from now on; completes with the broker's first Welcome, or
   * fails if the broker refuses the session (a {@link SessionRefusedException}) or the client is
   * closed first. While the broker cannot be reached it keeps trying; bound the wait yourself, e.g.
   * {@code connect().toCompletableFuture().get(10, SECONDS)}. Calling it again returns the same.
   */
  public CompletionStage<Welcome> connect() {
    return engine.connect();
  }

  /**
   * Submits an envelope; completes with the broker's final answer. It is sent as soon as a session
   * is open, and sent again, with the same message_id, after a retryable refusal or when the
   * session is lost before the answer, per the retry policy; the broker answers a repeat of an
   * accepted envelope "duplicate" with the original sequence. Fails with {@link
   * NotAnsweredException} if no final answer came (attempts used up on lost sessions,
   * submit-timeout, close), with {@link BackpressureException} at once if max-pending-submits are
   * waiting. The envelope needs a message_id, unique per sender: it is the idempotency key. A post
   * to a group or channel is an envelope with group set instead of recipient; its accepted sequence
   * is the post's in the group's log.
   */
  public CompletionStage<SubmitOutcome> submit(Envelope envelope) {
    if (envelope.getMessageId().isEmpty()) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException(
              "the envelope needs a message_id: it is what makes resubmitting safe"));
    }
    if (closed.get()) {
      return CompletableFuture.failedFuture(new IllegalStateException("the client is closed"));
    }
    return engine.submit(envelope);
  }

  /**
   * Sends one step of a call for this platform's side (calls.proto: invite, ringing, answer,
   * candidates, reject, hangup, negotiate, resume; {@link CallRequests} builds them) on the open
   * session, with a correlation id of the SDK's own in place of the request's, and completes with
   * the broker's CallResult for it: {@code accepted} (the call's state, ringing_until_ms, relay
   * credentials, how it ended) or {@code refused} with the protocol's error (UNKNOWN_CALL,
   * CALL_ALREADY_ANSWERED, RECIPIENT_NOT_ACCEPTING, CAPABILITY_NOT_SUPPORTED, RATE_LIMITED...).
   * Like a submit's Refused outcome, a refusal by the broker completes the stage: check {@code
   * hasRefused()}.
   *
   * <p>The stage fails, with nothing sent, with a local {@link CallRefusedException} when the
   * request breaks a rule of calls.proto ({@link CallRequestValidator}) or invites as a caller of
   * another platform (NOT_PERMITTED); with {@link NotAnsweredException} when no session is open;
   * with {@link BackpressureException} when max-pending-submits requests already wait or the
   * outgoing queue is full. It fails with {@link NotAnsweredException} when the session ends before
   * the answer, when no answer came within call-timeout, or when the client is closed: the broker
   * may have acted on it. A request is sent once and never again by the SDK; after a reconnection,
   * send {@code resume} for each call still going on to take it over on the new session. The events
   * of the call (the other side's steps) go to the {@link CallHandler}.
   */
  public CompletionStage<CallResult> call(CallRequest request) {
    Optional<Error> problem =
        CallRequestValidator.validate(request)
            .or(
                () ->
                    request.hasInvite()
                            && !request
                                .getCall()
                                .getCaller()
                                .getPlatformId()
                                .equals(settings.platformId())
                        ? Optional.of(
                            ErrorCodes.error(
                                ErrorCode.NOT_PERMITTED,
                                "call.caller.platform_id is \""
                                    + request.getCall().getCaller().getPlatformId()
                                    + "\" but this client acts for \""
                                    + settings.platformId()
                                    + "\": a platform places calls for its own users only"))
                        : Optional.empty());
    if (problem.isPresent()) {
      return CompletableFuture.failedFuture(new CallRefusedException(problem.get(), true, null));
    }
    if (closed.get()) {
      return CompletableFuture.failedFuture(new IllegalStateException("the client is closed"));
    }
    return engine.call(request);
  }

  /**
   * Acknowledges every item of {@code mailbox} up to {@code upToSequence}: the broker will not send
   * them again. Sent with the next batch. Only with automatic acknowledgement off.
   */
  public void acknowledge(UserAddress mailbox, long upToSequence) {
    requireManualAcknowledgement();
    engine.acknowledge(mailbox, upToSequence);
  }

  /**
   * Reports that {@code reader} (a user of this platform) read their mailbox up to {@code
   * upToSequence}; their senders' platforms receive READ statuses. Cumulative: sent with the next
   * batch, only the highest per reader, and kept across reconnections until written.
   */
  public void readReceipt(UserAddress reader, long upToSequence) {
    engine.readReceipt(reader, upToSequence);
  }

  /**
   * Acknowledges every item of {@code group} up to {@code upToSequence} for this platform
   * (GroupAcknowledge): the broker will not send them again. Sent with the next batch. Only with
   * automatic acknowledgement off.
   */
  public void acknowledge(GroupAddress group, long upToSequence) {
    requireManualAcknowledgement();
    engine.acknowledge(group, upToSequence);
  }

  /**
   * Acknowledges every status of {@code recipient}'s status stream up to {@code upToSequence}
   * (StatusAcknowledge; statuses by recipient): the broker will not send them again. Sent with the
   * next batch. Only with automatic acknowledgement off.
   */
  public void acknowledgeStatuses(UserAddress recipient, long upToSequence) {
    requireManualAcknowledgement();
    engine.acknowledgeStatuses(recipient, upToSequence);
  }

  /** Refuses an acknowledgement by hand while the client acknowledges automatically. */
  private void requireManualAcknowledgement() {
    if (settings.autoAcknowledge()) {
      throw new IllegalStateException(
          "deliveries are acknowledged automatically; build the client"
              + " with autoAcknowledge(false) to acknowledge them yourself");
    }
  }

  /**
   * This platform as the broker knows it (GetPlatform): capabilities, default opt-in and the limits
   * in force. Fails after call-timeout without an answer.
   */
  public CompletionStage<PlatformInfo> platformInfo() {
    return channels
        .interconnect(engine.brokerIndex())
        .getPlatform(GetPlatformRequest.newBuilder().setPlatformId(settings.platformId()).build())
        .toCompletableFuture()
        .orTimeout(settings.callTimeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Declares what this platform honours and whether its users who never chose accept cross-platform
   * messages (ConfigurePlatform); answers the platform as the broker now knows it. Capabilities are
   * replaced as a whole: to change one, start from {@link #platformInfo()}'s.
   */
  public CompletionStage<PlatformInfo> configurePlatform(
      Capabilities capabilities, boolean defaultOptedIn) {
    return channels
        .interconnect(engine.brokerIndex())
        .configurePlatform(
            ConfigurePlatformRequest.newBuilder()
                .setPlatformId(settings.platformId())
                .setCapabilities(capabilities)
                .setDefaultOptedIn(defaultOptedIn)
                .build())
        .toCompletableFuture()
        .orTimeout(settings.callTimeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  // The group operations. Each is checked before it is sent (GroupRequestValidator, and that the
  // acting user is of this platform): a request that breaks a rule fails with a local
  // CallRefusedException and is not sent. A refusal by the broker fails with CallRefusedException
  // carrying its code; no answer within call-timeout fails with a StatusRuntimeException
  // (DEADLINE_EXCEEDED, UNAVAILABLE). A call goes to the node the session is on; one that fails
  // UNAVAILABLE is sent again to the next node per submit-retry, nothing else is retried. Posts
  // are envelopes with group set, sent with submit like any message; they need no session of
  // their own.

  /**
   * Creates a group or channel at the actor's platform, the actor its owner; answers what it is.
   * Idempotent for the same creator and kind; GROUP_EXISTS when someone else made it.
   */
  public CompletionStage<GroupInfo> createGroup(CreateGroupRequest request) {
    return groups.createGroup(request);
  }

  /** Adds, removes, promotes, demotes, mutes or unmutes members (1-1,000 changes, atomically). */
  public CompletionStage<GroupInfo> changeMembers(ChangeMembersRequest request) {
    return groups.changeMembers(request);
  }

  /** A user of this platform joins an open group, or subscribes to a channel. */
  public CompletionStage<GroupInfo> join(GroupAddress group, UserAddress user) {
    return groups.join(JoinRequest.newBuilder().setGroup(group).setUser(user).build());
  }

  /** A user of this platform leaves a group, or unsubscribes from a channel. */
  public CompletionStage<GroupInfo> leave(GroupAddress group, UserAddress user) {
    return groups.leave(LeaveRequest.newBuilder().setGroup(group).setUser(user).build());
  }

  /** Subscribes 1-10,000 users of this platform to a channel at once. */
  public CompletionStage<GroupInfo> bulkSubscribe(BulkSubscribeRequest request) {
    return groups.bulkSubscribe(request);
  }

  /** Renames a group (its owner and admins). */
  public CompletionStage<GroupInfo> setTitle(GroupAddress group, UserAddress actor, String title) {
    return groups.setTitle(
        SetTitleRequest.newBuilder().setGroup(group).setActor(actor).setTitle(title).build());
  }

  /**
   * A member of this platform joins, leaves, mutes or unmutes themself in the group's call {@code
   * callId} (PROTOCOL.md §16.9): an item every platform with members receives as a GroupDelivery.
   */
  public CompletionStage<GroupInfo> changeGroupCall(
      GroupAddress group, UserAddress member, String callId, GroupCallChange.Action action) {
    return groups.changeCall(
        GroupCallRequest.newBuilder()
            .setGroup(group)
            .setUser(member)
            .setCallId(callId)
            .setAction(action)
            .build());
  }

  /** What a group is: kind, title, owner, members per platform, its latest sequence. */
  public CompletionStage<GroupInfo> getGroup(GroupAddress group) {
    return groups.getGroup(GetGroupRequest.newBuilder().setGroup(group).build());
  }

  /**
   * A page of the group's log for a member, newest first, ending before {@code
   * request.before_sequence} (0: the latest); pass the page's next_before_sequence for the next,
   * older page.
   */
  public CompletionStage<HistoryPage> history(HistoryRequest request) {
    return groups.history(request);
  }

  // The directory (finding contacts by phone number). Each call acts for a user of this platform
  // and
  // is checked before it is sent (the user's address valid and of this platform, a number to
  // publish, at most MAX_LOOKUP_NUMBERS to look up): a request that breaks a rule fails with a
  // local CallRefusedException and is not sent. The broker's refusals fail with
  // CallRefusedException carrying its code (INVALID_ARGUMENT for a number it cannot read,
  // NOT_PERMITTED for a user who does not accept cross-platform messages, RATE_LIMITED with
  // retryAfterMs() when a lookup's allowance is used up); no answer within call-timeout fails with
  // a StatusRuntimeException. UNAVAILABLE is retried on the next node, like the group calls.

  /**
   * Makes a user of this platform discoverable by a phone number (E.164, or an Iranian national
   * form such as 0912 345 6789; Persian digits, spaces and dashes are read). Answers the number as
   * the broker understood it (E.164). {@code preferred}: this platform is the user's preferred one
   * for the number, listed first when several platforms publish it. The user must accept
   * cross-platform messages.
   */
  public CompletionStage<PublishResult> publish(
      UserAddress user, String phoneNumber, boolean preferred) {
    return directory.publish(
        PublishRequest.newBuilder()
            .setUser(user)
            .setPhoneNumber(phoneNumber)
            .setPreferred(preferred)
            .build());
  }

  /**
   * Withdraws one number of a user of this platform, or every number of theirs when {@code
   * phoneNumber} is empty; answers how many entries were withdrawn (one already gone counts 0).
   */
  public CompletionStage<WithdrawResult> withdraw(UserAddress user, String phoneNumber) {
    return directory.withdraw(
        WithdrawRequest.newBuilder().setUser(user).setPhoneNumber(phoneNumber).build());
  }

  /** Withdraws every number of a user of this platform: {@code withdraw(user, "")}. */
  public CompletionStage<WithdrawResult> withdrawAll(UserAddress user) {
    return withdraw(user, "");
  }

  /**
   * For {@code asker}, a user of this platform, the users of other platforms discoverable by each
   * number (at most {@link #MAX_LOOKUP_NUMBERS}): one NumberMatch per number, in the order given,
   * with the number as given, its users (the owner's preferred platform first; none when the number
   * is unknown, not discoverable or not accepting the asker) or why it could not be read.
   */
  public CompletionStage<LookupResult> lookup(UserAddress asker, List<String> phoneNumbers) {
    return directory.lookup(
        LookupRequest.newBuilder().setAsker(asker).addAllPhoneNumbers(phoneNumbers).build());
  }

  /**
   * The MLS key-package directory's calls (publish, claim, list, remove KeyPackages), checked and
   * sent like the directory calls above; check a claimed KeyPackage with {@link KeyPackageProofs}.
   */
  public KeyPackageCalls keyPackages() {
    return keyPackages;
  }

  /** Whether a session is open (welcomed) now. */
  public boolean isConnected() {
    return engine.isConnected();
  }

  /** The broker node the session is with now, if one is open. */
  public Optional<BrokerEndpoint> currentBroker() {
    return Optional.ofNullable(engine.currentBroker());
  }

  /**
   * Sessions opened (welcomed) after the first: how often this client had to connect again,
   * whatever the reason (a node went away, a network break, the broker ended the session).
   */
  public long reconnects() {
    return engine.reconnects();
  }

  public ClientSettings settings() {
    return settings;
  }

  /**
   * Writes the last acknowledgements, ends the session, fails pending submits and call requests
   * with {@link NotAnsweredException}, and terminates the actor system if the client created it.
   * Waits at most about three close-timeouts. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    engine.close();
    long timeoutMs = settings.closeTimeout().toMillis();
    try {
      channels.close().get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // a channel that does not close in time is left to the actor system's end
    }
    try {
      if (ownsSystem) {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(timeoutMs, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // closing is best effort past the timeout
    }
  }
}
