package io.peyvand.persistence.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.cql.Row;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.coordination.lease.javadsl.LeaseProvider;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link CassandraLease} on the real Cassandra, between two nodes (actor systems) that each own a
 * lease object for the same names: one holder at a time, release hands it over, a holder that
 * stopped renewing loses it by expiry, and a holder whose row was taken learns it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CassandraLeaseIT {
  @RegisterExtension static final CassandraKeyspace cassandra = new CassandraKeyspace();

  private static final String LEASE = "peyvand.test-lease";
  private ActorSystem first;
  private ActorSystem second;

  private Config config() {
    return cassandra
        .config()
        .withFallback(
            ConfigFactory.parseString(
                """
        peyvand.test-lease = ${peyvand.cassandra-lease} {
          heartbeat-timeout = 3s
          heartbeat-interval = 500ms
        }
        pekko.loglevel = WARNING
        """))
        .withFallback(ConfigFactory.load())
        .resolve();
  }

  @BeforeAll
  void start() {
    first = ActorSystem.create("lease-a", config());
    second = ActorSystem.create("lease-b", config());
  }

  @AfterAll
  void stop() {
    TestKit.shutdownActorSystem(first);
    TestKit.shutdownActorSystem(second);
  }

  private static CassandraLease lease(ActorSystem system, String name, String owner) {
    return (CassandraLease) LeaseProvider.get(system).getLease(name, LEASE, owner);
  }

  private static boolean await(java.util.concurrent.CompletionStage<Boolean> stage) {
    return stage.toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
  }

  private Optional<String> ownerInCassandra(String name) {
    Row row =
        cassandra
            .session()
            .execute("SELECT owner FROM " + cassandra.keyspace() + ".leases WHERE name = ?", name)
            .one();
    return Optional.ofNullable(row).map(r -> r.getString("owner"));
  }

  @Test
  void oneOwnerAtATimeAndReleaseHandsItOver() {
    CassandraLease a = lease(first, "handover", "node-a");
    CassandraLease b = lease(second, "handover", "node-b");

    assertTrue(await(a.acquire()), "the first to ask gets it");
    assertTrue(a.checkLease());
    assertFalse(await(b.acquire()), "nobody else while it is held");
    assertFalse(b.checkLease());
    assertTrue(await(a.acquire()), "its holder asking again keeps it");
    assertEquals(Optional.of(a.owner()), ownerInCassandra("handover"));

    assertTrue(await(a.release()));
    assertFalse(a.checkLease());
    assertTrue(await(b.acquire()), "released, the other can take it");
    assertFalse(await(a.acquire()));
    assertFalse(await(a.release()), "a release by whoever does not hold it changes nothing");
    assertEquals(Optional.of(b.owner()), ownerInCassandra("handover"));
  }

  @Test
  void heldLeasesAreRenewedBeyondTheirTimeout() throws InterruptedException {
    CassandraLease a = lease(first, "renewed", "node-a");
    CassandraLease b = lease(second, "renewed", "node-b");
    assertTrue(await(a.acquire()));
    Thread.sleep(5_000); // past the 3 s time to live of the first write
    assertTrue(a.checkLease());
    assertFalse(await(b.acquire()));
  }

  @Test
  void theLeaseOfAnOwnerThatStoppedRenewingExpires() {
    ActorSystem doomed = ActorSystem.create("lease-doomed", config());
    CassandraLease crashed = lease(doomed, "expiring", "node-c");
    CassandraLease b = lease(second, "expiring", "node-b");
    assertTrue(await(crashed.acquire()));
    TestKit.shutdownActorSystem(doomed); // no more renewals, and no release

    long started = System.nanoTime();
    assertFalse(await(b.acquire()));
    boolean acquired = false;
    while (!acquired && System.nanoTime() - started < Duration.ofSeconds(15).toNanos()) {
      acquired = await(b.acquire());
    }
    assertTrue(acquired, "the row expires after heartbeat-timeout");
    long waited = Duration.ofNanos(System.nanoTime() - started).toMillis();
    assertTrue(waited >= 1_500, "held until close to its timeout, not freed early: " + waited);
  }

  @Test
  void aHolderWhoseRowWasTakenIsToldItLostTheLease() {
    CassandraLease a = lease(first, "stolen", "node-a");
    CompletableFuture<Optional<Throwable>> lost = new CompletableFuture<>();
    assertTrue(await(a.acquire(lost::complete)));
    cassandra
        .session()
        .execute(
            "UPDATE " + cassandra.keyspace() + ".leases SET owner = 'someone-else' WHERE name = ?",
            "stolen");

    Optional<Throwable> reason = lost.orTimeout(10, TimeUnit.SECONDS).join();
    assertTrue(reason.isEmpty(), "lost to another owner, not to a failure: " + reason);
    assertFalse(a.checkLease());
    assertEquals(Optional.of("someone-else"), ownerInCassandra("stolen"));
  }
}
