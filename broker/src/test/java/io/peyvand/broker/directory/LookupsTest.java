package io.peyvand.broker.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.broker.ManualClock;
import io.peyvand.broker.entity.EntityTestKits;
import io.peyvand.broker.serialization.LookupSnapshots;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.LongStream;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Lookups entity's logic on the in-memory journal, with event serialization checked. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LookupsTest {
  private static final Instant T0 = Instant.parse("2026-12-05T08:00:00Z");
  private static final DirectorySettings SETTINGS =
      new DirectorySettings(
          Map.of(1, new byte[32]),
          new Allowance.Limits(100, 10),
          Duration.ofDays(30),
          1000,
          1000,
          20);

  @JUnit5TestKit private final ActorTestKit testKit = EntityTestKits.actorTestKit();
  private ManualClock clock;
  private EventSourcedBehaviorTestKit<Lookups.Command, Lookups.Event, LookupLedger> lookups;

  @BeforeEach
  void fresh() {
    clock = new ManualClock(T0);
    lookups =
        EntityTestKits.of(
            testKit.system(),
            Lookups.create("bale:ali", SETTINGS, new LookupSnapshots(SETTINGS), clock));
  }

  private static List<Long> numbers(long from, int count) {
    return LongStream.range(from, from + count).boxed().toList();
  }

  private EventSourcedBehaviorTestKit.CommandResultWithReply<
          Lookups.Command, Lookups.Event, LookupLedger, Lookups.Decision>
      admit(List<Long> numbers, Optional<Duration> platformExhausted) {
    return lookups.runCommand(replyTo -> new Lookups.Admit(numbers, platformExhausted, replyTo));
  }

  @Test
  void anAdmittedBatchIsStoredBeforeTheAnswerAndSurvivesARestart() {
    var first = admit(numbers(0, 80), Optional.empty());
    assertEquals(new Lookups.Decision(Lookups.Limit.NONE, 80, Duration.ZERO), first.reply());
    assertEquals(1, first.events().size());

    lookups.restart();
    var refused = admit(numbers(1_000, 30), Optional.empty());
    assertEquals(Lookups.Limit.USER, refused.reply().limit(), "80 of 100 spent before the restart");
    assertTrue(refused.reply().retryAfter().toHours() >= 1, refused.reply().toString());
    assertTrue(refused.events().isEmpty(), "a refusal stores nothing");
  }

  @Test
  void aResyncIsFreeAndStoredOnlyOnceADay() {
    admit(numbers(0, 50), Optional.empty());
    clock.advance(Duration.ofHours(2));
    var again = admit(numbers(0, 50), Optional.empty());
    assertEquals(0, again.reply().newNumbers());
    assertTrue(again.events().isEmpty(), "known numbers seen today: nothing to store");
    clock.advance(Duration.ofDays(1));
    var later = admit(numbers(0, 50), Optional.empty());
    assertEquals(Lookups.Limit.NONE, later.reply().limit());
    assertEquals(1, later.events().size(), "remembered anew, a day later");
  }

  @Test
  void aPlatformOutOfItsDailyAllowanceStillResyncsButLearnsNothingNew() {
    admit(numbers(0, 10), Optional.empty());
    Optional<Duration> exhausted = Optional.of(Duration.ofHours(5));
    assertEquals(Lookups.Limit.NONE, admit(numbers(0, 10), exhausted).reply().limit());
    var refused = admit(numbers(5, 10), exhausted);
    assertEquals(
        new Lookups.Decision(Lookups.Limit.PLATFORM, 5, Duration.ofHours(5)), refused.reply());
    assertTrue(refused.events().isEmpty());
  }
}
