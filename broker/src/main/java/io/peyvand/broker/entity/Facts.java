package io.peyvand.broker.entity;

import io.peyvand.persistence.journal.EventFacts;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * The tags an entity puts on an event so that the journal stores its statistics fact beside it
 * ({@code model.StatisticsFacts}, {@code persistence.journal.EventFacts}), or none when {@code
 * peyvand.statistics.enabled} is off. Read once per actor system.
 */
public final class Facts implements Extension {
  private static final ExtensionId<Facts> ID =
      Extensions.id(
          system -> new Facts(system.settings().config().getBoolean("peyvand.statistics.enabled")));

  public static Facts get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  private final boolean enabled;

  private Facts(boolean enabled) {
    this.enabled = enabled;
  }

  public boolean enabled() {
    return enabled;
  }

  /** The tags of an event with {@code fact}. */
  public Set<String> of(String fact) {
    return enabled ? Set.of(EventFacts.tag(fact)) : Set.of();
  }

  /** The tags of an event with these facts (distinct facts). */
  public Set<String> of(List<String> facts) {
    if (!enabled) {
      return Set.of();
    }
    Set<String> tags = new HashSet<>();
    facts.forEach(f -> tags.add(EventFacts.tag(f)));
    return tags;
  }
}
