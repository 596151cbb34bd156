package io.peyvand.persistence.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.peyvand.persistence.directory.DirectoryStore.Entry;
import io.peyvand.persistence.directory.DirectoryStore.NumberKey;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link DirectoryStore} on the real Cassandra. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DirectoryStoreIT {
  @RegisterExtension static final CassandraKeyspace cassandra = new CassandraKeyspace();
  private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");

  private DirectoryStore store;

  @BeforeAll
  void start() {
    store =
        new DirectoryStore(
            CompletableFuture.completedFuture(cassandra.session()), cassandra.keyspace());
  }

  private static NumberKey key(String name) {
    return new NumberKey(1, ("hash-of-" + name).getBytes(StandardCharsets.UTF_8));
  }

  private static <T> T await(CompletionStage<T> stage) {
    return stage.toCompletableFuture().orTimeout(20, TimeUnit.SECONDS).join();
  }

  @Test
  void aNumberFindsEveryPlatformWhereItIsDiscoverableAndNothingElse() {
    await(store.publish(key("ali"), "bale", "ali-b", true, NOW));
    await(store.publish(key("ali"), "eitaa", "ali-e", false, NOW));
    await(store.publish(key("sara"), "rubika", "sara", false, NOW));

    List<List<Entry>> found = await(store.lookup(List.of(key("ali"), key("nobody"), key("sara"))));
    assertEquals(
        Set.of(new Entry("bale", "ali-b", true), new Entry("eitaa", "ali-e", false)),
        Set.copyOf(found.get(0)));
    assertEquals(List.of(), found.get(1));
    assertEquals(List.of(new Entry("rubika", "sara", false)), found.get(2));
    // The same number under another key is another entry.
    assertEquals(
        List.of(List.of()), await(store.lookup(List.of(new NumberKey(2, key("ali").hash())))));
  }

  @Test
  void withdrawingOneEntryLeavesTheOtherPlatforms() {
    await(store.publish(key("reza"), "bale", "reza-b", false, NOW));
    await(store.publish(key("reza"), "soroush", "reza-s", false, NOW));
    await(store.withdraw(key("reza"), "bale", "reza-b"));
    assertEquals(
        List.of(List.of(new Entry("soroush", "reza-s", false))),
        await(store.lookup(List.of(key("reza")))));
  }

  @Test
  void anOptOutWithdrawsAllOfTheUsersEntriesButNotThoseOfWhoeverTookANumberOver() {
    await(store.publish(key("home"), "eitaa", "maryam", false, NOW));
    await(store.publish(key("work"), "eitaa", "maryam", false, NOW));
    await(store.publish(key("old"), "eitaa", "maryam", false, NOW));
    // The old number now belongs to another user of the platform.
    await(store.publish(key("old"), "eitaa", "nima", false, NOW));

    assertEquals(3, await(store.withdrawAll("eitaa", "maryam")));
    assertEquals(
        List.of(List.of(), List.of(), List.of(new Entry("eitaa", "nima", false))),
        await(store.lookup(List.of(key("home"), key("work"), key("old")))));
    assertEquals(0, await(store.withdrawAll("eitaa", "maryam")));
  }
}
