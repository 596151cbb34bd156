package io.peyvand.broker.observability;

import static io.peyvand.broker.TestBroker.sample;
import static io.peyvand.broker.TestGroups.post;
import static io.peyvand.broker.ingress.RawSession.text;
import static io.peyvand.broker.ingress.RawSession.user;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.broker.ActingGroups;
import io.peyvand.broker.TestBroker;
import io.peyvand.broker.TestGroups;
import io.peyvand.broker.delivery.SessionDirectory;
import io.peyvand.broker.ingress.RawSession;
import io.peyvand.broker.ingress.ws.RawWebSocket;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import io.peyvand.protocol.v1.ChangeMembersRequest;
import io.peyvand.protocol.v1.ClientFrame;
import io.peyvand.protocol.v1.Delivery;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.GroupAcknowledge;
import io.peyvand.protocol.v1.GroupAddress;
import io.peyvand.protocol.v1.GroupDelivery;
import io.peyvand.protocol.v1.GroupKind;
import io.peyvand.protocol.v1.MemberChange;
import io.peyvand.protocol.v1.ServerFrame;
import io.peyvand.protocol.v1.SubmitResult;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The message metrics of a node as an SRE scrapes them: real gRPC and WebSocket sessions send,
 * receive, acknowledge, reconnect and get refused on a broker over the real Cassandra, then {@code
 * GET /metrics} over HTTP must show exactly what happened, per platform, kind and error code.
 * Redelivery timers are set far beyond the test, so the only redelivery is the one it provokes (a
 * session replaced before acknowledging).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsIT {
  @RegisterExtension static final CassandraKeyspace cassandra = new CassandraKeyspace();
  private static final Duration WAIT = Duration.ofSeconds(30);

  @RegisterExtension
  final TestBroker node =
      TestBroker.perClass(
          cassandra,
          TestBroker.FOUR_PLATFORMS
              + """
        peyvand.mailbox.redelivery-after = 10m
        peyvand.groups.redelivery-after = 10m
        peyvand.groups.posts-per-second = 0
        """);

  @Test
  void messagesDeliveriesAcknowledgementsRefusalsAndSessionsAreCountedExactly() throws Exception {
    Map<String, Long> expected = new LinkedHashMap<>();
    Inbox eitaa = new Inbox(RawSession.hello(node, "eitaa"));
    Inbox bale = new Inbox(RawSession.hello(node, "bale"));
    // rubika receives nothing here: its session only shows in the gauge.
    RawWebSocket rubikaWs = RawWebSocket.hello(node, "rubika");
    try {
      awaitValues(
          Map.of(
              "peyvand_sessions{platform=\"eitaa\",transport=\"grpc\"}", 1L,
              "peyvand_sessions{platform=\"rubika\",transport=\"websocket\"}", 1L,
              "peyvand_sessions{platform=\"bale\",transport=\"grpc\"}", 1L));

      // A WebSocket message that is not a frame: refused, the session goes on.
      rubikaWs.sendText("not a frame");
      assertEquals(
          ErrorCode.INVALID_FRAME,
          rubikaWs.expect(ServerFrame::hasError, WAIT).getError().getError().getCode());
      expected.put("peyvand_refusals_total{code=\"INVALID_FRAME\",platform=\"unidentified\"}", 1L);

      // Three messages accepted, one repeated (duplicate), one spoofed sender (refused).
      for (int i = 1; i <= 3; i++) {
        eitaa.session.submit(i, text("m-" + i, "eitaa:alice", "bale:bob", "salam " + i));
        assertTrue(result(eitaa).hasAccepted());
      }
      eitaa.session.submit(4, text("m-1", "eitaa:alice", "bale:bob", "salam 1"));
      assertTrue(result(eitaa).hasDuplicate());
      eitaa.session.submit(5, text("x-1", "bale:mallory", "bale:bob", "spoof"));
      assertEquals(ErrorCode.SENDER_NOT_ON_PLATFORM, result(eitaa).getRefused().getCode());

      // bale receives the three, acknowledges two, then a sequence it was never sent (refused).
      List<Delivery> received = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        Delivery d = bale.next(ServerFrame::hasDelivery).getDelivery();
        assertFalse(d.getRedelivery());
        received.add(d);
      }
      bale.session.ack(user("bale:bob"), received.get(1).getSequence());
      bale.session.ack(user("bale:bob"), 99);
      assertEquals(
          ErrorCode.UNKNOWN_SEQUENCE,
          bale.next(ServerFrame::hasError).getError().getError().getCode());

      // eitaa is told "delivered" twice and acknowledges both statuses.
      long statusUpTo = 0;
      for (int i = 0; i < 2; i++) {
        statusUpTo =
            eitaa
                .next(f -> f.hasDelivery() && f.getDelivery().hasStatus())
                .getDelivery()
                .getSequence();
      }
      eitaa.session.ack(user("eitaa:alice"), statusUpTo);

      // bale's session goes away before acknowledging the third; the next one receives it
      // again, flagged, and acknowledges it: eitaa is told once more (not acknowledged).
      bale.session.close();
      // Gone from this node's view first, so that the next session is a change the directory
      // announces (it wakes the mailbox), not one that overlaps the old.
      awaitValues(Map.of("peyvand_sessions{platform=\"bale\",transport=\"grpc\"}", 0L));
      long gone = System.nanoTime() + WAIT.toNanos();
      while (SessionDirectory.get(node.system()).sessionCount("bale") > 0
          && System.nanoTime() < gone) {
        Thread.sleep(50);
      }
      assertEquals(0, SessionDirectory.get(node.system()).sessionCount("bale"));
      bale = new Inbox(RawSession.hello(node, "bale"));
      Delivery again = bale.next(ServerFrame::hasDelivery).getDelivery();
      assertTrue(again.getRedelivery(), again.toString());
      assertEquals(received.get(2).getSequence(), again.getSequence());
      bale.session.ack(user("bale:bob"), again.getSequence());
      eitaa.next(f -> f.hasDelivery() && f.getDelivery().hasStatus());

      expected.put("peyvand_messages_accepted_total{kind=\"direct\",platform=\"eitaa\"}", 3L);
      expected.put("peyvand_messages_duplicate_total{kind=\"direct\",platform=\"eitaa\"}", 1L);
      expected.put("peyvand_items_delivered_total{kind=\"direct\",platform=\"bale\"}", 3L);
      expected.put("peyvand_items_redelivered_total{kind=\"direct\",platform=\"bale\"}", 1L);
      expected.put("peyvand_items_acknowledged_total{kind=\"direct\",platform=\"bale\"}", 3L);
      expected.put("peyvand_items_delivered_total{kind=\"status\",platform=\"eitaa\"}", 3L);
      expected.put("peyvand_items_redelivered_total{kind=\"status\",platform=\"eitaa\"}", 0L);
      expected.put("peyvand_items_acknowledged_total{kind=\"status\",platform=\"eitaa\"}", 2L);
      expected.put("peyvand_items_delivered_total{kind=\"direct\",platform=\"eitaa\"}", 0L);
      expected.put("peyvand_items_delivered_total{kind=\"status\",platform=\"bale\"}", 0L);
      expected.put(
          "peyvand_refusals_total{code=\"SENDER_NOT_ON_PLATFORM\",platform=\"eitaa\"}", 1L);
      expected.put("peyvand_refusals_total{code=\"UNKNOWN_SEQUENCE\",platform=\"bale\"}", 1L);
      expected.put("peyvand_submit_seconds_count{kind=\"direct\",result=\"accepted\"}", 3L);
      expected.put("peyvand_submit_seconds_count{kind=\"direct\",result=\"duplicate\"}", 1L);
      expected.put("peyvand_submit_seconds_count{kind=\"direct\",result=\"refused\"}", 1L);
      // bob: 3 messages; alice: 3 statuses. Acknowledgements are not timed: they are stored with
      // the mailbox's next write (PROTOCOL.md §5.4).
      expected.put("peyvand_persist_seconds_count{entity=\"mailbox\"}", 6L);
      awaitValues(expected);

      groupPhase(expected, eitaa, bale);

      String body = awaitValues(expected);
      assertTrue(
          sample(body, "peyvand_persist_seconds_sum{entity=\"mailbox\"}").orElseThrow() > 0, body);
      assertEquals(
          6.0,
          sample(body, "peyvand_persist_seconds_bucket{entity=\"mailbox\",le=\"+Inf\"}")
              .orElseThrow());
      // The journal's Cassandra requests: at least the mailboxes' and groups' events went
      // through them (platform registrations too), none failed.
      double persisted =
          sample(body, "peyvand_persist_seconds_count{entity=\"mailbox\"}").orElseThrow()
              + sample(body, "peyvand_persist_seconds_count{entity=\"group\"}").orElseThrow();
      assertTrue(
          sample(body, "peyvand_persist_seconds_count{entity=\"group\"}").orElseThrow() >= 3,
          body); // created, member added, post
      assertTrue(sample(body, "peyvand_journal_writes_total").orElseThrow() >= persisted, body);
      assertTrue(sample(body, "peyvand_journal_write_seconds_count").orElseThrow() >= 1, body);
      assertTrue(sample(body, "peyvand_journal_write_seconds_sum").orElseThrow() > 0, body);
      assertEquals(0.0, sample(body, "peyvand_journal_write_failures_total").orElseThrow());
    } finally {
      eitaa.session.close();
      bale.session.close();
      rubikaWs.close();
    }
    awaitValues(
        Map.of(
            "peyvand_sessions{platform=\"eitaa\",transport=\"grpc\"}", 0L,
            "peyvand_sessions{platform=\"rubika\",transport=\"websocket\"}", 0L,
            "peyvand_sessions{platform=\"bale\",transport=\"grpc\"}", 0L));
  }

  /**
   * A group eitaa:fam with eitaa:owner and bale:bob: one post accepted, one refused (not a member),
   * one group call refused (exists); each platform acknowledges every group item it receives, and
   * the counters must equal what the platforms saw.
   */
  private void groupPhase(Map<String, Long> expected, Inbox eitaa, Inbox bale) throws Exception {
    ActingGroups groups = node.groups();
    try {
      GroupAddress fam = GroupAddress.newBuilder().setPlatformId("eitaa").setGroupId("fam").build();
      groups
          .createGroup(TestGroups.creation(fam, "eitaa:owner", "Family", GroupKind.GROUP).build())
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      groups
          .changeMembers(
              ChangeMembersRequest.newBuilder()
                  .setGroup(fam)
                  .setActor(user("eitaa:owner"))
                  .addChanges(
                      MemberChange.newBuilder()
                          .setOp(MemberChange.Op.ADD)
                          .setUser(user("bale:bob")))
                  .build())
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      ExecutionException exists =
          assertThrows(
              ExecutionException.class,
              () ->
                  groups
                      .createGroup(
                          TestGroups.creation(fam, "eitaa:other", "Mine", GroupKind.GROUP).build())
                      .toCompletableFuture()
                      .get(30, TimeUnit.SECONDS));
      assertTrue(exists.getCause().getMessage().contains("GROUP_EXISTS"), exists.toString());

      eitaa.session.submit(10, post(fam, "eitaa:owner", "g-1"));
      assertTrue(result(eitaa).hasAccepted());
      bale.session.submit(11, post(fam, "bale:stranger", "g-2"));
      assertEquals(ErrorCode.NOT_PERMITTED, result(bale).getRefused().getCode());

      for (Map.Entry<String, Inbox> platform : Map.of("eitaa", eitaa, "bale", bale).entrySet()) {
        long first = 0;
        long again = 0;
        java.util.Set<Long> sequences = new java.util.HashSet<>();
        GroupDelivery d;
        do {
          d = platform.getValue().next(ServerFrame::hasGroupDelivery).getGroupDelivery();
          if (d.getRedelivery()) {
            again++;
          } else {
            first++;
          }
          sequences.add(d.getSequence());
          platform
              .getValue()
              .session
              .send(
                  ClientFrame.newBuilder()
                      .setGroupAcknowledge(
                          GroupAcknowledge.newBuilder()
                              .setGroup(fam)
                              .setUpToSequence(d.getSequence()))
                      .build());
        } while (!d.hasPost());
        String labels = "{kind=\"group\",platform=\"" + platform.getKey() + "\"}";
        expected.put("peyvand_items_delivered_total" + labels, first);
        expected.put("peyvand_items_redelivered_total" + labels, again);
        expected.put("peyvand_items_acknowledged_total" + labels, (long) sequences.size());
      }
      expected.put("peyvand_messages_accepted_total{kind=\"group\",platform=\"eitaa\"}", 1L);
      expected.put("peyvand_submit_seconds_count{kind=\"group\",result=\"accepted\"}", 1L);
      expected.put("peyvand_submit_seconds_count{kind=\"group\",result=\"refused\"}", 1L);
      expected.put("peyvand_refusals_total{code=\"NOT_PERMITTED\",platform=\"bale\"}", 1L);
      expected.put("peyvand_refusals_total{code=\"GROUP_EXISTS\",platform=\"eitaa\"}", 1L);
      // The bale members' item and the post, at least: the counts above come from the frames.
      assertTrue(
          expected.get("peyvand_items_delivered_total{kind=\"group\",platform=\"bale\"}") >= 2,
          expected.toString());
    } finally {
      groups.close();
    }
  }

  private static SubmitResult result(Inbox inbox) {
    return inbox.next(ServerFrame::hasSubmitResult).getSubmitResult();
  }

  /**
   * A session's frames, none lost: {@link #next} takes the first matching frame in arrival order
   * and keeps the others for later calls (RawSession.expect would drop them, and the test counts
   * every delivery).
   */
  private static final class Inbox {
    final RawSession session;
    private final List<ServerFrame> kept = new ArrayList<>();

    Inbox(RawSession session) {
      this.session = session;
    }

    ServerFrame next(java.util.function.Predicate<ServerFrame> matching) {
      for (java.util.Iterator<ServerFrame> it = kept.iterator(); it.hasNext(); ) {
        ServerFrame frame = it.next();
        if (matching.test(frame)) {
          it.remove();
          return frame;
        }
      }
      ServerFrame frame =
          session.expect(
              f -> {
                if (matching.test(f)) {
                  return true;
                }
                kept.add(f);
                return false;
              },
              WAIT);
      return frame;
    }
  }

  /**
   * Scrapes until every series has its expected value (counts settle shortly after the frames that
   * caused them), then returns the body; fails with the differences after the wait.
   */
  private String awaitValues(Map<String, Long> expected) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    String body;
    Map<String, String> wrong;
    do {
      body = scrape();
      wrong = new LinkedHashMap<>();
      for (Map.Entry<String, Long> e : expected.entrySet()) {
        Optional<Double> v = sample(body, e.getKey());
        if (v.isEmpty() || v.get() != e.getValue().doubleValue()) {
          wrong.put(e.getKey(), "expected " + e.getValue() + ", got " + v.orElse(null));
        }
      }
      if (wrong.isEmpty()) {
        return body;
      }
      Thread.sleep(200);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("metrics differ: " + wrong + "\n" + body);
  }

  private String scrape() throws Exception {
    HttpResponse<String> response = node.get("/metrics");
    assertEquals(200, response.statusCode());
    return response.body();
  }
}
