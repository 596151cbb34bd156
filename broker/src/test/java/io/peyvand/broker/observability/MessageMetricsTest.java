package io.peyvand.broker.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.broker.observability.MessageMetrics.Kind;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

    String text = Rendered.text(metrics::registerIn);
    assertTrue(
        text.contains("peyvand_messages_accepted_total{kind=\"direct\",platform=\"eitaa\"} 2.0\n"),
        text);
    assertTrue(
        text.contains("peyvand_messages_duplicate_total{kind=\"group\",platform=\"eitaa\"} 1.0\n"),
        text);
    assertTrue(
        text.contains("peyvand_items_delivered_total{kind=\"direct\",platform=\"bale\"} 1.0\n"),
        text);
    assertTrue(
        text.contains("peyvand_items_redelivered_total{kind=\"group\",platform=\"bale\"} 1.0\n"),
        text);
    assertTrue(
        text.contains("peyvand_items_acknowledged_total{kind=\"direct\",platform=\"bale\"} 3.0\n"),
        text);
    assertTrue(
        text.contains("peyvand_items_acknowledged_total{kind=\"status\",platform=\"bale\"} 0.0\n"),
        text);
    // statuses are never submitted: no such series for accepted
    assertFalse(
        text.contains("peyvand_messages_accepted_total{kind=\"status\",platform=\"eitaa\"}"), text);
    assertTrue(text.contains("peyvand_sessions{platform=\"bale\",transport=\"grpc\"} 1.0\n"), text);
    assertTrue(
        text.contains("peyvand_sessions{platform=\"bale\",transport=\"websocket\"} 1.0\n"), text);
    assertTrue(text.contains("peyvand_persist_seconds_count{entity=\"mailbox\"} 1\n"), text);
    assertTrue(text.contains("peyvand_persist_seconds_count{entity=\"group\"} 0\n"), text);
    assertTrue(
        text.contains("peyvand_submit_seconds_count{kind=\"direct\",result=\"accepted\"} 0\n"),
        text);
    for (String name : MessageMetrics.NAMES) {
      assertTrue(text.contains("# TYPE " + name + " "), name);
    }
    assertEquals(1, metrics.sessions("bale", "grpc"));
  }

  @Test
  void latenciesFallInCumulativeBucketsWithSumAndCountInSeconds() {
    MessageMetrics metrics = new MessageMetrics();
    long now = System.nanoTime();
    metrics.persisted(MessageMetrics.Entity.GROUP, now - 200_000); // 0.2 ms: the first bucket
    metrics.persisted(MessageMetrics.Entity.GROUP, now - 30_000_000); // 30 ms: le="0.05"
    metrics.persisted(MessageMetrics.Entity.GROUP, now - 60_000_000_000L); // 60 s: only +Inf
    metrics.persisted(MessageMetrics.Entity.GROUP, now + 5_000_000_000L); // a step back: 0
    String text = Rendered.text(metrics::registerIn);
    assertTrue(
        text.contains("peyvand_persist_seconds_bucket{entity=\"group\",le=\"0.001\"} 2\n"), text);
    assertTrue(
        text.contains("peyvand_persist_seconds_bucket{entity=\"group\",le=\"0.025\"} 2\n"), text);
    assertTrue(
        text.contains("peyvand_persist_seconds_bucket{entity=\"group\",le=\"0.05\"} 3\n"), text);
    assertTrue(
        text.contains("peyvand_persist_seconds_bucket{entity=\"group\",le=\"10.0\"} 3\n"), text);
    assertTrue(
        text.contains("peyvand_persist_seconds_bucket{entity=\"group\",le=\"+Inf\"} 4\n"), text);
    assertTrue(text.contains("peyvand_persist_seconds_count{entity=\"group\"} 4\n"), text);
    Matcher sum =
        Pattern.compile("peyvand_persist_seconds_sum\\{entity=\"group\"} ([0-9.]+)\n")
            .matcher(text);
    assertTrue(sum.find(), text);
    double seconds = Double.parseDouble(sum.group(1));
    assertTrue(seconds >= 60.03 && seconds < 61, "the sum in seconds: " + seconds);
  }
}
