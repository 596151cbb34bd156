package io.peyvand.broker.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.peyvand.broker.entity.EntityTestKits;
import io.peyvand.broker.model.Address;
import io.peyvand.broker.serialization.ChannelSubscriberSnapshots;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * One subscription bucket on the in-memory journal, with event serialization checked: idempotent
 * changes, one event per change with only the changed users, the count reported until confirmed,
 * and recovery from a snapshot.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChannelSubscribersTest {
  private static final Address CHANNEL = new Address("eitaa", "news");
  // Long enough that a loaded machine does not let a report go unanswered for RETRY between two
  // steps of a test that expects no retry yet (it did at 300 ms, load 40 on 2 cores).
  private static final Duration RETRY = Duration.ofMillis(1500);
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Config CONFIG =
      EventSourcedBehaviorTestKit.config()
          .withFallback(
              ConfigFactory.parseString(
                  """
          pekko.actor.provider = local
          peyvand.channels.snapshot-every = 5
          peyvand.channels.report-retry-after = 1500ms
          """))
          .withFallback(ConfigFactory.load());

  private final ActorTestKit testKit = ActorTestKit.create("ChannelSubscribersTest", CONFIG);
  private final ChannelSettings settings =
      ChannelSettings.fromConfig(testKit.system().settings().config());
  private final AtomicInteger buckets = new AtomicInteger();
  private ScriptedSink sink;
  private SubscriberBucket bucket;
  private EventSourcedBehaviorTestKit<
          ChannelSubscribers.Command, ChannelSubscribers.Event, ChannelSubscribers.State>
      entity;

  /** Each test gets a bucket of its own, so no journal is shared. */
  @BeforeEach
  void fresh() {
    sink = new ScriptedSink();
    bucket = new SubscriberBucket(CHANNEL, "bale", buckets.incrementAndGet());
    entity =
        EntityTestKits.of(
            testKit.system(),
            ChannelSubscribers.create(bucket, settings, sink, new ChannelSubscriberSnapshots()));
  }

  @AfterAll
  void shutdown() {
    testKit.shutdownTestKit();
  }

  private CommandResultWithReply<
          ChannelSubscribers.Command,
          ChannelSubscribers.Event,
          ChannelSubscribers.State,
          ChannelSubscribers.Changed>
      subscribe(String... users) {
    return entity.runCommand(replyTo -> new ChannelSubscribers.Subscribe(List.of(users), replyTo));
  }

  private CommandResultWithReply<
          ChannelSubscribers.Command,
          ChannelSubscribers.Event,
          ChannelSubscribers.State,
          ChannelSubscribers.Changed>
      unsubscribe(String... users) {
    return entity.runCommand(
        replyTo -> new ChannelSubscribers.Unsubscribe(List.of(users), replyTo));
  }

  private ChannelSubscribers.View view() {
    return entity.<ChannelSubscribers.View>runCommand(ChannelSubscribers.GetView::new).reply();
  }

  /** Whether the entity answers that {@code user} is subscribed. */
  private boolean subscribed(String user) {
    return entity
        .<ChannelSubscribers.Subscription>runCommand(
            replyTo -> new ChannelSubscribers.Contains(user, replyTo))
        .reply()
        .subscribed();
  }

  @Test
  void subscribingIsIdempotentAndPersistsOnlyTheNewUsers() {
    var first = subscribe("ali", "sara", "reza", "sara");
    assertEquals(new ChannelSubscribers.Changed(3, 3, 1), first.reply());
    assertEquals(
        List.of(new ChannelSubscribers.Subscribed(List.of("ali", "sara", "reza"))), first.events());
    var overlapping = subscribe("reza", "maryam", "ali");
    assertEquals(new ChannelSubscribers.Changed(1, 4, 2), overlapping.reply());
    assertEquals(
        List.of(new ChannelSubscribers.Subscribed(List.of("maryam"))), overlapping.events());
    var again = subscribe("ali", "maryam");
    assertEquals(new ChannelSubscribers.Changed(0, 4, 2), again.reply());
    assertTrue(again.hasNoEvents(), "nothing changed, nothing persisted");
  }

  /**
   * FAULTS.md finding 8, for subscriber buckets: after a write that fails, the bucket recovers from
   * a fresh state, so the users of the failed write are not subscribed and the sequence counts each
   * stored event once.
   */
  @Test
  void aSubscriptionWhoseWriteFailedIsForgottenByTheNextIncarnation() {
    subscribe("ali", "sara");
    entity.persistenceTestKit().failNextPersisted();
    assertThrows(AssertionError.class, () -> subscribe("reza"), "its write fails: no answer");
    assertFalse(subscribed("reza"));
    assertEquals(
        new ChannelSubscribers.Changed(1, 3, 2),
        subscribe("maryam").reply(),
        "one added, three subscribers, the second stored event");
  }

  @Test
  void unsubscribingRemovesOnlyTheSubscribedAndIsIdempotent() {
    subscribe("ali", "sara", "reza");
    var removed = unsubscribe("sara", "stranger", "sara");
    assertEquals(new ChannelSubscribers.Changed(1, 2, 2), removed.reply());
    assertEquals(List.of(new ChannelSubscribers.Unsubscribed(List.of("sara"))), removed.events());
    var again = unsubscribe("sara", "stranger");
    assertEquals(new ChannelSubscribers.Changed(0, 2, 2), again.reply());
    assertTrue(again.hasNoEvents());
    assertFalse(subscribed("sara"));
    assertTrue(subscribed("reza"));
  }

  @Test
  void theCountIsReportedAgainUntilTheChannelConfirmsIt() throws InterruptedException {
    subscribe("ali", "sara", "reza");
    ScriptedSink.Report first = sink.next(WAIT);
    assertEquals(CHANNEL, first.channel());
    assertEquals(new BucketCount("bale", bucket.bucket(), 1, 3), first.count());
    first.fail();
    ScriptedSink.Report retried = sink.next(WAIT);
    assertEquals(first.count(), retried.count(), "the same count, after report-retry-after");
    // A change while a report is out: no second report in flight; the newer count follows the
    // confirmation of the older one at once.
    unsubscribe("ali");
    sink.expectNone(RETRY.dividedBy(3));
    retried.confirm();
    ScriptedSink.Report newer = sink.next(WAIT);
    assertEquals(new BucketCount("bale", bucket.bucket(), 2, 2), newer.count());
    // Unanswered: sent again anyway.
    ScriptedSink.Report unanswered = sink.next(WAIT);
    assertEquals(newer.count(), unanswered.count());
    unanswered.confirm();
    sink.expectNone(RETRY.multipliedBy(2));
    assertEquals(new ChannelSubscribers.View(2, 2, 2), view());
  }

  @Test
  void aRestartReportsTheCountAgainAndTheChannelIgnoresWhatItKnew() throws InterruptedException {
    SubscriberCounts channel = new SubscriberCounts();
    subscribe("ali", "sara");
    ScriptedSink.Report report = sink.next(WAIT);
    assertTrue(channel.apply(report.count()));
    report.confirm();
    entity.restart();
    ScriptedSink.Report again = sink.next(WAIT);
    assertEquals(report.count(), again.count());
    assertFalse(channel.apply(again.count()), "stale: nothing changes");
    again.confirm();
    assertEquals(2, channel.count("bale"));
    entity.runCommand(ChannelSubscribers.Recount.INSTANCE);
    ScriptedSink.Report recounted = sink.next(WAIT);
    assertEquals(report.count(), recounted.count(), "a recount reports even a confirmed count");
    recounted.confirm();
  }

  @Test
  void theStateComesBackFromASnapshotAndTheEventsAfterIt() {
    // snapshot-every = 5: twelve changes are a snapshot at 10 and two events after it.
    for (int i = 0; i < 12; i++) {
      subscribe("user-" + i, "user-" + (i + 1));
    }
    unsubscribe("user-0");
    entity.restart();
    ChannelSubscribers.State state = entity.getState();
    assertEquals(13, state.sequence());
    assertEquals(12, state.size());
    assertFalse(state.contains("user-0"));
    IntStream.rangeClosed(1, 12).forEach(i -> assertTrue(state.contains("user-" + i)));
    assertEquals(new ChannelSubscribers.Changed(0, 12, 13), subscribe("user-5").reply());
  }

  @Test
  void aPassivatedBucketStopsOnceItsCountIsConfirmed() throws InterruptedException {
    ScriptedSink own = new ScriptedSink();
    ActorRef<ChannelSubscribers.Command> ref =
        testKit.spawn(
            ChannelSubscribers.create(
                new SubscriberBucket(CHANNEL, "rubika", 900 + buckets.incrementAndGet()),
                settings,
                own,
                new ChannelSubscriberSnapshots()));
    TestProbe<ChannelSubscribers.Changed> replies = testKit.createTestProbe();
    ref.tell(new ChannelSubscribers.Subscribe(List.of("sara"), replies.ref()));
    replies.expectMessage(new ChannelSubscribers.Changed(1, 1, 1));
    ScriptedSink.Report report = own.next(WAIT);
    ref.tell(ChannelSubscribers.Passivate.INSTANCE);
    TestProbe<ChannelSubscribers.View> views = testKit.createTestProbe();
    ref.tell(new ChannelSubscribers.GetView(views.ref()));
    assertEquals(
        new ChannelSubscribers.View(1, 1, 0),
        views.receiveMessage(WAIT),
        "still running: its count is not confirmed");
    report.confirm();
    views.expectTerminated(ref, WAIT);
  }
}
