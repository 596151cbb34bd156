package io.peyvand.protocol.sdk;

import com.google.protobuf.ByteString;
import io.peyvand.protocol.sdk.SubmitOutcome.Accepted;
import io.peyvand.protocol.sdk.SubmitOutcome.Refused;
import io.peyvand.protocol.v1.CallEvent;
import io.peyvand.protocol.v1.CallRef;
import io.peyvand.protocol.v1.CallResult;
import io.peyvand.protocol.v1.ChangeMembersRequest;
import io.peyvand.protocol.v1.ClaimedKeyPackage;
import io.peyvand.protocol.v1.CreateGroupRequest;
import io.peyvand.protocol.v1.Delivery;
import io.peyvand.protocol.v1.Envelope;
import io.peyvand.protocol.v1.GroupAddress;
import io.peyvand.protocol.v1.GroupDelivery;
import io.peyvand.protocol.v1.GroupInfo;
import io.peyvand.protocol.v1.GroupKind;
import io.peyvand.protocol.v1.KeyPackageOutcome;
import io.peyvand.protocol.v1.MemberChange;
import io.peyvand.protocol.v1.MessageStatus;
import io.peyvand.protocol.v1.PlatformInfo;
import io.peyvand.protocol.v1.PublishKeyPackagesResult;
import io.peyvand.protocol.v1.PublishResult;
import io.peyvand.protocol.v1.SignedTreeHead;
import io.peyvand.protocol.v1.StatusDelivery;
import io.peyvand.protocol.v1.Text;
import io.peyvand.protocol.v1.UserAddress;
import io.peyvand.protocol.v1.Welcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The example of protocol/SDK.md, which quotes it: a Bale adapter that submits what its users write
 * to users of other platforms and stores what the broker delivers to them. Compiled with the tests
 * and run by ExampleAdapterTest against a scripted broker, and as a process in conformance mode
 * ({@link #main}) by the broker's ConformanceIT against the conformance kit's sandbox broker
 * (protocol/CONFORMANCE.md); SdkGuideTest checks SDK.md still quotes it word for word.
 */
public final class ExampleAdapter implements AutoCloseable {
  /** Stands in for the platform's storage: per Bale user, the messages delivered to them. */
  private final Map<String, List<String>> inboxes = new ConcurrentHashMap<>();

  /** Stands in for the platform's storage: per group ("home:id"), the posts its members got. */
  private final Map<String, List<String>> groupChats = new ConcurrentHashMap<>();

  /** Stands in for the platform's storage: per message id, what became of it. */
  private final Map<String, MessageStatus.Kind> statuses = new ConcurrentHashMap<>();

  /** Stands in for the platform's apps: per call ("caller/call-id"), what it came to. */
  private final Map<String, String> callStates = new ConcurrentHashMap<>();

  /** Stands in for the platform's storage: the messages stored, by sender and message id. */
  private final Set<String> stored = new HashSet<>();

  /** Conformance mode's storage on disk, one line per stored message; null: memory only. */
  private volatile Path journal;

  /** In conformance mode, the stored messages to echo again once started. */
  private List<Envelope> pendingEchoes = List.of();

  /** Storage calls block, so they run here and never on the SDK's threads. */
  private final ExecutorService storage = Executors.newFixedThreadPool(4);

  private final PeyvandClient client;

  // tag::connect[]
  public ExampleAdapter(String brokerHost, int brokerPort) {
    client =
        PeyvandClient.builder() // defaults: peyvand.sdk in reference.conf
            .broker(brokerHost, brokerPort) // ./peyvand dev listens on 127.0.0.1:7400
            .platformId("bale") // the platform this adapter acts for
            .sessionName("bale-adapter-1") // this instance, in the broker's logs
            .deliveryHandler(
                DeliveryHandler.withStatuses(
                    DeliveryHandler.withGroups(
                        this::onDelivery, // see "Receiving"
                        this::onGroupDelivery), // see "Groups and channels"
                    this::onStatus)) // see "Statuses by recipient"
            .callHandler(this::onCallEvent) // see "Calls": invites to Bale's users ring here
            .sessionListener(
                new SessionListener() {
                  @Override
                  public void onDisconnected(Throwable cause, Duration reconnectIn) {
                    System.err.printf(
                        "broker session lost (%s); reconnecting in %d ms%n",
                        cause, reconnectIn.toMillis());
                  }
                })
            .build();
  }

  /** Opens the session; from now on the client keeps it open, reconnecting as needed. */
  public void start() throws Exception {
    Welcome welcome = client.connect().toCompletableFuture().get(30, TimeUnit.SECONDS);
    System.out.printf(
        "connected: session %s, deliveries acknowledged per %d ms%n",
        welcome.getSessionId(), client.settings().acknowledgeInterval().toMillis());
  }

  // end::connect[]

  // tag::submit[]
  /**
   * A Bale user wrote to a user of another platform. {@code messageId} is Bale's own id of the
   * message, stored with it before this is called, so that a retry, even after a restart of the
   * adapter, carries the same id: the broker then answers "duplicate" instead of delivering twice.
   * Completes with the message's sequence number in the recipient's mailbox.
   */
  public CompletionStage<Long> send(String messageId, String fromUser, String to, String text) {
    Envelope envelope =
        Envelope.newBuilder()
            .setMessageId(messageId) // the idempotency key
            .setSender(UserAddress.newBuilder().setPlatformId("bale").setUserId(fromUser))
            .setRecipient(UserAddresses.parse(to)) // e.g. "eitaa:alice"
            .setClientTimestampMs(System.currentTimeMillis())
            .setText(Text.newBuilder().setBody(text))
            .build();
    // The SDK resends it (same envelope, same message_id) after UNAVAILABLE or RATE_LIMITED and
    // when the session drops before the answer. It fails with NotAnsweredException if no final
    // answer came: call send again later with the same messageId.
    return client
        .submit(envelope)
        .thenApply(
            outcome -> {
              if (outcome instanceof Accepted accepted) {
                // accepted.duplicate(): accepted by an earlier try whose answer was lost. Same
                // sequence.
                return accepted.sequence();
              }
              Refused refused = (Refused) outcome; // final, or retryable with the retries used up
              throw new IllegalArgumentException(
                  "refused " + refused.error().getCode() + ": " + refused.error().getMessage());
            });
  }

  // end::submit[]

  // tag::receive[]
  /**
   * One item of a Bale user's mailbox. The SDK calls this once per (mailbox, sequence), in order
   * per mailbox, and acknowledges the item when the returned stage completes; if it fails the item
   * is not acknowledged and the broker sends it again (flagged redelivery).
   */
  private CompletionStage<Void> onDelivery(Delivery delivery) {
    return CompletableFuture.runAsync(
        () -> {
          String user = delivery.getMailbox().getUserId();
          if (delivery.hasMessage()) {
            // After a restart of the adapter, items it had not acknowledged come again: store them
            // idempotently, keyed by the sender and message id, and show each message once.
            if (store(user, delivery.getMessage())) {
              echoInConformanceMode(user, delivery.getMessage()); // see "Conformance mode"
            }
          } else if (delivery.hasStatus()) {
            // What became of a message this user sent: DELIVERED, READ or FAILED.
            statuses.put(delivery.getStatus().getMessageId(), delivery.getStatus().getKind());
          }
        },
        storage);
  }

  /** A Bale user opened their chat: their senders' platforms learn it was read. */
  public void markRead(String user, long upToSequence) {
    client.readReceipt(
        UserAddress.newBuilder().setPlatformId("bale").setUserId(user).build(), upToSequence);
  }

  // end::receive[]

  // tag::cluster[]
  /**
   * The same adapter against a broker cluster: any node accepts it. Replica i of the adapter starts
   * on node i mod n, so that the replicas spread over the nodes.
   */
  static PeyvandClientBuilder forCluster(String nodes, int replica) {
    return PeyvandClient.builder()
        .brokers(BrokerEndpoint.parseList(nodes)) // "10.0.0.1:7400,10.0.0.2:7400,10.0.0.3:7400"
        .startAt(replica) // the first session goes to node replica mod n
        .platformId("bale")
        .sessionName("bale-adapter-" + replica)
        .sessionListener(
            new SessionListener() {
              @Override
              public void onConnected(Welcome welcome, BrokerEndpoint broker) {
                System.out.printf("session %s on %s%n", welcome.getSessionId(), broker);
              }
            });
  }

  // end::cluster[]

  // tag::groups[]
  /**
   * A Bale user makes a group at Bale (its home platform) and adds users of any platform. The SDK
   * checks each request before sending it: a broken rule (an empty title, 1,001 changes, a user of
   * another platform acting) fails with CallRefusedException and nothing is sent.
   */
  public CompletionStage<GroupInfo> createGroup(
      String owner, String groupId, String title, List<String> members) {
    UserAddress actor = UserAddress.newBuilder().setPlatformId("bale").setUserId(owner).build();
    GroupAddress group =
        GroupAddress.newBuilder().setPlatformId("bale").setGroupId(groupId).build();
    ChangeMembersRequest.Builder additions =
        ChangeMembersRequest.newBuilder().setGroup(group).setActor(actor);
    members.forEach(
        member ->
            additions.addChanges(
                MemberChange.newBuilder()
                    .setUser(UserAddresses.parse(member)) // e.g. "eitaa:alice"
                    .setOp(MemberChange.Op.ADD)));
    return client
        .createGroup(
            CreateGroupRequest.newBuilder()
                .setGroup(group)
                .setActor(actor)
                .setTitle(title)
                .setKind(GroupKind.GROUP)
                .build())
        .thenCompose(created -> client.changeMembers(additions.build()));
  }

  /** A post is an envelope with group set instead of recipient, submitted like any message. */
  public CompletionStage<SubmitOutcome> post(
      String messageId, String fromUser, GroupAddress group, String text) {
    return client.submit(
        Envelope.newBuilder()
            .setMessageId(messageId)
            .setSender(UserAddress.newBuilder().setPlatformId("bale").setUserId(fromUser))
            .setGroup(group)
            .setClientTimestampMs(System.currentTimeMillis())
            .setText(Text.newBuilder().setBody(text))
            .build()); // Accepted.sequence() is the post's sequence in the group's log
  }

  /**
   * One item of a group's log, once for all of Bale's members: a post, a change of membership, or a
   * channel's reaction counts. Acknowledged per group when the stage completes, like a mailbox's
   * items; store it idempotently, keyed by (group, sequence).
   */
  private CompletionStage<Void> onGroupDelivery(GroupDelivery delivery) {
    return CompletableFuture.runAsync(
        () -> {
          if (delivery.hasPost()) {
            groupChats
                .computeIfAbsent(
                    UserAddresses.format(delivery.getGroup()), g -> new CopyOnWriteArrayList<>())
                .add(delivery.getSequence() + ": " + delivery.getPost().getText().getBody());
          }
        },
        storage);
  }

  // end::groups[]

  // tag::statuses[]
  /**
   * Declares statuses by recipient: the statuses of messages Bale's users send from now on come
   * from the recipients' mailboxes, as StatusDelivery frames (onStatus). The other capabilities
   * stay as they are.
   */
  public CompletionStage<PlatformInfo> takeStatusesFromRecipients() {
    return client
        .platformInfo()
        .thenCompose(
            info ->
                client.configurePlatform(
                    info.getCapabilities().toBuilder().setStatusesByRecipient(true).build(),
                    info.getDefaultOptedIn()));
  }

  /**
   * What became of a message a Bale user ({@code delivery.getSender()}) sent, from the recipient's
   * status stream. Acknowledged per recipient when the stage completes.
   */
  private CompletionStage<Void> onStatus(StatusDelivery delivery) {
    return CompletableFuture.runAsync(
        () -> statuses.put(delivery.getStatus().getMessageId(), delivery.getStatus().getKind()),
        storage);
  }

  // end::statuses[]

  // tag::directory[]
  /**
   * A Bale user chose to be found by their phone number: publish it, Bale being the platform they
   * prefer for it. Completes with the number as the broker read it (E.164), to show the user.
   */
  public CompletionStage<String> makeFindable(String user, String phoneNumber) {
    UserAddress bale = UserAddress.newBuilder().setPlatformId("bale").setUserId(user).build();
    return client.publish(bale, phoneNumber, true).thenApply(PublishResult::getPhoneNumber);
  }

  /**
   * A contact sync: for each number of a Bale user's contact book, as the user typed it, the users
   * of other platforms they can write to. At most MAX_LOOKUP_NUMBERS numbers go in a call; a
   * RATE_LIMITED refusal (CallRefusedException) says in retryAfterMs() when to go on.
   */
  public CompletionStage<Map<String, List<UserAddress>>> syncContacts(
      String user, List<String> contactBook) {
    UserAddress asker = UserAddress.newBuilder().setPlatformId("bale").setUserId(user).build();
    Map<String, List<UserAddress>> found = new ConcurrentHashMap<>();
    CompletionStage<Void> done = CompletableFuture.completedFuture(null);
    for (int from = 0; from < contactBook.size(); from += PeyvandClient.MAX_LOOKUP_NUMBERS) {
      List<String> batch =
          contactBook.subList(
              from, Math.min(contactBook.size(), from + PeyvandClient.MAX_LOOKUP_NUMBERS));
      done =
          done.thenCompose(previous -> client.lookup(asker, batch))
              .thenAccept(
                  result ->
                      result.getMatchesList().stream()
                          .filter(match -> match.getUsersCount() > 0) // else nobody, or invalid
                          .forEach(
                              match -> found.put(match.getPhoneNumber(), match.getUsersList())));
    }
    return done.thenApply(all -> found);
  }

  // end::directory[]

  // tag::keys[]
  /** A Bale client made KeyPackages for a device of the user (MLSMessage bytes): publish them. */
  public CompletionStage<List<KeyPackageOutcome>> publishKeys(
      String user, List<ByteString> keyPackages) {
    UserAddress bale = UserAddress.newBuilder().setPlatformId("bale").setUserId(user).build();
    return client
        .keyPackages()
        .publish(bale, keyPackages)
        .thenApply(PublishKeyPackagesResult::getOutcomesList); // stored (KeyPackageInfo) or refused
  }

  /**
   * A Bale user adds another platform's user to an MLS group: one KeyPackage per client of theirs,
   * in suite 1, each used only if its proof verifies under the interconnect's CA (a KeyPackage the
   * directory substituted would not).
   */
  public CompletionStage<List<ByteString>> keysToAdd(
      String user, UserAddress target, X509Certificate ca) {
    UserAddress claimer = UserAddress.newBuilder().setPlatformId("bale").setUserId(user).build();
    return client
        .keyPackages()
        .claim(claimer, target, Set.of(1))
        .thenApply(
            result -> {
              SignedTreeHead head = KeyPackageProofs.head(result);
              List<ByteString> verified = new ArrayList<>();
              for (ClaimedKeyPackage claimed : result.getKeyPackagesList()) {
                if (KeyPackageProofs.verify(claimed, head, target, Optional.of(ca)).isEmpty()) {
                  verified.add(claimed.getKeyPackage());
                } // else: not what the target's platform published; report it
              }
              return verified;
            });
  }

  // end::keys[]

  // tag::calls[]
  /**
   * A Bale user calls a user of another platform; {@code sdpOffer} comes from the app's WebRTC
   * stack. The broker's refusals (RECIPIENT_NOT_ACCEPTING, CAPABILITY_NOT_SUPPORTED, ...) complete
   * the stage as a CallResult with refused set; the call's answer and end arrive at onCallEvent.
   */
  public CompletionStage<CallResult> placeCall(
      String callId, String fromUser, String to, String sdpOffer, boolean video) {
    UserAddress caller = UserAddress.newBuilder().setPlatformId("bale").setUserId(fromUser).build();
    CallRef call = CallRequests.ref(caller, callId); // callId: Bale's own id of the call
    // Accepted: getState() RINGING, getRingingUntilMs(), getRelay() (TURN credentials for the app).
    return client.call(CallRequests.invite(call, UserAddresses.parse(to), sdpOffer, video));
  }

  /**
   * Every call event of this session: invites to Bale's users, and the other side's steps of the
   * calls this session placed or answered. On an SDK thread: hand over to the app and return.
   */
  private void onCallEvent(CallEvent event) {
    String call =
        UserAddresses.format(event.getCall().getCaller()) + "/" + event.getCall().getCallId();
    switch (event.getEventCase()) {
      case INVITED -> {
        // Ring the callee's devices (getInvited(): the caller, the SDP offer, relay credentials)
        // and tell the caller they ring.
        callStates.put(call, "ringing");
        client.call(CallRequests.ringing(event.getCall()));
      }
      case ANSWERED -> callStates.put(call, "answered"); // getAnswered().getSdpAnswer() to WebRTC
      case ENDED -> callStates.put(call, "ended " + event.getEnded().getReason());
      default -> {} // candidates, negotiate, resumed: to the app's WebRTC stack
    }
  }

  /** The callee tapped "answer". The first answer wins: false if another device took the call. */
  public CompletionStage<Boolean> answerCall(CallRef call, String sdpAnswer) {
    return client
        .call(CallRequests.answer(call, sdpAnswer))
        .thenApply(result -> !result.hasRefused()); // refused: CALL_ALREADY_ANSWERED
  }

  /** Either side hangs up; the caller, before an answer, cancels the call. */
  public CompletionStage<CallResult> hangUp(CallRef call) {
    return client.call(CallRequests.hangup(call));
  }

  // end::calls[]

  /** What a call ("caller/call-id") came to, as far as Bale's apps know. */
  public String callState(String call) {
    return callStates.get(call);
  }

  /** The posts of a group delivered to Bale so far. */
  public List<String> groupChat(String group) {
    return groupChats.getOrDefault(group, List.of());
  }

  /** The messages delivered to a Bale user so far. */
  public List<String> inbox(String user) {
    return inboxes.getOrDefault(user, List.of());
  }

  /** What became of a message a Bale user sent, if the broker said. */
  public MessageStatus.Kind status(String messageId) {
    return statuses.get(messageId);
  }

  // tag::close[]
  @Override
  public void close() {
    client.close(); // writes the last acknowledgements, ends the session
    storage.shutdown();
  }

  // end::close[]

  // tag::conformance[]
  /**
   * Stores a message delivered to a Bale user unless it was stored before (same sender and message
   * id); true when it is new, to show. In conformance mode it is written to the journal file and
   * forced to disk before this returns, so before the SDK acknowledges it: a crash loses nothing
   * acknowledged.
   */
  private boolean store(String user, Envelope message) {
    String key = UserAddresses.format(message.getSender()) + " " + message.getMessageId();
    synchronized (stored) {
      if (!stored.add(key)) {
        return false; // a redelivery or a duplicate: acknowledged again, not shown again
      }
      if (journal != null) {
        try (FileChannel file =
            FileChannel.open(journal, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
          String line =
              user + " " + Base64.getEncoder().encodeToString(message.toByteArray()) + "\n";
          file.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
          file.force(true);
        } catch (IOException e) {
          stored.remove(key);
          throw new UncheckedIOException(e); // not stored: not acknowledged, the broker resends
        }
      }
    }
    inboxes
        .computeIfAbsent(user, u -> new CopyOnWriteArrayList<>())
        .add(message.getMessageId() + ": " + message.getText().getBody());
    return true;
  }

  /**
   * Conformance mode (protocol/CONFORMANCE.md): a text to bale:conformance-echo goes back to its
   * sender, under the id "&lt;its id&gt;.echo", which the SDK keeps on every resubmission.
   */
  private void echoInConformanceMode(String user, Envelope message) {
    if (journal == null || !user.equals("conformance-echo") || !message.hasText()) {
      return;
    }
    client.submit(
        Envelope.newBuilder()
            .setMessageId(message.getMessageId() + ".echo")
            .setSender(UserAddress.newBuilder().setPlatformId("bale").setUserId(user))
            .setRecipient(message.getSender())
            .setClientTimestampMs(System.currentTimeMillis())
            .setText(message.getText())
            .build());
  }

  /**
   * Turns conformance mode on, storing in {@code journalFile}: reads back what an earlier run of
   * the adapter stored, and once started echoes every stored message to conformance-echo again (the
   * broker answers duplicate for those it has), which shows the kit what survived a crash.
   */
  public void conformanceMode(Path journalFile) throws IOException {
    journal = journalFile;
    List<Envelope> echoes = new ArrayList<>();
    if (Files.exists(journalFile)) {
      for (String line : Files.readAllLines(journalFile, StandardCharsets.UTF_8)) {
        String[] parts = line.split(" ", 2);
        if (parts.length < 2) {
          continue; // the last line, cut by a crash before it was forced: never acknowledged
        }
        Envelope message = Envelope.parseFrom(Base64.getDecoder().decode(parts[1]));
        store(parts[0], message);
        if (parts[0].equals("conformance-echo")) {
          echoes.add(message);
        }
      }
    }
    pendingEchoes = echoes;
  }

  // end::conformance[]

  /**
   * Runs the adapter until it is killed: {@code ExampleAdapter HOST:PORT [JOURNAL]}, with a journal
   * file in conformance mode ({@code ./peyvand conformance --platform bale --plaintext
   * --adapter-command "java -cp ... io.peyvand.protocol.sdk.ExampleAdapter 127.0.0.1:7500
   * bale.journal"}).
   */
  public static void main(String[] args) throws Exception {
    BrokerEndpoint broker = BrokerEndpoint.parse(args[0]);
    ExampleAdapter adapter = new ExampleAdapter(broker.host(), broker.port());
    if (args.length > 1) {
      adapter.conformanceMode(Path.of(args[1]));
    }
    adapter.start();
    adapter.pendingEchoes.forEach(m -> adapter.echoInConformanceMode("conformance-echo", m));
    Thread.currentThread().join();
  }
}
