package io.peyvand.broker.keys;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One user's MLS KeyPackages in the directory (PROTOCOL.md §18), by client: at most {@code
 * maxOrdinary} ordinary ones not handed out yet and one last-resort one per client. An ordinary
 * KeyPackage handed out stays, marked, until it expires or is removed (its platform sees it in a
 * list), and is never handed out again. The decisions ({@link #decidePublish}, {@link
 * #decideClaim}, {@link #decideRemove}) only read; the entity that owns the shelf persists what
 * they decided and applies it ({@link #published}, {@link #logged}, {@link #claimed}, {@link
 * #withdrawn}) when stored and on replay, so the rules live here, without I/O, and are tested
 * alone.
 *
 * <p>A KeyPackage is handed out only once its publication is in the transparency log ({@link
 * Stored#logIndex} set): a claim always comes with its proof.
 */
public final class KeyShelf {
  /** No log entry yet. */
  public static final long NOT_LOGGED = -1;

  /**
   * One KeyPackage as the directory keeps it.
   *
   * @param reference its KeyPackageRef, hex
   * @param client SHA-256 of its leaf's signature key, hex
   * @param bytes as published (MLSMessage bytes)
   */
  public record Stored(
      String reference,
      String client,
      int cipherSuite,
      Instant notBefore,
      Instant notAfter,
      boolean lastResort,
      long logIndex,
      boolean claimed,
      byte[] bytes) {
    Stored withLogIndex(long index) {
      return new Stored(
          reference, client, cipherSuite, notBefore, notAfter, lastResort, index, claimed, bytes);
    }

    Stored asClaimed() {
      return new Stored(
          reference, client, cipherSuite, notBefore, notAfter, lastResort, logIndex, true, bytes);
    }

    boolean expiredAt(Instant now) {
      return !notAfter.isAfter(now);
    }

    /** Equal with the same bytes (a record compares arrays by identity). */
    @Override
    public boolean equals(Object other) {
      return other instanceof Stored o
          && reference.equals(o.reference)
          && client.equals(o.client)
          && cipherSuite == o.cipherSuite
          && notBefore.equals(o.notBefore)
          && notAfter.equals(o.notAfter)
          && lastResort == o.lastResort
          && logIndex == o.logIndex
          && claimed == o.claimed
          && Arrays.equals(bytes, o.bytes);
    }

    @Override
    public int hashCode() {
      return reference.hashCode();
    }

    @Override
    public String toString() {
      return "Stored["
          + reference
          + " of client "
          + client
          + ", suite "
          + cipherSuite
          + (lastResort ? ", last resort" : "")
          + ", log "
          + logIndex
          + (claimed ? ", claimed" : "")
          + ", "
          + bytes.length
          + " bytes]";
    }
  }

  /** What {@link #decidePublish} found. */
  public sealed interface Publication {}

  /** Store it; {@code replaces}: the client's previous last-resort KeyPackage, withdrawn. */
  public record Store(Stored stored, Optional<String> replaces) implements Publication {}

  /** The same KeyPackage is stored already: answered as stored, nothing changes. */
  public record AlreadyStored(Stored stored) implements Publication {}

  /** Refused, with why. */
  public record Full(String reason) implements Publication {}

  /**
   * What {@link #decideClaim} found: the KeyPackages to hand out (one per client), the ordinary
   * ones among them to mark handed out, and the expired ones to withdraw on the way.
   */
  public record Claim(List<Stored> handedOut, List<String> toMark, List<String> expired) {}

  private final int maxOrdinary;
  private final Map<String, Stored> byReference = new LinkedHashMap<>();

  public KeyShelf(int maxOrdinary) {
    this.maxOrdinary = maxOrdinary;
  }

  /** Whether {@code candidate} (not logged yet) can be stored. */
  public Publication decidePublish(Stored candidate) {
    Stored existing = byReference.get(candidate.reference());
    if (existing != null) {
      return new AlreadyStored(existing);
    }
    Optional<String> previousLastResort = Optional.empty();
    int ordinary = 0;
    for (Stored s : byReference.values()) {
      if (s.client().equals(candidate.client())) {
        if (s.lastResort()) {
          previousLastResort = Optional.of(s.reference());
        } else if (!s.claimed()) {
          ordinary++;
        }
      }
    }
    if (candidate.lastResort()) {
      return new Store(candidate, previousLastResort);
    }
    if (ordinary >= maxOrdinary) {
      return new Full(
          "the client already has "
              + ordinary
              + " KeyPackages, the most it may keep: remove some, or wait until they are claimed");
    }
    return new Store(candidate, Optional.empty());
  }

  /**
   * For each client with a logged, unexpired KeyPackage in one of {@code suites} (any when empty):
   * its oldest ordinary KeyPackage not handed out yet, or else its last-resort one.
   */
  public Claim decideClaim(Set<Integer> suites, Instant now) {
    Map<String, Stored> ordinaryPick = new LinkedHashMap<>();
    Map<String, Stored> lastResortPick = new LinkedHashMap<>();
    List<String> expired = new ArrayList<>();
    for (Stored s : byReference.values()) {
      if (s.expiredAt(now)) {
        expired.add(s.reference());
        continue;
      }
      if (s.logIndex() == NOT_LOGGED || (!suites.isEmpty() && !suites.contains(s.cipherSuite()))) {
        continue;
      }
      if (s.lastResort()) {
        lastResortPick.putIfAbsent(s.client(), s);
      } else if (!s.claimed()) {
        ordinaryPick.putIfAbsent(s.client(), s);
      }
    }
    Set<String> clients = new LinkedHashSet<>(ordinaryPick.keySet());
    clients.addAll(lastResortPick.keySet());
    List<Stored> handedOut = new ArrayList<>();
    List<String> toMark = new ArrayList<>();
    for (String client : clients) {
      Stored ordinary = ordinaryPick.get(client);
      if (ordinary != null) {
        handedOut.add(ordinary);
        toMark.add(ordinary.reference());
      } else {
        handedOut.add(lastResortPick.get(client));
      }
    }
    return new Claim(List.copyOf(handedOut), List.copyOf(toMark), List.copyOf(expired));
  }

  /** The references of {@code references} held here (all held, when empty). */
  public List<String> decideRemove(Collection<String> references) {
    if (references.isEmpty()) {
      return List.copyOf(byReference.keySet());
    }
    return references.stream().distinct().filter(byReference::containsKey).toList();
  }

  /** Every KeyPackage held, in the order published. */
  public List<Stored> list() {
    return List.copyOf(byReference.values());
  }

  public Optional<Stored> find(String reference) {
    return Optional.ofNullable(byReference.get(reference));
  }

  // Applying what was decided and persisted.

  public void published(Stored stored, Optional<String> replaces) {
    replaces.ifPresent(byReference::remove);
    byReference.put(stored.reference(), stored);
  }

  public void logged(String reference, long index) {
    byReference.computeIfPresent(reference, (r, s) -> s.withLogIndex(index));
  }

  public void claimed(Collection<String> references) {
    references.forEach(r -> byReference.computeIfPresent(r, (k, s) -> s.asClaimed()));
  }

  public void withdrawn(Collection<String> references) {
    references.forEach(byReference::remove);
  }
}
