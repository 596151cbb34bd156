package io.peyvand.broker.mailbox;

import io.peyvand.broker.model.Address;
import io.peyvand.broker.serialization.MailboxSnapshots;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * A pending index that records nothing, for tests whose mailboxes never stop with work: every
 * registration succeeds at once. Groups' is {@code PendingEntries.none()}.
 */
public final class NoPendingIndex implements PendingRegistry {
  public static final NoPendingIndex INSTANCE = new NoPendingIndex();

  private NoPendingIndex() {}

  /**
   * Starts the mailbox entity's sharding on {@code system} with its configured settings and this
   * index, as the tests that pass messages through mailboxes need it.
   */
  public static void initMailboxes(ActorSystem<?> system) {
    MailboxSettings settings = MailboxSettings.fromConfig(system.settings().config());
    UserMailbox.init(system, settings, INSTANCE, new MailboxSnapshots(settings.limits()));
  }

  @Override
  public CompletionStage<Void> register(Address mailbox) {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Void> unregister(Address mailbox) {
    return CompletableFuture.completedFuture(null);
  }
}
