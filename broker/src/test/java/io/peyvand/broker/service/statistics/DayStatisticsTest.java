package io.peyvand.broker.service.statistics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.broker.model.Address;
import io.peyvand.broker.model.CallEnd;
import io.peyvand.broker.model.Content;
import io.peyvand.broker.model.Message;
import io.peyvand.broker.model.StatisticsFacts;
import io.peyvand.broker.model.Status;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A day's figures from facts as the entities write them (through their string form): each counted
 * once per fact, the traffic matrix, deliveries joined with their messages across midnight, consent
 * transitions, posts, calls, refusals; HyperLogLog within its stated error on many users.
 */
class DayStatisticsTest {
  private static final LocalDate DAY = LocalDate.parse("2026-12-05");

  @Test
  void everyKindOfFactIsCountedWhereItBelongs() {
    DayStatistics day = new DayStatistics(DAY);
    day.optedInBefore(Map.of("bale", 10L));
    Address ali = new Address("bale", "ali");
    Address sara = new Address("eitaa", "sara");
    for (int i = 0; i < 4; i++) {
      add(day, StatisticsFacts.message(message("m" + i, sara, ali), 1_000 + i));
    }
    add(day, StatisticsFacts.message(message("r1", ali, sara), 2_000));
    // Delivered: two the same day, one the next day (joined), one of another day's message.
    add(day, StatisticsFacts.status(sara, status("m0", ali, Status.Kind.DELIVERED, 1_010)));
    add(day, StatisticsFacts.status(sara, status("m1", ali, Status.Kind.DELIVERED, 1_101)));
    add(day, StatisticsFacts.status(sara, status("old", ali, Status.Kind.DELIVERED, 1_000)));
    later(day, StatisticsFacts.status(sara, status("m2", ali, Status.Kind.DELIVERED, 90_002)));
    add(day, StatisticsFacts.status(sara, status("m0", ali, Status.Kind.READ, 1_500)));
    add(
        day,
        StatisticsFacts.status(
            sara,
            new Status("m3", ali, Status.Kind.FAILED, Status.Failure.RETENTION_EXPIRED, 4, 9_000)));
    add(
        day,
        StatisticsFacts.status(
            ali,
            new Status("r1", sara, Status.Kind.FAILED, Status.Failure.RECIPIENT_GONE, 1, 9_000)));
    // Consent: in from unset, out from in, out from unset, in from in (no change in the total).
    add(day, StatisticsFacts.consent(ali, true, Optional.empty()));
    add(day, StatisticsFacts.consent(new Address("bale", "b"), false, Optional.of(true)));
    add(day, StatisticsFacts.consent(new Address("bale", "c"), false, Optional.empty()));
    // Posts and calls.
    add(day, StatisticsFacts.post(ali, false));
    add(day, StatisticsFacts.post(ali, true));
    add(day, StatisticsFacts.post(sara, true));
    add(day, StatisticsFacts.callInvited("sara#c1", sara, ali));
    add(day, StatisticsFacts.callAnswered("sara#c1", sara, ali));
    add(day, StatisticsFacts.callEnded("sara#c1", sara, ali, CallEnd.ENDED));
    add(day, StatisticsFacts.callInvited("sara#c2", sara, ali));
    add(day, StatisticsFacts.callEnded("sara#c2", sara, ali, CallEnd.NO_ANSWER));
    day.refused("bale", "RATE_LIMITED", 3);
    day.refused("peyvand:platform:bale", "RATE_LIMITED", 2);
    day.refused("unidentified", "NOT_PERMITTED", 1);
    day.refused("peyvand:admin:ops", "NOT_PERMITTED", 1);
    day.directoryLookups("eitaa", 7);

    Map<String, Object> out = day.toMap(true);
    assertEquals(
        Map.of("eitaa", Map.of("bale", 4L), "bale", Map.of("eitaa", 1L)), out.get("traffic"));
    Map<String, Object> bale = platform(out, "bale");
    Map<String, Object> eitaa = platform(out, "eitaa");
    assertEquals(4L, bale.get("messages_received"));
    assertEquals(1L, bale.get("messages_sent"));
    assertEquals(4L, eitaa.get("messages_sent"));
    assertEquals(3L, bale.get("delivered"), "today's three deliveries to bale (not tomorrow's)");
    assertEquals(1L, bale.get("read"));
    assertEquals(1L, bale.get("expired"));
    assertEquals(1L, eitaa.get("failed"));
    assertEquals(
        Map.of("count", 3L, "p50", 100L, "p99", 89_000L),
        bale.get("submit_to_delivered_ms"),
        "m0 10 ms, m1 100 ms, m2 89 s (delivered after midnight)");
    assertEquals(1L, bale.get("newly_opted_in"));
    assertEquals(2L, bale.get("opted_out"));
    assertEquals(10L, bale.get("opted_in_total"), "10 + 1 in - 1 out of in");
    assertEquals(1L, bale.get("group_posts"));
    assertEquals(1L, bale.get("channel_posts"));
    assertEquals(1L, eitaa.get("channel_posts"));
    assertEquals(2L, eitaa.get("calls_placed"));
    assertEquals(1L, bale.get("calls_answered"));
    assertEquals(1L, bale.get("calls_missed"));
    assertEquals(Map.of("RATE_LIMITED", 5L), bale.get("refusals"));
    assertEquals(
        Map.of("NOT_PERMITTED", 2L),
        platform(out, DayStatistics.NOT_A_PLATFORM).get("refusals"),
        "callers that are no platform, together");
    assertEquals(7L, eitaa.get("directory_lookups"));
    assertEquals(1L, eitaa.get("active_senders"), "sara, by messages and a post");
    assertEquals(1L, bale.get("active_senders"), "ali");
    assertEquals(1L, bale.get("active_recipients"));
    assertEquals(
        Map.of("bale", 10L, "eitaa", 0L, DayStatistics.NOT_A_PLATFORM, 0L), day.optedInTotals());
  }

  @Test
  void distinctUsersAreEstimatedWithinTheStatedError() {
    for (int n : List.of(1_000, 50_000, 300_000)) {
      HyperLogLog sketch = new HyperLogLog();
      for (int i = 0; i < n; i++) {
        sketch.add(
            StatisticsFacts.parse(fact(i))
                .map(f -> ((StatisticsFacts.MessageFact) f).sender())
                .orElseThrow());
      }
      double error = Math.abs(sketch.estimate() - n) / (double) n;
      assertTrue(error < 3 * 0.0163, n + " users estimated " + sketch.estimate());
    }
  }

  @Test
  void aStringThatIsNoFactIsSkipped() {
    assertTrue(StatisticsFacts.parse("m|only|three").isEmpty());
    assertTrue(StatisticsFacts.parse("z|unknown").isEmpty());
    assertTrue(StatisticsFacts.parse("s|a|b|DELIVERED|NONE|k|notanumber").isEmpty());
  }

  private static String fact(int i) {
    return StatisticsFacts.message(
        message("x", new Address("eitaa", "user" + i), new Address("bale", "u")), 0);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> platform(Map<String, Object> day, String id) {
    return (Map<String, Object>) ((Map<String, Object>) day.get("platforms")).get(id);
  }

  private static void add(DayStatistics day, String fact) {
    day.add(StatisticsFacts.parse(fact).orElseThrow(() -> new AssertionError(fact)));
  }

  private static void later(DayStatistics day, String fact) {
    day.addLater(StatisticsFacts.parse(fact).orElseThrow());
  }

  private static Message message(String id, Address from, Address to) {
    return new Message(id, from, to, 0, "", new Content.Text("hi"));
  }

  private static Status status(String id, Address recipient, Status.Kind kind, long at) {
    return new Status(id, recipient, kind, Status.Failure.NONE, 1, at);
  }
}
