package io.peyvand.broker.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.broker.entity.EntityTestKits;
import io.peyvand.broker.model.Capabilities;
import io.peyvand.broker.model.Quota;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Platform entity's logic on the in-memory journal, with event serialization checked. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlatformTest {
  private static final Instant NOW = Instant.parse("2026-11-28T10:15:30.123Z");

  @JUnit5TestKit private final ActorTestKit testKit = EntityTestKits.actorTestKit();
  private EventSourcedBehaviorTestKit<Platform.Command, Platform.Event, Platform.State> platform;

  @BeforeEach
  void fresh() {
    platform =
        EntityTestKits.of(
            testKit.system(), Platform.create("bale", Clock.fixed(NOW, ZoneOffset.UTC)));
  }

  /** Registers the platform under {@code displayName}. */
  private CommandResultWithReply<
          Platform.Command, Platform.Event, Platform.State, Platform.Registration>
      register(String displayName) {
    return platform.runCommand(replyTo -> new Platform.Register(displayName, replyTo));
  }

  @Test
  void registeringANewPlatformPersistsItAndRepliesCreated() {
    CommandResultWithReply<Platform.Command, Platform.Event, Platform.State, Platform.Registration>
        result = register("Bale");
    assertEquals(new Platform.PlatformRegistered("bale", "Bale", NOW), result.event());
    assertEquals(
        new Platform.Registration(
            new Platform.Info("bale", "Bale", NOW, Capabilities.ALL, false), true, false),
        result.reply());
  }

  @Test
  void registeringAgainUnderTheSameNameChangesNothing() {
    register("Bale");
    CommandResultWithReply<Platform.Command, Platform.Event, Platform.State, Platform.Registration>
        again = register("Bale");
    assertTrue(again.hasNoEvents());
    assertFalse(again.reply().created());
  }

  @Test
  void registeringUnderAnotherNameRenamesAndKeepsTheAdmissionTime() {
    register("Bale");
    CommandResultWithReply<Platform.Command, Platform.Event, Platform.State, Platform.Registration>
        renamed = register("Bale Messenger");
    assertEquals(new Platform.PlatformRenamed("Bale Messenger"), renamed.event());
    assertEquals(
        new Platform.Info("bale", "Bale Messenger", NOW, Capabilities.ALL, false),
        renamed.reply().info());
  }

  @Test
  void getAnswersEmptyUntilRegistered() {
    assertEquals(
        Optional.empty(), platform.<Platform.Lookup>runCommand(Platform.Get::new).reply().info());
    register("Bale");
    assertEquals(
        Optional.of(new Platform.Info("bale", "Bale", NOW, Capabilities.ALL, false)),
        platform.<Platform.Lookup>runCommand(Platform.Get::new).reply().info());
  }

  @Test
  void stateIsRebuiltFromEventsAfterARestart() {
    register("Bale");
    register("Bale Messenger");
    platform.restart();
    assertEquals(
        new Platform.State(
            Optional.of(new Platform.Info("bale", "Bale Messenger", NOW, Capabilities.ALL, false)),
            false),
        platform.getState());
  }

  @Test
  void configuringPersistsCapabilitiesOnceAndOnlyForARegisteredPlatform() {
    Capabilities textOnly =
        new Capabilities(
            4096, false, 0, false, 0, false, false, true, true, List.of(), false, false, false,
            false);
    assertEquals(
        Optional.empty(),
        platform
            .<Platform.Lookup>runCommand(replyTo -> new Platform.Configure(textOnly, true, replyTo))
            .reply()
            .info());
    register("Bale");
    CommandResultWithReply<Platform.Command, Platform.Event, Platform.State, Platform.Lookup>
        configured =
            platform.runCommand(replyTo -> new Platform.Configure(textOnly, true, replyTo));
    assertEquals(new Platform.PlatformConfigured(textOnly, true), configured.event());
    assertEquals(
        Optional.of(new Platform.Info("bale", "Bale", NOW, textOnly, true)),
        configured.reply().info());
    assertTrue(
        platform
            .<Platform.Lookup>runCommand(replyTo -> new Platform.Configure(textOnly, true, replyTo))
            .hasNoEvents());
  }

  @Test
  void aPlatformRegisteredButNeverConfiguredIsConfiguredByTheNextAdmission() {
    Platform.Registration first = register("Bale").reply();
    assertTrue(Platform.needsConfiguration(first));
    // The answer to the first admission was lost before its Configure: the retry finds the
    // platform registered, not created, and must still configure it.
    Platform.Registration retry = register("Bale").reply();
    assertFalse(retry.created());
    assertFalse(retry.configured());
    assertTrue(Platform.needsConfiguration(retry));
    platform.<Platform.Lookup>runCommand(
        replyTo -> new Platform.Configure(Capabilities.ALL, true, replyTo));
    platform.restart();
    Platform.Registration later = register("Bale").reply();
    assertTrue(later.configured());
    assertFalse(Platform.needsConfiguration(later), "a configured platform keeps its settings");
    assertTrue(later.info().defaultOptedIn());
  }

  @Test
  void aBlankDisplayNameIsRefusedBeforeItReachesTheEntity() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new Platform.Register(" ", testKit.<Platform.Registration>createTestProbe().ref()));
    assertTrue(e.getMessage().contains("display name"));
  }

  @Test
  void aQuotaIsPersistedOnceAndKeptThroughLaterConfiguration() {
    register("Bale");
    Quota quota = new Quota(100, 200, 0, 0, 4);
    CommandResultWithReply<Platform.Command, Platform.Event, Platform.State, Platform.Lookup> set =
        platform.runCommand(replyTo -> new Platform.SetQuota(quota, replyTo));
    assertEquals(new Platform.PlatformQuotaSet(quota), set.event());
    assertEquals(quota, set.reply().info().orElseThrow().quota());
    var again =
        platform.<Platform.Lookup>runCommand(replyTo -> new Platform.SetQuota(quota, replyTo));
    assertTrue(again.hasNoEvents(), "the same quota again changes nothing");
    platform.<Platform.Lookup>runCommand(
        replyTo -> new Platform.Configure(Capabilities.ALL, true, replyTo));
    platform.restart();
    var get = platform.<Platform.Lookup>runCommand(Platform.Get::new);
    assertEquals(quota, get.reply().info().orElseThrow().quota());
    assertTrue(get.reply().info().orElseThrow().defaultOptedIn());
  }

  @Test
  void anUnregisteredPlatformGetsNoQuota() {
    var set =
        platform.<Platform.Lookup>runCommand(
            replyTo -> new Platform.SetQuota(new Quota(1, 1, 1, 1, 1), replyTo));
    assertTrue(set.hasNoEvents());
    assertEquals(Optional.empty(), set.reply().info());
  }
}
