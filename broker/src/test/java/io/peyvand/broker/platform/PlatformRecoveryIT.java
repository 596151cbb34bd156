package io.peyvand.broker.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.cql.Row;
import com.typesafe.config.Config;
import io.peyvand.broker.TestConfig;
import io.peyvand.broker.model.Capabilities;
import io.peyvand.broker.serialization.StoredEventSerializer;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A Platform entity persists into the real Cassandra, the actor system goes away, and a new actor
 * system recovers the same state from the journal.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlatformRecoveryIT {
  @RegisterExtension static final CassandraKeyspace cassandra = new CassandraKeyspace();

  private Config config() {
    return TestConfig.onCassandra(cassandra, "pekko.actor.provider = local");
  }

  @Test
  void stateSurvivesARestartOfTheActorSystem() {
    Platform.Info registered;
    ActorTestKit first = ActorTestKit.create("first", config());
    try {
      ActorRef<Platform.Command> eitaa = first.spawn(Platform.create("eitaa", Clock.systemUTC()));
      TestProbe<Platform.Registration> probe = first.createTestProbe();
      eitaa.tell(new Platform.Register("Eitaa", probe.ref()));
      registered = probe.receiveMessage(Duration.ofSeconds(30)).info();
      eitaa.tell(new Platform.Register("Eitaa Messenger", probe.ref()));
      assertEquals(
          "Eitaa Messenger", probe.receiveMessage(Duration.ofSeconds(30)).info().displayName());
    } finally {
      first.shutdownTestKit();
    }

    ActorTestKit second = ActorTestKit.create("second", config());
    try {
      ActorRef<Platform.Command> eitaa = second.spawn(Platform.create("eitaa", Clock.systemUTC()));
      TestProbe<Platform.Lookup> probe = second.createTestProbe();
      eitaa.tell(new Platform.Get(probe.ref()));
      assertEquals(
          Optional.of(
              new Platform.Info(
                  "eitaa", "Eitaa Messenger", registered.registeredAt(), Capabilities.ALL, false)),
          probe.receiveMessage(Duration.ofSeconds(30)).info());
    } finally {
      second.shutdownTestKit();
    }
  }

  @Test
  void eventsAreStoredAsProtobufWithShortManifestsNotJavaSerialization() {
    ActorTestKit kit = ActorTestKit.create("rows", config());
    try {
      ActorRef<Platform.Command> bale = kit.spawn(Platform.create("bale", Clock.systemUTC()));
      TestProbe<Platform.Registration> probe = kit.createTestProbe();
      bale.tell(new Platform.Register("Bale", probe.ref()));
      probe.receiveMessage(Duration.ofSeconds(30));
    } finally {
      kit.shutdownTestKit();
    }
    List<Row> rows =
        cassandra
            .session()
            .execute(
                "SELECT ser_id, ser_manifest FROM "
                    + cassandra.keyspace()
                    + ".messages WHERE persistence_id = 'Platform|bale'"
                    + " AND partition_nr = 0")
            .all();
    assertEquals(1, rows.size());
    assertEquals(StoredEventSerializer.IDENTIFIER, rows.get(0).getInt("ser_id"));
    assertEquals("platform-registered", rows.get(0).getString("ser_manifest"));
    assertTrue(rows.get(0).getString("ser_manifest").length() < 32);
  }
}
