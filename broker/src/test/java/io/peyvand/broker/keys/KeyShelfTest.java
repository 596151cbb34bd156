package io.peyvand.broker.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.broker.keys.KeyShelf.Claim;
import io.peyvand.broker.keys.KeyShelf.Publication;
import io.peyvand.broker.keys.KeyShelf.Store;
import io.peyvand.broker.keys.KeyShelf.Stored;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyShelfTest {
  private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");

  private static Stored kp(String ref, String client, boolean lastResort) {
    return new Stored(
        ref,
        client,
        1,
        NOW.minus(Duration.ofHours(1)),
        NOW.plus(Duration.ofDays(30)),
        lastResort,
        KeyShelf.NOT_LOGGED,
        false,
        new byte[] {1});
  }

  /** Publishes and logs it, as the entity does. */
  private static void publish(KeyShelf shelf, Stored stored, long index) {
    Publication decided = shelf.decidePublish(stored);
    Store store = assertInstanceOf(Store.class, decided);
    shelf.published(store.stored(), store.replaces());
    shelf.logged(stored.reference(), index);
  }

  /** A shelf of 100 with {@code stored} published and logged in order, at indexes 0, 1, ... */
  private static KeyShelf shelfOf(Stored... stored) {
    KeyShelf shelf = new KeyShelf(100);
    for (int i = 0; i < stored.length; i++) {
      publish(shelf, stored[i], i);
    }
    return shelf;
  }

  private static List<String> refs(Claim claim) {
    return claim.handedOut().stream().map(Stored::reference).toList();
  }

  @Test
  void eachOrdinaryKeyPackageIsHandedOutOnceThenTheLastResortOne() {
    KeyShelf shelf =
        shelfOf(kp("a1", "phone", false), kp("a2", "phone", false), kp("last", "phone", true));

    for (String expected : List.of("a1", "a2", "last", "last")) {
      Claim claim = shelf.decideClaim(Set.of(), NOW);
      assertEquals(List.of(expected), refs(claim));
      shelf.claimed(claim.toMark());
    }
    assertTrue(shelf.find("a1").orElseThrow().claimed(), "kept, marked");
  }

  @Test
  void oneKeyPackagePerClientInTheSuitesAskedOnlyOnceLoggedAndNotExpired() {
    KeyShelf shelf =
        shelfOf(
            kp("phone-1", "phone", false),
            kp("phone-2", "phone", false),
            kp("laptop-1", "laptop", false));
    Stored p256 =
        new Stored(
            "tablet-1", "tablet", 2, NOW, NOW.plusSeconds(60), false, -1, false, new byte[0]);
    publish(shelf, p256, 3);
    Stored unlogged = kp("watch-1", "watch", false);
    shelf.published(unlogged, Optional.empty());
    Stored old =
        new Stored(
            "old-1",
            "old",
            1,
            NOW.minusSeconds(90),
            NOW.minusSeconds(1),
            false,
            4,
            false,
            new byte[0]);
    shelf.published(old, Optional.empty());

    Claim claim = shelf.decideClaim(Set.of(1), NOW);
    assertEquals(List.of("phone-1", "laptop-1"), refs(claim));
    assertEquals(List.of("old-1"), claim.expired());
    assertEquals(
        List.of("phone-1", "laptop-1", "tablet-1"), refs(shelf.decideClaim(Set.of(), NOW)));
  }

  @Test
  void aNewLastResortKeyPackageReplacesTheClientsPreviousOne() {
    KeyShelf shelf = shelfOf(kp("last-1", "phone", true));
    Store store = assertInstanceOf(Store.class, shelf.decidePublish(kp("last-2", "phone", true)));
    assertEquals(Optional.of("last-1"), store.replaces());
    shelf.published(store.stored(), store.replaces());
    assertEquals(List.of("last-2"), shelf.list().stream().map(Stored::reference).toList());
  }

  @Test
  void aClientKeepsAtMostItsLimitOfUnclaimedOrdinaryKeyPackages() {
    KeyShelf shelf = new KeyShelf(2);
    publish(shelf, kp("a1", "phone", false), 0);
    publish(shelf, kp("a2", "phone", false), 1);
    KeyShelf.Full full =
        assertInstanceOf(KeyShelf.Full.class, shelf.decidePublish(kp("a3", "phone", false)));
    assertTrue(full.reason().contains("already has 2"), full.reason());
    publish(shelf, kp("b1", "laptop", false), 2); // another client has its own limit
    publish(shelf, kp("last", "phone", true), 3); // a last-resort one is not counted

    shelf.claimed(shelf.decideClaim(Set.of(), NOW).toMark()); // a1 handed out: room for one
    publish(shelf, kp("a3", "phone", false), 4);
  }

  @Test
  void publishingTheSameKeyPackageAgainChangesNothing() {
    KeyShelf shelf = new KeyShelf(100);
    publish(shelf, kp("a1", "phone", false), 7);
    KeyShelf.AlreadyStored again =
        assertInstanceOf(
            KeyShelf.AlreadyStored.class, shelf.decidePublish(kp("a1", "phone", false)));
    assertEquals(7, again.stored().logIndex());
  }

  @Test
  void removeNamesWhatIsHeldOrEverything() {
    KeyShelf shelf = shelfOf(kp("a1", "phone", false), kp("a2", "phone", false));
    assertEquals(List.of("a2"), shelf.decideRemove(List.of("a2", "gone", "a2")));
    assertEquals(List.of("a1", "a2"), shelf.decideRemove(List.of()));
    shelf.withdrawn(shelf.decideRemove(List.of()));
    assertTrue(shelf.list().isEmpty());
  }
}
