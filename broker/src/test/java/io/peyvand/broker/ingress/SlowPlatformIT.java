package io.peyvand.broker.ingress;

import static io.peyvand.broker.ingress.RawSession.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.broker.TestBroker;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import io.peyvand.protocol.v1.ClientFrame;
import io.peyvand.protocol.v1.Delivery;
import io.peyvand.protocol.v1.Envelope;
import io.peyvand.protocol.v1.Hello;
import io.peyvand.protocol.v1.MessageStatus;
import io.peyvand.protocol.v1.ServerFrame;
import io.peyvand.protocol.v1.SubmitResult;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A slow platform does not slow the others (PROTOCOL.md §4.5, §5.2): in one run, the latency of
 * paced traffic between two healthy platforms (Eitaa to Bale, over real gRPC) is measured first
 * alone, then while two slow platforms hold thousands of messages: Rubika's adapter reads every
 * delivery and never acknowledges (so its whole backlog is pushed again every second), Soroush's
 * adapter stops reading its stream after the Welcome (its session's buffer fills and its mailboxes
 * are told to retry). The median with them may be at most three times the median without (or {@link
 * #FLOOR_MS}, so that noise on small numbers does not fail the test), and the healthy platforms
 * receive every message and every status both times.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SlowPlatformIT {
  @RegisterExtension static final CassandraKeyspace cassandra = new CassandraKeyspace();
  private static final Duration WAIT = Duration.ofSeconds(60);

  /** Healthy messages per measured round, sent one every {@link #PACE_MS}. */
  private static final int HEALTHY = 200;

  private static final long PACE_MS = 20;

  /** Users of each slow platform, and messages to each (below the delivery window of 64). */
  private static final int SLOW_USERS = 80;

  private static final int PER_SLOW_USER = 10;
  private static final double RATIO = 3.0;
  private static final long FLOOR_MS = 100;

  private TestBroker node;

  @BeforeAll
  void start() throws Exception {
    node =
        TestBroker.start(
            "SlowPlatformIT",
            cassandra,
            TestBroker.FIVE_PLATFORMS
                + """
            # Whatever Rubika does not acknowledge is pushed again every second.
            peyvand.mailbox.redelivery-after = 1s
            """);
  }

  @AfterAll
  void stop() {
    node.close();
  }

  @Test
  void aPlatformThatNeverAcknowledgesOrStopsReadingLeavesTheOthersLatencyAlone() throws Exception {
    healthyRound("warm-up", HEALTHY); // the first mailboxes, shards, journal writes and JIT
    Round without = healthyRound("calm", HEALTHY);

    AtomicBoolean stopDraining = new AtomicBoolean();
    AtomicLong atRubika = new AtomicLong();
    AtomicLong redeliveredToRubika = new AtomicLong();
    try (RawSession rubika = RawSession.hello(node, "rubika");
        RawHttp2 stalledSoroush = stalled(node, "soroush");
        RawSession igap = RawSession.hello(node, "igap")) {
      Thread drain =
          new Thread(
              () -> {
                while (!stopDraining.get()) {
                  ServerFrame frame = poll(rubika);
                  if (frame != null && frame.hasDelivery()) {
                    atRubika.incrementAndGet();
                    if (frame.getDelivery().getRedelivery()) {
                      redeliveredToRubika.incrementAndGet();
                    }
                  }
                }
              },
              "rubika-never-acknowledges");
      drain.setDaemon(true);
      drain.start();

      long floodStarted = System.nanoTime();
      int flooded = flood(igap);
      long floodMs = (System.nanoTime() - floodStarted) / 1_000_000;
      Thread.sleep(2_000); // a redelivery round or two, and Soroush's buffers full

      Round with = healthyRound("slow", HEALTHY);
      stopDraining.set(true);
      drain.join(5_000);

      System.out.printf(
          "SlowPlatformIT: healthy p50/p90/max without %d/%d/%d ms, with %d/%d/%d ms;"
              + " %d flooded in %d ms; Rubika got %d deliveries (%d redeliveries)%n",
          without.percentileMs(0.5),
          without.percentileMs(0.9),
          without.percentileMs(1.0),
          with.percentileMs(0.5),
          with.percentileMs(0.9),
          with.percentileMs(1.0),
          flooded,
          floodMs,
          atRubika.get(),
          redeliveredToRubika.get());

      assertTrue(
          atRubika.get() >= (long) SLOW_USERS * PER_SLOW_USER && redeliveredToRubika.get() > 0,
          "Rubika was pushed its backlog and pushed it again: " + atRubika + " deliveries");
      long bound = Math.max((long) (RATIO * without.percentileMs(0.5)), FLOOR_MS);
      assertTrue(
          with.percentileMs(0.5) <= bound,
          "healthy p50 with slow platforms "
              + with.percentileMs(0.5)
              + " ms, without "
              + without.percentileMs(0.5)
              + " ms: over the bound of "
              + bound
              + " ms");

      // Soroush's stuck connection goes; a session that reads takes every item: nothing was lost.
      stalledSoroush.close();
      Set<String> atSoroush = new HashSet<>();
      try (RawSession soroush = RawSession.hello(node, "soroush")) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (atSoroush.size() < SLOW_USERS * PER_SLOW_USER && System.nanoTime() < deadline) {
          ServerFrame frame = poll(soroush);
          if (frame != null && frame.hasDelivery()) {
            Delivery d = frame.getDelivery();
            atSoroush.add(d.getMailbox().getUserId() + "/" + d.getSequence());
            soroush.ack(d.getMailbox(), d.getSequence());
          }
        }
      }
      assertEquals(SLOW_USERS * PER_SLOW_USER, atSoroush.size(), "every item once Soroush reads");
    }
  }

  private static ServerFrame poll(RawSession session) {
    try {
      return session.poll(Duration.ofMillis(100));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /**
   * Submits {@link #PER_SLOW_USER} messages to each of {@link #SLOW_USERS} users of Rubika (1 KB
   * each) and of Soroush (4 KB each), from users of iGap, 250 at a time; every one is accepted.
   */
  private int flood(RawSession igap) {
    int total = 2 * SLOW_USERS * PER_SLOW_USER;
    String rubikaBody = "r".repeat(1024);
    String soroushBody = "s".repeat(4096);
    Map<Long, Envelope> byCorrelation = new ConcurrentHashMap<>();
    long correlation = 0;
    for (int sent = 0; sent < total; ) {
      int batch = Math.min(250, total - sent);
      for (int i = 0; i < batch; i++, sent++) {
        int user = (sent / 2) % SLOW_USERS;
        boolean toRubika = sent % 2 == 0;
        Envelope envelope =
            text(
                "flood-" + sent,
                "igap:f" + user,
                (toRubika ? "rubika:r" : "soroush:s") + user,
                toRubika ? rubikaBody : soroushBody);
        byCorrelation.put(++correlation, envelope);
        igap.submit(correlation, envelope);
      }
      for (int i = 0; i < batch; i++) {
        SubmitResult result = igap.expect(ServerFrame::hasSubmitResult, WAIT).getSubmitResult();
        if (RawSession.mayResend(result)) {
          igap.submit(result.getCorrelationId(), byCorrelation.get(result.getCorrelationId()));
          i--;
          continue;
        }
        assertTrue(result.hasAccepted() || result.hasDuplicate(), result.toString());
      }
    }
    return total;
  }

  /** Latencies of one measured round, sorted. */
  private record Round(long[] latencyMs) {
    long percentileMs(double q) {
      return latencyMs[(int) Math.round(q * (latencyMs.length - 1))];
    }
  }

  /**
   * Eitaa sends {@code messages} messages to Bale, one every {@link #PACE_MS} over ten
   * conversations, each carrying its send time; Bale's adapter acknowledges each delivery, Eitaa's
   * each status. Returns each message's latency from submission to delivery, after checking that
   * every message was accepted, delivered and reported DELIVERED.
   */
  private Round healthyRound(String tag, int messages) throws Exception {
    Map<String, Long> latencyNanos = new ConcurrentHashMap<>();
    AtomicBoolean done = new AtomicBoolean();
    try (RawSession bale = RawSession.hello(node, "bale");
        RawSession eitaa = RawSession.hello(node, "eitaa")) {
      Thread reader =
          new Thread(
              () -> {
                while (!done.get()) {
                  ServerFrame frame = poll(bale);
                  long now = System.nanoTime();
                  if (frame == null || !frame.hasDelivery()) {
                    continue;
                  }
                  Delivery d = frame.getDelivery();
                  Envelope m = d.getMessage();
                  if (m.getMessageId().startsWith(tag + "-")) {
                    latencyNanos.putIfAbsent(
                        m.getMessageId(), now - Long.parseLong(m.getText().getBody()));
                  }
                  bale.ack(d.getMailbox(), d.getSequence());
                }
              },
              "bale-" + tag);
      reader.setDaemon(true);
      reader.start();

      Envelope[] sent = new Envelope[messages];
      long started = System.nanoTime();
      for (int i = 0; i < messages; i++) {
        long sleepNanos = started + i * PACE_MS * 1_000_000 - System.nanoTime();
        if (sleepNanos > 0) {
          TimeUnit.NANOSECONDS.sleep(sleepNanos);
        }
        sent[i] =
            text(
                tag + "-" + i,
                "eitaa:h" + i % 10,
                "bale:b" + i % 10,
                Long.toString(System.nanoTime()));
        eitaa.submit(i + 1, sent[i]);
      }

      int accepted = 0;
      Set<String> delivered = new HashSet<>();
      while (accepted < messages || delivered.size() < messages) {
        ServerFrame frame = eitaa.expect(f -> f.hasSubmitResult() || f.hasDelivery(), WAIT);
        if (frame.hasSubmitResult()) {
          SubmitResult result = frame.getSubmitResult();
          if (RawSession.mayResend(result)) {
            int i = (int) result.getCorrelationId() - 1;
            eitaa.submit(i + 1, sent[i]); // its latency still counts from the first submission
            continue;
          }
          assertTrue(result.hasAccepted() || result.hasDuplicate(), result.toString());
          accepted++;
        } else {
          MessageStatus status = frame.getDelivery().getStatus();
          if (status.getKind() == MessageStatus.Kind.DELIVERED
              && status.getMessageId().startsWith(tag + "-")) {
            delivered.add(status.getMessageId());
          }
          eitaa.ack(frame.getDelivery().getMailbox(), frame.getDelivery().getSequence());
        }
      }
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (latencyNanos.size() < messages && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      done.set(true);
      reader.join(5_000);
    }
    assertEquals(messages, latencyNanos.size(), tag + ": Bale received every message");
    long[] ms = latencyNanos.values().stream().mapToLong(n -> n / 1_000_000).toArray();
    Arrays.sort(ms);
    return new Round(ms);
  }

  /**
   * A session whose adapter stops reading after the Welcome, at the bottom: a hand-written HTTP/2
   * connection ({@link RawHttp2}) that never reads again and never opens its flow-control window
   * beyond the initial 64 KB, so the broker's writes to it stop and its session's bounded buffer
   * fills, as with an adapter whose host is stuck.
   */
  private static RawHttp2 stalled(TestBroker node, String platform) throws Exception {
    RawHttp2 h2 = new RawHttp2(node, platform);
    h2.startCall(1, "/peyvand.v1.Interconnect/Connect", node.grpcPort());
    h2.message(
        1,
        ClientFrame.newBuilder()
            .setHello(
                Hello.newBuilder()
                    .setProtocolVersion(1)
                    .setPlatformId(platform)
                    .setSessionName("stalled"))
            .build()
            .toByteArray());
    h2.untilData(1); // the Welcome
    return h2;
  }
}
