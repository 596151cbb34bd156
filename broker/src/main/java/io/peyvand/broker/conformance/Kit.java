package io.peyvand.broker.conformance;

import io.peyvand.broker.conformance.EdgeRecorder.Event;
import io.peyvand.broker.conformance.EdgeRecorder.Kind;
import io.peyvand.protocol.sdk.PeyvandClient;
import io.peyvand.protocol.sdk.SubmitOutcome;
import io.peyvand.protocol.sdk.UserAddresses;
import io.peyvand.protocol.v1.ClientFrame;
import io.peyvand.protocol.v1.Envelope;
import io.peyvand.protocol.v1.GroupAddress;
import io.peyvand.protocol.v1.ServerFrame;
import io.peyvand.protocol.v1.Text;
import io.peyvand.protocol.v1.UserAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * What a scenario works with: the platform under test and its recorded edge, the kit's own platform
 * (an SDK client acting for {@link #KIT_PLATFORM}'s users, which send to the adapter's users and
 * receive its echoes), the adapter's process when the kit runs it, and helpers that wait for frames
 * at the edge.
 */
final class Kit {
  /** The platform the kit plays: the other side of every conversation. */
  static final String KIT_PLATFORM = "conformance-kit";

  /** The user of the platform under test whose messages the adapter echoes (the contract). */
  static final String ECHO_USER = "conformance-echo";

  final String platform;
  final String runId;
  final EdgeRecorder edge;
  final PeyvandClient client;
  final Optional<AdapterProcess> adapter;
  final KitSettings settings;
  private int messages;

  /** For {@code run}'s platform and settings; {@code runId} tells this run's message ids apart. */
  Kit(
      Conformance.Run run,
      String runId,
      EdgeRecorder edge,
      PeyvandClient client,
      Optional<AdapterProcess> adapter) {
    this.platform = run.platform();
    this.settings = run.settings();
    this.runId = runId;
    this.edge = edge;
    this.client = client;
    this.adapter = adapter;
  }

  UserAddress user(String id) {
    return UserAddress.newBuilder().setPlatformId(platform).setUserId(id).build();
  }

  UserAddress echoUser() {
    return user(ECHO_USER);
  }

  static UserAddress kitUser(String id) {
    return UserAddress.newBuilder().setPlatformId(KIT_PLATFORM).setUserId(id).build();
  }

  /** A message id of this run (ids of earlier runs on the same sandbox never collide). */
  String messageId(String scenario) {
    return "k" + runId + "-" + scenario + "-" + (++messages);
  }

  long deadline(Duration d) {
    return System.currentTimeMillis() + d.toMillis();
  }

  /** The kit's user {@code from} sends {@code body} to {@code to}; returns once accepted. */
  SubmitOutcome.Accepted send(String messageId, String from, UserAddress to, String body)
      throws Exception {
    return submit(
        Envelope.newBuilder()
            .setMessageId(messageId)
            .setSender(kitUser(from))
            .setRecipient(to)
            .setClientTimestampMs(System.currentTimeMillis())
            .setText(Text.newBuilder().setBody(body))
            .build());
  }

  /** The kit's user {@code from} posts {@code body} to {@code group}; returns once accepted. */
  SubmitOutcome.Accepted post(String messageId, String from, GroupAddress group, String body)
      throws Exception {
    return submit(
        Envelope.newBuilder()
            .setMessageId(messageId)
            .setSender(kitUser(from))
            .setGroup(group)
            .setClientTimestampMs(System.currentTimeMillis())
            .setText(Text.newBuilder().setBody(body))
            .build());
  }

  private SubmitOutcome.Accepted submit(Envelope envelope) throws Exception {
    SubmitOutcome outcome =
        client
            .submit(envelope)
            .toCompletableFuture()
            .get(settings.answerWithin().toSeconds(), TimeUnit.SECONDS);
    if (outcome instanceof SubmitOutcome.Accepted accepted) {
      return accepted;
    }
    throw new IllegalStateException(
        "the sandbox refused the kit's message "
            + envelope.getMessageId()
            + ": "
            + ((SubmitOutcome.Refused) outcome).error());
  }

  /** The first frame from the adapter after {@code mark} that matches, until {@code deadline}. */
  Optional<Event> fromAdapter(int mark, Predicate<ClientFrame> matches, long deadline)
      throws InterruptedException {
    return edge.await(
        mark, e -> e.kind() == Kind.FROM_ADAPTER && matches.test(e.client()), deadline);
  }

  /** The first frame handed to the adapter after {@code mark} that matches. */
  Optional<Event> toAdapter(int mark, Predicate<ServerFrame> matches, long deadline)
      throws InterruptedException {
    return edge.await(mark, e -> e.kind() == Kind.TO_ADAPTER && matches.test(e.server()), deadline);
  }

  /** An Acknowledge of {@code mailbox} covering {@code sequence}, after {@code mark}. */
  Optional<Event> ack(int mark, UserAddress mailbox, long sequence, long deadline)
      throws InterruptedException {
    return fromAdapter(
        mark,
        f ->
            f.hasAcknowledge()
                && f.getAcknowledge().getMailbox().equals(mailbox)
                && f.getAcknowledge().getUpToSequence() >= sequence,
        deadline);
  }

  /** A Submit from the echo user carrying {@code body}, after {@code mark}: an echo. */
  Optional<Event> echo(int mark, String body, long deadline) throws InterruptedException {
    return fromAdapter(mark, f -> isEcho(f, body), deadline);
  }

  boolean isEcho(ClientFrame f, String body) {
    return f.hasSubmit()
        && f.getSubmit().getEnvelope().getSender().equals(echoUser())
        && f.getSubmit().getEnvelope().getText().getBody().equals(body);
  }

  /**
   * The session the adapter holds now: the last one welcomed and not ended, waiting for one until
   * {@code deadline}.
   */
  Optional<Long> connected(long deadline) throws InterruptedException {
    while (true) {
      Optional<Long> open = openSession();
      if (open.isPresent() || System.currentTimeMillis() >= deadline) {
        return open;
      }
      edge.await(edge.mark(), e -> true, Math.min(deadline, System.currentTimeMillis() + 500));
    }
  }

  private Optional<Long> openSession() {
    Long open = null;
    for (Event e : edge.since(0)) {
      if (e.kind() == Kind.TO_ADAPTER && e.server().hasWelcome()) {
        open = e.session();
      } else if (e.kind() == Kind.ENDED && open != null && open == e.session()) {
        open = null;
      }
    }
    return Optional.ofNullable(open);
  }

  /** "t+12.345s": an event's time since the sandbox started, for evidence. */
  String at(Event e) {
    return String.format("t+%.3fs", edge.elapsed(e.atMs()) / 1000.0);
  }

  static String text(UserAddress a) {
    return UserAddresses.format(a);
  }
}
