package io.peyvand.broker.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.broker.ManualClock;
import io.peyvand.broker.entity.EntityTestKits;
import io.peyvand.broker.keys.KeyShelf.Stored;
import io.peyvand.broker.serialization.KeyDirectorySnapshots;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The KeyDirectory entity on the in-memory journal, its events through the stored-event
 * serializers: what it decides is stored before it answers and survives a restart.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeyDirectoryTest {
  private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

  @JUnit5TestKit private final ActorTestKit testKit = EntityTestKits.actorTestKit();
  private ManualClock clock;
  private EventSourcedBehaviorTestKit<KeyDirectory.Command, KeyDirectory.Event, KeyShelf> directory;

  @BeforeEach
  void fresh() {
    clock = new ManualClock(T0);
    directory =
        EntityTestKits.of(
            testKit.system(),
            KeyDirectory.create("bale:bob", 100, 50, new KeyDirectorySnapshots(100), clock));
  }

  private static Stored kp(String ref, boolean lastResort, Duration lifetime) {
    return new Stored(
        ref,
        "c1",
        1,
        T0,
        T0.plus(lifetime),
        lastResort,
        KeyShelf.NOT_LOGGED,
        false,
        new byte[] {7});
  }

  private KeyDirectory.Published publish(Stored stored, long logIndex) {
    KeyDirectory.Published published =
        directory
            .<KeyDirectory.Published>runCommand(r -> new KeyDirectory.Publish(stored, r))
            .reply();
    directory.<KeyDirectory.Logged>runCommand(
        r -> new KeyDirectory.Log(stored.reference(), logIndex, r));
    return published;
  }

  private List<String> claim() {
    return directory
        .<KeyDirectory.Claimed>runCommand(r -> new KeyDirectory.Claim(Set.of(), r))
        .reply()
        .keyPackages()
        .stream()
        .map(Stored::reference)
        .toList();
  }

  @Test
  void anOrdinaryKeyPackageHandedOutIsNeverHandedOutAgainEvenAfterARestart() {
    assertTrue(publish(kp("aa01", false, Duration.ofDays(7)), 0).isNew());
    publish(kp("aa02", false, Duration.ofDays(7)), 1);
    publish(kp("ffff", true, Duration.ofDays(7)), 2);

    assertEquals(List.of("aa01"), claim());
    directory.restart();
    assertEquals(List.of("aa02"), claim());
    directory.restart();
    assertEquals(List.of("ffff"), claim());
    assertEquals(List.of("ffff"), claim());
  }

  @Test
  void aKeyPackageIsHandedOutOnlyOnceLoggedAndExpiredOnesAreWithdrawn() {
    directory.<KeyDirectory.Published>runCommand(
        r -> new KeyDirectory.Publish(kp("aa01", false, Duration.ofDays(7)), r));
    assertEquals(List.of(), claim(), "not in the transparency log yet");
    directory.<KeyDirectory.Logged>runCommand(r -> new KeyDirectory.Log("aa01", 5, r));
    publish(kp("aa02", false, Duration.ofHours(1)), 6);

    clock.advance(Duration.ofHours(2));
    var claimed =
        directory.<KeyDirectory.Claimed>runCommand(r -> new KeyDirectory.Claim(Set.of(), r));
    assertEquals(List.of("aa02"), claimed.reply().expired());
    assertEquals("aa01", claimed.reply().keyPackages().get(0).reference());
    assertEquals(5, claimed.reply().keyPackages().get(0).logIndex());
    directory.restart();
    var listed =
        directory.<KeyDirectory.Listed>runCommand(KeyDirectory.ListAll::new).reply().keyPackages();
    assertEquals(List.of("aa01"), listed.stream().map(Stored::reference).toList());
    assertTrue(listed.get(0).claimed());
  }

  @Test
  void removeWithdrawsAndPublishingAgainIsAnsweredAsStored() {
    publish(kp("aa01", false, Duration.ofDays(7)), 0);
    KeyDirectory.Published again = publish(kp("aa01", false, Duration.ofDays(7)), 0);
    assertFalse(again.isNew());
    assertEquals(0, again.stored().orElseThrow().logIndex());

    var removed =
        directory.<KeyDirectory.Removed>runCommand(
            r -> new KeyDirectory.Remove(List.of("aa01", "0bad"), r));
    assertEquals(List.of("aa01"), removed.reply().references());
    directory.restart();
    assertEquals(List.of(), claim());
  }
}
