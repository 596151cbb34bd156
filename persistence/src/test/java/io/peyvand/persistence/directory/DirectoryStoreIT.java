package io.peyvand.persistence.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.persistence.directory.DirectoryStore.Entry;
import io.peyvand.persistence.directory.DirectoryStore.NumberKey;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
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
    assertTrue(await(store.withdraw(key("reza"), "bale", "reza-b")));
    assertFalse(await(store.withdraw(key("reza"), "bale", "reza-b")), "withdrawn already");
    assertFalse(await(store.withdraw(key("reza"), "soroush", "someone-else")), "not theirs");
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

    // Two were still hers.
    assertEquals(2, await(store.withdrawAll("eitaa", "maryam")));
    assertEquals(
        List.of(List.of(), List.of(), List.of(new Entry("eitaa", "nima", false))),
        await(store.lookup(List.of(key("home"), key("work"), key("old")))));
    assertEquals(0, await(store.withdrawAll("eitaa", "maryam")));
  }

  @Test
  void aLargeBatchUnderSeveralKeysIsAnsweredInTheOrderAsked() {
    // More numbers than one query takes, under two keys, some published, in a scrambled order.
    List<NumberKey> asked = new java.util.ArrayList<>();
    for (int i = 0; i < 250; i++) {
      NumberKey key = new NumberKey(1 + i % 2, ("batch-" + i).getBytes(StandardCharsets.UTF_8));
      asked.add(key);
      if (i % 7 == 0) {
        await(store.publish(key, "rubika", "r" + i, false, NOW));
      }
    }
    java.util.Collections.shuffle(asked, new java.util.Random(7));
    List<List<Entry>> found = await(store.lookup(asked));
    assertEquals(asked.size(), found.size());
    for (int n = 0; n < asked.size(); n++) {
      int i =
          Integer.parseInt(new String(asked.get(n).hash(), StandardCharsets.UTF_8).substring(6));
      assertEquals(
          i % 7 == 0 ? List.of(new Entry("rubika", "r" + i, false)) : List.of(),
          found.get(n),
          "" + i);
    }
  }

  @Test
  void usageAddsUpPerPlatformAndDay() {
    LocalDate day = LocalDate.of(2026, 12, 5);
    await(store.count("bale", new DirectoryStore.Usage(day, 1, 100, 80, 12, 0)));
    await(store.count("bale", new DirectoryStore.Usage(day, 1, 50, 0, 3, 1)));
    await(store.count("bale", new DirectoryStore.Usage(day.plusDays(1), 1, 10, 10, 0, 0)));
    await(store.count("eitaa", new DirectoryStore.Usage(day, 5, 5, 5, 5, 5)));
    assertEquals(
        List.of(
            new DirectoryStore.Usage(day, 2, 150, 80, 15, 1),
            new DirectoryStore.Usage(day.plusDays(1), 1, 10, 10, 0, 0)),
        await(store.usage("bale", day.minusDays(3), day.plusDays(3))));
    assertEquals(List.of(), await(store.usage("soroush", day, day)));
  }
}
