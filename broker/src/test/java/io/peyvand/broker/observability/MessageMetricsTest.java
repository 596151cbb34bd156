package io.peyvand.broker.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.broker.observability.MessageMetrics.Kind;
import org.junit.jupiter.api.Test;

class MessageMetricsTest {

  @Test
  void countersAreRenderedPerPlatformAndKindAndSessionsPerTransport() {
    MessageMetrics metrics = new MessageMetrics();
    MessageMetrics.PlatformCounters eitaa = metrics.platform("eitaa");
    eitaa.accepted(Kind.DIRECT);
    eitaa.accepted(Kind.DIRECT);
    eitaa.duplicate(Kind.GROUP);
    MessageMetrics.PlatformCounters bale = metrics.platform("bale");
    bale.pushed(Kind.DIRECT, false);
    bale.pushed(Kind.DIRECT, true);
    bale.pushed(Kind.GROUP, true);
    bale.acknowledged(Kind.DIRECT, 3);
    bale.acknowledged(Kind.STATUS, 0);
    Runnable closed = metrics.sessionOpened("bale", "grpc");
    metrics.sessionOpened("bale", "websocket");
    metrics.sessionOpened("bale", "grpc");
    closed.run();
    closed.run(); // once only
    metrics.persisted(MessageMetrics.Entity.MAILBOX, System.nanoTime());

    StringBuilder out = new StringBuilder();
    metrics.render(out);
    String text = out.toString();
    assertTrue(text.contains(
        "peyvand_messages_accepted_total{platform=\"eitaa\",kind=\"direct\"} 2\n"), text);
    assertTrue(text.contains(
        "peyvand_messages_duplicate_total{platform=\"eitaa\",kind=\"group\"} 1\n"), text);
    assertTrue(text.contains(
        "peyvand_items_delivered_total{platform=\"bale\",kind=\"direct\"} 1\n"), text);
    assertTrue(text.contains(
        "peyvand_items_redelivered_total{platform=\"bale\",kind=\"group\"} 1\n"), text);
    assertTrue(text.contains(
        "peyvand_items_acknowledged_total{platform=\"bale\",kind=\"direct\"} 3\n"), text);
    assertTrue(text.contains(
        "peyvand_items_acknowledged_total{platform=\"bale\",kind=\"status\"} 0\n"), text);
    // statuses are never submitted: no such series for accepted
    assertFalse(text.contains(
        "peyvand_messages_accepted_total{platform=\"eitaa\",kind=\"status\"}"), text);
    assertTrue(text.contains("peyvand_sessions{platform=\"bale\",transport=\"grpc\"} 1\n"), text);
    assertTrue(text.contains("peyvand_sessions{platform=\"bale\",transport=\"websocket\"} 1\n"),
        text);
    assertTrue(text.contains("peyvand_persist_seconds_count{entity=\"mailbox\"} 1\n"), text);
    assertTrue(text.contains("peyvand_persist_seconds_count{entity=\"group\"} 0\n"), text);
    assertTrue(text.contains(
        "peyvand_submit_seconds_count{kind=\"direct\",result=\"accepted\"} 0\n"), text);
    for (String name : MessageMetrics.NAMES) {
      assertTrue(text.contains("# TYPE " + name + " "), name);
    }
    assertEquals(1, metrics.sessions("bale", "grpc"));
  }
}
