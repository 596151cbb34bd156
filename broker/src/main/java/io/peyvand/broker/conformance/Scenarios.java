package io.peyvand.broker.conformance;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.peyvand.broker.conformance.EdgeRecorder.Event;
import io.peyvand.broker.conformance.EdgeRecorder.Kind;
import io.peyvand.broker.conformance.ScenarioResult.Verdict;
import io.peyvand.protocol.ErrorCodes;
import io.peyvand.protocol.sdk.SubmitOutcome;
import io.peyvand.protocol.v1.ChangeMembersRequest;
import io.peyvand.protocol.v1.ClientFrame;
import io.peyvand.protocol.v1.CreateGroupRequest;
import io.peyvand.protocol.v1.Delivery;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.GroupAddress;
import io.peyvand.protocol.v1.GroupDelivery;
import io.peyvand.protocol.v1.GroupKind;
import io.peyvand.protocol.v1.MemberChange;
import io.peyvand.protocol.v1.ServerFrame;
import io.peyvand.protocol.v1.SessionError;
import io.peyvand.protocol.v1.SubmitResult;
import io.peyvand.protocol.v1.UserAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The scenarios, in the order the kit runs them (CONFORMANCE.md describes each: what it does, what
 * passing means, the PROTOCOL.md rule). Each plays the kit's platform and scripted edge faults and
 * judges the adapter only by the frames it sent and when. One class of small methods rather than a
 * class per scenario: they share the kit's helpers and read best side by side.
 */
final class Scenarios {
  /** A scenario: an id for the command line and the report, a title, the rule it checks. */
  record Scenario(String id, String title, String rule, Check check) {}

  @FunctionalInterface
  interface Check {
    /** Fills {@code evidence}; returns the verdict's reason, prefixed "FAIL: " when it failed. */
    String run(Kit kit, List<String> evidence) throws Exception;
  }

  static final String FAIL = "FAIL: ";
  static final String SKIP = "SKIP: ";

  static final List<Scenario> ALL =
      List.of(
          new Scenario(
              "acknowledges-only-received",
              "Acknowledges only what it received",
              "PROTOCOL.md §5.1, §5.4",
              Scenarios::acknowledgesOnlyReceived),
          new Scenario(
              "resubmits-with-same-id",
              "Keeps the message id when resubmitting after UNAVAILABLE",
              "PROTOCOL.md §3.4, §10",
              Scenarios::resubmitsWithSameId),
          new Scenario(
              "obeys-retry-after",
              "Obeys busy: waits retry_after_ms after RATE_LIMITED",
              "PROTOCOL.md §10, §11",
              Scenarios::obeysRetryAfter),
          new Scenario(
              "redelivery-not-shown-twice",
              "Acknowledges a flagged redelivery again and does not show it twice",
              "PROTOCOL.md §5.3, §3.4",
              Scenarios::redeliveryNotShownTwice),
          new Scenario(
              "unrenderable-group-item",
              "Acknowledges a group item it cannot render instead of stalling",
              "PROTOCOL.md §14.4, §12",
              Scenarios::unrenderableGroupItem),
          new Scenario(
              "keep-alive",
              "Pings a quiet session and gives up one whose Pongs stop",
              "PROTOCOL.md §4.3, §4.6",
              Scenarios::keepAlive),
          new Scenario(
              "reconnects-with-backoff",
              "Reconnects with backoff, not in a tight loop",
              "PROTOCOL.md §4.1, §4.6",
              Scenarios::reconnectsWithBackoff),
          new Scenario(
              "acknowledges-after-storing",
              "Acknowledges only what it stored: nothing acknowledged is lost in a crash",
              "PROTOCOL.md §5.4, §5.3",
              Scenarios::acknowledgesAfterStoring));

  private Scenarios() {}

  // --- acknowledges-only-received -------------------------------------------------------------

  /**
   * Three messages to one user; the second's first push is dropped at the edge. The adapter must
   * not acknowledge up to (or past) it before it actually received it (the broker pushes it again
   * after redelivery_after_ms), and must then acknowledge all three.
   */
  static String acknowledgesOnlyReceived(Kit kit, List<String> evidence) throws Exception {
    UserAddress box = kit.user("conformance-inbox-" + kit.runId);
    String m1 = kit.messageId("ack");
    String m2 = kit.messageId("ack");
    String m3 = kit.messageId("ack");
    AtomicBoolean dropped = new AtomicBoolean();
    EdgeFault drop =
        new EdgeFault() {
          @Override
          public List<ServerFrame> toAdapter(EdgeRecorder.Session session, ServerFrame frame) {
            if (frame.hasDelivery()
                && frame.getDelivery().getMessage().getMessageId().equals(m2)
                && dropped.compareAndSet(false, true)) {
              return List.of();
            }
            return List.of(frame);
          }
        };
    int mark = kit.edge.mark();
    kit.edge.install(drop);
    long seq2;
    long seq3;
    try {
      kit.send(m1, "peer", box, "first");
      seq2 = kit.send(m2, "peer", box, "second").sequence();
      seq3 = kit.send(m3, "peer", box, "third").sequence();
      evidence.add(
          "sent "
              + m1
              + ", "
              + m2
              + " (sequence "
              + seq2
              + "), "
              + m3
              + " (sequence "
              + seq3
              + ") to "
              + Kit.text(box)
              + "; the first push of sequence "
              + seq2
              + " is dropped at the edge");
      Optional<Event> all =
          kit.ack(mark, box, seq3, kit.deadline(kit.settings.answerWithin().plusSeconds(15)));
      List<Event> events = kit.edge.since(mark);
      Optional<Event> received =
          events.stream()
              .filter(
                  e ->
                      e.kind() == Kind.TO_ADAPTER
                          && e.server().hasDelivery()
                          && e.server().getDelivery().getMailbox().equals(box)
                          && e.server().getDelivery().getSequence() == seq2)
              .findFirst();
      for (Event e : events) {
        if (e.kind() == Kind.FROM_ADAPTER
            && e.client().hasAcknowledge()
            && e.client().getAcknowledge().getMailbox().equals(box)) {
          long upTo = e.client().getAcknowledge().getUpToSequence();
          evidence.add(kit.at(e) + " Acknowledge up_to_sequence " + upTo);
          if (upTo >= seq2 && (received.isEmpty() || received.get().atMs() > e.atMs())) {
            return FAIL
                + "acknowledged up to "
                + upTo
                + " while sequence "
                + seq2
                + " had not reached it (dropped at the edge"
                + received.map(r -> ", redelivered only at " + kit.at(r)).orElse("")
                + ")";
          }
        }
      }
      received.ifPresent(r -> evidence.add(kit.at(r) + " sequence " + seq2 + " redelivered"));
      if (all.isEmpty()) {
        return FAIL
            + "no Acknowledge up to "
            + seq3
            + " within "
            + kit.settings.answerWithin().plusSeconds(15).toSeconds()
            + " s, although every item was delivered"
            + (received.isPresent() ? "" : " (sequence " + seq2 + " was not redelivered yet)");
      }
    } finally {
      kit.edge.remove(drop);
    }
    return "acknowledged past sequence " + seq2 + " only after receiving it, then up to " + seq3;
  }

  // --- resubmits-with-same-id -----------------------------------------------------------------

  /**
   * A message to the echo user; the adapter's echo is refused UNAVAILABLE at the edge (the broker
   * never sees it). The adapter must resubmit it, with the same message_id.
   */
  static String resubmitsWithSameId(Kit kit, List<String> evidence) throws Exception {
    String body = "resubmit " + kit.runId;
    EdgeFault refuse = refuseFirst(kit, body, ErrorCode.UNAVAILABLE, 0);
    int mark = kit.edge.mark();
    kit.edge.install(refuse);
    try {
      String id = kit.messageId("resubmit");
      kit.send(id, "peer", kit.echoUser(), body);
      evidence.add("sent " + id + " to " + Kit.text(kit.echoUser()) + ": \"" + body + "\"");
      Optional<Event> first = kit.echo(mark, body, kit.deadline(kit.settings.answerWithin()));
      if (first.isEmpty()) {
        return noEcho(kit);
      }
      String firstId = first.get().client().getSubmit().getEnvelope().getMessageId();
      evidence.add(
          kit.at(first.get()) + " echo submitted as " + firstId + ", answered UNAVAILABLE");
      if (!firstId.equals(id + ".echo")) {
        return FAIL + "echo id " + firstId + " is not " + id + ".echo (the contract)";
      }
      int after = kit.edge.mark();
      Optional<Event> second = kit.echo(after, body, kit.deadline(kit.settings.answerWithin()));
      if (second.isEmpty()) {
        return FAIL
            + "did not resubmit within "
            + kit.settings.answerWithin().toSeconds()
            + " s after UNAVAILABLE";
      }
      String secondId = second.get().client().getSubmit().getEnvelope().getMessageId();
      evidence.add(kit.at(second.get()) + " resubmitted as " + secondId);
      if (!secondId.equals(firstId)) {
        return FAIL
            + "resubmitted with a new message id "
            + secondId
            + " instead of "
            + firstId
            + ": the broker cannot tell it from a new message";
      }
      return "resubmitted after UNAVAILABLE with the same message id " + firstId;
    } finally {
      kit.edge.remove(refuse);
    }
  }

  // --- obeys-retry-after ----------------------------------------------------------------------

  /**
   * The adapter's echo is refused RATE_LIMITED with retry_after_ms at the edge: it must not send it
   * again sooner.
   */
  static String obeysRetryAfter(Kit kit, List<String> evidence) throws Exception {
    String body = "busy " + kit.runId;
    long retryAfter = kit.settings.busyRetryAfter().toMillis();
    EdgeFault refuse = refuseFirst(kit, body, ErrorCode.RATE_LIMITED, retryAfter);
    int mark = kit.edge.mark();
    kit.edge.install(refuse);
    try {
      String id = kit.messageId("busy");
      kit.send(id, "peer", kit.echoUser(), body);
      Optional<Event> first = kit.echo(mark, body, kit.deadline(kit.settings.answerWithin()));
      if (first.isEmpty()) {
        return noEcho(kit);
      }
      evidence.add(
          kit.at(first.get()) + " echo answered RATE_LIMITED, retry_after_ms " + retryAfter);
      int after = kit.edge.mark();
      Optional<Event> second =
          kit.echo(after, body, kit.deadline(kit.settings.answerWithin().plusMillis(retryAfter)));
      if (second.isEmpty()) {
        return FAIL
            + "did not submit again within "
            + kit.settings.answerWithin().toSeconds()
            + " s";
      }
      long waited = second.get().atMs() - first.get().atMs();
      evidence.add(kit.at(second.get()) + " submitted again after " + waited + " ms");
      if (waited < retryAfter) {
        return FAIL
            + "submitted again after "
            + waited
            + " ms, sooner than retry_after_ms "
            + retryAfter;
      }
      return "waited " + waited + " ms (retry_after_ms " + retryAfter + ") before submitting again";
    } finally {
      kit.edge.remove(refuse);
    }
  }

  /**
   * Refuses the adapter's first echo of {@code body} at the edge with {@code code}: the broker
   * never sees it, the adapter gets a SubmitResult with the refusal.
   */
  private static EdgeFault refuseFirst(Kit kit, String body, ErrorCode code, long retryAfterMs) {
    AtomicBoolean done = new AtomicBoolean();
    return new EdgeFault() {
      @Override
      public boolean fromAdapter(EdgeRecorder.Session session, ClientFrame frame) {
        if (kit.isEcho(frame, body) && done.compareAndSet(false, true)) {
          session.inject(
              ServerFrame.newBuilder()
                  .setSubmitResult(
                      SubmitResult.newBuilder()
                          .setCorrelationId(frame.getSubmit().getCorrelationId())
                          .setMessageId(frame.getSubmit().getEnvelope().getMessageId())
                          .setRefused(
                              ErrorCodes.error(
                                  code, "conformance sandbox: a scripted refusal", retryAfterMs)))
                  .build());
          return false;
        }
        return true;
      }
    };
  }

  // --- redelivery-not-shown-twice -------------------------------------------------------------

  /**
   * A message to the echo user, echoed and acknowledged; then the edge pushes it again, flagged
   * redelivery (as after a broker node lost the acknowledgement). The adapter must acknowledge it
   * again and must not show it again: no new echo.
   */
  static String redeliveryNotShownTwice(Kit kit, List<String> evidence) throws Exception {
    String body = "redelivered " + kit.runId;
    int mark = kit.edge.mark();
    String id = kit.messageId("redelivery");
    long seq = kit.send(id, "peer", kit.echoUser(), body).sequence();
    long deadline = kit.deadline(kit.settings.answerWithin());
    Optional<Event> acked = kit.ack(mark, kit.echoUser(), seq, deadline);
    Optional<Event> echoed = kit.echo(mark, body, deadline);
    if (acked.isEmpty() || echoed.isEmpty()) {
      return FAIL
          + (acked.isEmpty() ? "did not acknowledge sequence " + seq : "did not echo " + id)
          + " within "
          + kit.settings.answerWithin().toSeconds()
          + " s";
    }
    long correlation = echoed.get().client().getSubmit().getCorrelationId();
    Optional<Event> answered =
        kit.toAdapter(
            mark,
            f ->
                f.hasSubmitResult()
                    && f.getSubmitResult().getCorrelationId() == correlation
                    && !f.getSubmitResult().hasRefused(),
            deadline);
    Optional<Event> original =
        kit.toAdapter(
            mark,
            f ->
                f.hasDelivery()
                    && f.getDelivery().getMailbox().equals(kit.echoUser())
                    && f.getDelivery().getSequence() == seq,
            deadline);
    Optional<Long> session = kit.connected(deadline);
    Optional<EdgeRecorder.Session> open = session.flatMap(kit.edge::session);
    if (answered.isEmpty() || original.isEmpty() || open.isEmpty()) {
      return FAIL + "the echo was not accepted, or the session ended, before the redelivery";
    }
    evidence.add(
        kit.at(acked.get())
            + " acknowledged sequence "
            + seq
            + "; "
            + kit.at(echoed.get())
            + " echoed once, accepted");
    Delivery again =
        original.get().server().getDelivery().toBuilder()
            .setRedelivery(true)
            .setAcknowledgedUpTo(seq - 1)
            .build();
    int before = kit.edge.mark();
    open.get().inject(ServerFrame.newBuilder().setDelivery(again).build());
    evidence.add("pushed sequence " + seq + " (" + id + ") again, flagged redelivery");
    Optional<Event> reacked =
        kit.ack(before, kit.echoUser(), seq, kit.deadline(kit.settings.answerWithin()));
    if (reacked.isEmpty()) {
      return FAIL
          + "did not acknowledge the redelivered sequence "
          + seq
          + " within "
          + kit.settings.answerWithin().toSeconds()
          + " s: the broker would push it again and again";
    }
    evidence.add(kit.at(reacked.get()) + " acknowledged it again");
    // Give a second echo time to show, then look.
    Optional<Event> twice = kit.echo(before, body, kit.deadline(java.time.Duration.ofSeconds(3)));
    if (twice.isPresent()) {
      evidence.add(
          kit.at(twice.get())
              + " echoed again as "
              + twice.get().client().getSubmit().getEnvelope().getMessageId());
      return FAIL + "showed the redelivered message twice (echoed it again after it was accepted)";
    }
    return "acknowledged the redelivery again and did not show it twice";
  }

  // --- unrenderable-group-item ----------------------------------------------------------------

  /**
   * The kit makes a group with the echo user as a member and posts twice; the edge turns the first
   * post into an item of a kind this protocol version does not have (as a later version may send).
   * The adapter must acknowledge it (and the next post) rather than stall the group's stream.
   */
  static String unrenderableGroupItem(Kit kit, List<String> evidence) throws Exception {
    GroupAddress group =
        GroupAddress.newBuilder()
            .setPlatformId(Kit.KIT_PLATFORM)
            .setGroupId("conformance-" + kit.runId)
            .build();
    UserAddress owner = Kit.kitUser("owner");
    long timeout = kit.settings.answerWithin().toSeconds();
    kit.client
        .createGroup(
            CreateGroupRequest.newBuilder()
                .setGroup(group)
                .setActor(owner)
                .setTitle("Conformance " + kit.runId)
                .setKind(GroupKind.GROUP)
                .build())
        .toCompletableFuture()
        .get(timeout, TimeUnit.SECONDS);
    kit.client
        .changeMembers(
            ChangeMembersRequest.newBuilder()
                .setGroup(group)
                .setActor(owner)
                .addChanges(
                    MemberChange.newBuilder().setUser(kit.echoUser()).setOp(MemberChange.Op.ADD))
                .build())
        .toCompletableFuture()
        .get(timeout, TimeUnit.SECONDS);
    String unknownId = kit.messageId("group");
    String nextId = kit.messageId("group");
    EdgeFault unknownKind =
        new EdgeFault() {
          @Override
          public List<ServerFrame> toAdapter(EdgeRecorder.Session session, ServerFrame frame) {
            if (frame.hasGroupDelivery()
                && frame.getGroupDelivery().getPost().getMessageId().equals(unknownId)) {
              GroupDelivery future =
                  frame.getGroupDelivery().toBuilder()
                      .clearItem()
                      .setUnknownFields(
                          UnknownFieldSet.newBuilder()
                              .addField(
                                  99,
                                  UnknownFieldSet.Field.newBuilder()
                                      .addLengthDelimited(ByteString.copyFromUtf8("future"))
                                      .build())
                              .build())
                      .build();
              return List.of(ServerFrame.newBuilder().setGroupDelivery(future).build());
            }
            return List.of(frame);
          }
        };
    int mark = kit.edge.mark();
    kit.edge.install(unknownKind);
    try {
      long unknown =
          kit.post(unknownId, "owner", group, "a post the adapter sees as unknown").sequence();
      long next = kit.post(nextId, "owner", group, "the next post").sequence();
      evidence.add(
          "group "
              + group.getPlatformId()
              + ":"
              + group.getGroupId()
              + " with member "
              + Kit.text(kit.echoUser())
              + "; item "
              + unknown
              + " pushed as an unknown kind (field 99), then post "
              + next);
      Optional<Event> acked =
          kit.fromAdapter(
              mark,
              f ->
                  f.hasGroupAcknowledge()
                      && f.getGroupAcknowledge().getGroup().equals(group)
                      && f.getGroupAcknowledge().getUpToSequence() >= next,
              kit.deadline(kit.settings.answerWithin()));
      for (Event e : kit.edge.since(mark)) {
        if (e.kind() == Kind.FROM_ADAPTER && e.client().hasGroupAcknowledge()) {
          evidence.add(
              kit.at(e)
                  + " GroupAcknowledge up_to_sequence "
                  + e.client().getGroupAcknowledge().getUpToSequence());
        } else if (e.kind() == Kind.TO_ADAPTER
            && e.server().hasGroupDelivery()
            && e.server().getGroupDelivery().getGroup().equals(group)) {
          GroupDelivery d = e.server().getGroupDelivery();
          evidence.add(
              kit.at(e)
                  + " GroupDelivery sequence "
                  + d.getSequence()
                  + " ("
                  + d.getItemCase().name().toLowerCase(java.util.Locale.ROOT)
                  + (d.getRedelivery() ? ", redelivery" : "")
                  + ", acknowledged_up_to "
                  + d.getAcknowledgedUpTo()
                  + ")");
        } else if (e.kind() == Kind.TO_ADAPTER && e.server().hasError()) {
          evidence.add(
              kit.at(e)
                  + " SessionError "
                  + e.server().getError().getError().getCode()
                  + ": "
                  + e.server().getError().getError().getMessage());
        }
      }
      if (acked.isEmpty()) {
        return FAIL
            + "did not acknowledge the group's items up to "
            + next
            + " within "
            + timeout
            + " s: the item it cannot render stalls the group";
      }
      return "acknowledged the unknown item " + unknown + " and the next post " + next;
    } finally {
      kit.edge.remove(unknownKind);
    }
  }

  // --- keep-alive -----------------------------------------------------------------------------

  /**
   * Nothing is pushed to the adapter: it must Ping within ping-within. Then the edge swallows the
   * Pongs: it must give the session up and open another within dead-session-within.
   */
  static String keepAlive(Kit kit, List<String> evidence) throws Exception {
    Optional<Long> session = kit.connected(kit.deadline(kit.settings.answerWithin()));
    if (session.isEmpty()) {
      return FAIL + "no session open";
    }
    int mark = kit.edge.mark();
    long quietFrom = System.currentTimeMillis();
    Optional<Event> ping =
        kit.fromAdapter(mark, ClientFrame::hasPing, kit.deadline(kit.settings.pingWithin()));
    if (ping.isEmpty()) {
      return FAIL
          + "sent no Ping in "
          + kit.settings.pingWithin().toSeconds()
          + " s of a quiet session (the broker's HTTP idle timeout closes it after 60 s)";
    }
    evidence.add(
        kit.at(ping.get()) + " Ping after " + (ping.get().atMs() - quietFrom) + " ms of quiet");
    AtomicInteger swallowed = new AtomicInteger();
    EdgeFault noPongs =
        new EdgeFault() {
          @Override
          public List<ServerFrame> toAdapter(EdgeRecorder.Session s, ServerFrame frame) {
            if (frame.hasPong()) {
              swallowed.incrementAndGet();
              return List.of();
            }
            return List.of(frame);
          }
        };
    int silent = kit.edge.mark();
    long from = System.currentTimeMillis();
    kit.edge.install(noPongs);
    try {
      Optional<Event> gaveUp =
          kit.edge.await(
              silent,
              e ->
                  (e.kind() == Kind.ENDED && e.session() == session.get())
                      || (e.kind() == Kind.FROM_ADAPTER
                          && e.client().hasHello()
                          && e.session() != session.get()),
              kit.deadline(kit.settings.deadSessionWithin()));
      if (gaveUp.isEmpty()) {
        return FAIL
            + "kept a session whose Pongs stopped ("
            + swallowed.get()
            + " swallowed) for "
            + kit.settings.deadSessionWithin().toSeconds()
            + " s";
      }
      evidence.add(
          kit.at(gaveUp.get())
              + " gave the session up after "
              + (gaveUp.get().atMs() - from)
              + " ms without Pongs ("
              + swallowed.get()
              + " swallowed)");
    } finally {
      kit.edge.remove(noPongs);
    }
    Optional<Event> welcomed =
        kit.toAdapter(silent, ServerFrame::hasWelcome, kit.deadline(kit.settings.connectTimeout()));
    if (welcomed.isEmpty()) {
      return FAIL + "did not open a new session after giving one up";
    }
    evidence.add(kit.at(welcomed.get()) + " new session welcomed");
    return "pinged a quiet session and replaced one whose Pongs stopped";
  }

  // --- reconnects-with-backoff ----------------------------------------------------------------

  /**
   * The edge ends the adapter's session and refuses its next attempts (closing UNAVAILABLE, no
   * retry_after_ms). Its attempts must be spaced (at least 100 ms apart, at least 1 s for all of
   * them), and it must connect once the refusals stop.
   */
  static String reconnectsWithBackoff(Kit kit, List<String> evidence) throws Exception {
    Optional<Long> session = kit.connected(kit.deadline(kit.settings.answerWithin()));
    Optional<EdgeRecorder.Session> open = session.flatMap(kit.edge::session);
    if (open.isEmpty()) {
      return FAIL + "no session open";
    }
    int refusals = kit.settings.refusedHellos();
    AtomicInteger refused = new AtomicInteger();
    EdgeFault refuseHellos =
        new EdgeFault() {
          @Override
          public boolean fromAdapter(EdgeRecorder.Session s, ClientFrame frame) {
            if (frame.hasHello() && refused.getAndIncrement() < refusals) {
              s.inject(
                  ServerFrame.newBuilder()
                      .setError(
                          SessionError.newBuilder()
                              .setError(
                                  ErrorCodes.error(
                                      ErrorCode.UNAVAILABLE,
                                      "conformance sandbox: a scripted refusal"))
                              .setClosing(true))
                      .build());
              s.end();
              return false;
            }
            return true;
          }
        };
    int mark = kit.edge.mark();
    kit.edge.install(refuseHellos);
    try {
      long endedAt = System.currentTimeMillis();
      open.get().end();
      evidence.add("ended the session; refusing the next " + refusals + " Hellos");
      Optional<Event> welcomed =
          kit.toAdapter(mark, ServerFrame::hasWelcome, kit.deadline(kit.settings.connectTimeout()));
      List<Long> attempts = new ArrayList<>();
      for (Event e : kit.edge.since(mark)) {
        if (e.kind() == Kind.FROM_ADAPTER && e.client().hasHello()) {
          attempts.add(e.atMs());
        }
      }
      List<Long> gaps = new ArrayList<>();
      long previous = endedAt;
      for (long a : attempts) {
        gaps.add(a - previous);
        previous = a;
      }
      evidence.add(attempts.size() + " attempts; ms from the end (or previous attempt): " + gaps);
      if (attempts.size() <= refusals || welcomed.isEmpty()) {
        return FAIL
            + "did not open a session again within "
            + kit.settings.connectTimeout().toSeconds()
            + " s ("
            + attempts.size()
            + " attempts)";
      }
      List<Long> between = gaps.subList(1, refusals + 1);
      long shortest = between.stream().mapToLong(Long::longValue).min().orElse(0);
      long total = between.stream().mapToLong(Long::longValue).sum();
      if (shortest < 100 || total < 1000) {
        return FAIL
            + "reconnected in a tight loop: attempts "
            + between
            + " ms apart (at least 100 ms each and 1 s over "
            + refusals
            + " attempts expected)";
      }
      return "attempts " + between + " ms apart, then connected";
    } finally {
      kit.edge.remove(refuseHellos);
    }
  }

  // --- acknowledges-after-storing -------------------------------------------------------------

  /**
   * Five messages to the echo user; at the adapter's first Acknowledge of one of them the kit kills
   * the adapter's process (SIGKILL) and starts it again. After the restart it must echo every
   * message it had acknowledged (the contract: on start it echoes again what it stored), so none
   * was acknowledged before it was stored.
   */
  static String acknowledgesAfterStoring(Kit kit, List<String> evidence) throws Exception {
    if (kit.adapter.isEmpty()) {
      return SKIP + "needs --adapter-command (the kit kills and restarts the adapter)";
    }
    AdapterProcess adapter = kit.adapter.get();
    if (kit.connected(kit.deadline(kit.settings.connectTimeout())).isEmpty()) {
      return FAIL + "no session open";
    }
    int count = 5;
    List<String> bodies = new ArrayList<>();
    List<Long> sequences = new ArrayList<>();
    CrashOnAcknowledge crash = new CrashOnAcknowledge(adapter::kill);
    EdgeFault killOnAck =
        new EdgeFault() {
          @Override
          public boolean fromAdapter(EdgeRecorder.Session s, ClientFrame frame) {
            if (frame.hasAcknowledge()
                && frame.getAcknowledge().getMailbox().equals(kit.echoUser())) {
              crash.acknowledged(frame.getAcknowledge().getUpToSequence());
            }
            return true;
          }
        };
    int mark = kit.edge.mark();
    kit.edge.install(killOnAck);
    try {
      for (int i = 1; i <= count && !crash.crashed(); i++) {
        String body = "stored " + kit.runId + " " + i;
        SubmitOutcome.Accepted accepted =
            kit.send(kit.messageId("crash"), "peer", kit.echoUser(), body);
        bodies.add(body);
        sequences.add(accepted.sequence());
        crash.sent(accepted.sequence());
      }
      Optional<Event> ack =
          kit.ack(
              mark, kit.echoUser(), sequences.get(0), kit.deadline(kit.settings.answerWithin()));
      if (ack.isEmpty()) {
        return FAIL
            + "acknowledged none of the messages within "
            + kit.settings.answerWithin().toSeconds()
            + " s";
      }
      // The edge records a frame before its faults see it: the Acknowledge found here may not have
      // reached killOnAck yet, which the finally below removes, so this thread counts it too.
      crash.acknowledged(ack.get().client().getAcknowledge().getUpToSequence());
      evidence.add(
          "sent "
              + bodies.size()
              + " messages (sequences "
              + sequences
              + "); "
              + kit.at(ack.get())
              + " Acknowledge up_to_sequence "
              + crash.crashedAt()
              + ": adapter killed (SIGKILL)");
    } finally {
      kit.edge.remove(killOnAck);
    }
    if (!adapter.awaitExit(30)) {
      return FAIL + "the adapter's process did not die after SIGKILL";
    }
    int restarted = kit.edge.mark();
    adapter.start();
    Optional<Event> welcomed =
        kit.toAdapter(
            restarted, ServerFrame::hasWelcome, kit.deadline(kit.settings.connectTimeout()));
    if (welcomed.isEmpty()) {
      return FAIL + "the restarted adapter opened no session";
    }
    evidence.add(kit.at(welcomed.get()) + " restarted adapter welcomed");
    List<String> missing = new ArrayList<>();
    long deadline = kit.deadline(kit.settings.answerWithin());
    for (int i = 0; i < bodies.size(); i++) {
      if (sequences.get(i) > crash.crashedAt()) {
        continue;
      }
      Optional<Event> echoed = kit.echo(restarted, bodies.get(i), deadline);
      if (echoed.isEmpty()) {
        missing.add("sequence " + sequences.get(i));
      } else {
        evidence.add(
            kit.at(echoed.get()) + " sequence " + sequences.get(i) + " echoed after the restart");
      }
    }
    if (!missing.isEmpty()) {
      return FAIL
          + "acknowledged before storing: "
          + missing
          + " acknowledged before the crash but not in its storage after the restart (not echoed"
          + " within "
          + kit.settings.answerWithin().toSeconds()
          + " s); the broker will never push them again";
    }
    return "everything acknowledged before the crash (up to sequence "
        + crash.crashedAt()
        + ") was stored";
  }

  /** Runs the chosen scenarios in order; an unexpected failure of the kit fails that scenario. */
  static List<ScenarioResult> run(Kit kit, java.util.function.Consumer<ScenarioResult> printed) {
    List<ScenarioResult> results = new ArrayList<>();
    boolean neverConnected = false;
    for (Scenario scenario : ALL) {
      if (!kit.settings.scenarios().isEmpty()
          && !kit.settings.scenarios().contains(scenario.id())) {
        continue;
      }
      List<String> evidence = new ArrayList<>();
      long started = System.currentTimeMillis();
      String reason;
      try {
        // An adapter that never connected is waited for once, not once per scenario.
        if (kit.connected(
                neverConnected
                    ? System.currentTimeMillis()
                    : kit.deadline(kit.settings.connectTimeout()))
            .isEmpty()) {
          neverConnected = results.isEmpty() || neverConnected;
          reason = FAIL + "the adapter holds no session of " + kit.platform;
        } else {
          reason = scenario.check().run(kit, evidence);
        }
      } catch (Exception e) {
        reason = FAIL + "the kit could not run it: " + e;
      }
      Verdict verdict =
          reason.startsWith(FAIL)
              ? Verdict.FAIL
              : reason.startsWith(SKIP) ? Verdict.SKIPPED : Verdict.PASS;
      if (verdict != Verdict.PASS) {
        reason = reason.substring(FAIL.length());
      }
      ScenarioResult result =
          new ScenarioResult(
              scenario.id(),
              scenario.title(),
              scenario.rule(),
              verdict,
              reason,
              List.copyOf(evidence),
              System.currentTimeMillis() - started);
      printed.accept(result);
      results.add(result);
    }
    return results;
  }

  /** The failure of a scenario whose adapter did not echo as conformance mode requires. */
  private static String noEcho(Kit kit) {
    return FAIL + "no echo within " + kit.settings.answerWithin().toSeconds() + " s (the contract)";
  }
}
