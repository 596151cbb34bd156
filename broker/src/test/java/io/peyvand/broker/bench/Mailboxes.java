package io.peyvand.broker.bench;

import io.peyvand.broker.mailbox.UserMailbox;
import io.peyvand.broker.model.Address;
import io.peyvand.broker.model.Content;
import io.peyvand.broker.model.Message;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Drives mailboxes through Cluster Sharding, as the broker's edges do: messages in, views out, at
 * most a bounded number of asks in flight. What the scenarios build, they build through the real
 * entity, so the events are the ones the broker writes.
 */
final class Mailboxes {
  static final Duration ASK_TIMEOUT = Duration.ofSeconds(60);

  /** Every recipient accepts: the policy of a platform whose users are opted in by default. */
  static final UserMailbox.RecipientPolicy OPEN = new UserMailbox.RecipientPolicy(true, 0);

  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final String body;

  Mailboxes(ActorSystem<?> system, int bodyBytes) {
    this.system = system;
    this.sharding = ClusterSharding.get(system);
    this.body = "x".repeat(bodyBytes);
  }

  /** Sends message {@code id} from {@code sender} to {@code recipient}; completes when answered. */
  CompletionStage<UserMailbox.AcceptReply> accept(Address sender, Address recipient, String id) {
    Message message =
        new Message(id, sender, recipient, System.currentTimeMillis(), "", new Content.Text(body));
    return sharding
        .entityRefFor(UserMailbox.ENTITY_KEY, recipient.toString())
        .ask(replyTo -> new UserMailbox.Accept(message, OPEN, replyTo), ASK_TIMEOUT);
  }

  CompletionStage<UserMailbox.View> view(Address mailbox) {
    return sharding
        .entityRefFor(UserMailbox.ENTITY_KEY, mailbox.toString())
        .ask(UserMailbox.GetView::new, ASK_TIMEOUT);
  }

  ActorSystem<?> system() {
    return system;
  }

  /**
   * Runs {@code count} asks made by {@code ask(i)}, at most {@code inFlight} unanswered; returns
   * how many failed (the first failure is thrown if every one failed).
   */
  static int runAll(int count, int inFlight, IntFunction<CompletionStage<?>> ask)
      throws InterruptedException {
    Semaphore slots = new Semaphore(inFlight);
    AtomicInteger failed = new AtomicInteger();
    AtomicReference<Throwable> first = new AtomicReference<>();
    for (int i = 0; i < count; i++) {
      slots.acquire();
      ask.apply(i)
          .whenComplete(
              (reply, error) -> {
                Throwable problem =
                    error != null
                        ? error
                        : reply instanceof UserMailbox.Refused refused
                            ? new IllegalStateException("refused: " + refused)
                            : null;
                if (problem != null) {
                  failed.incrementAndGet();
                  first.compareAndSet(null, problem);
                }
                slots.release();
              });
    }
    slots.acquire(inFlight);
    if (count > 0 && failed.get() == count) {
      throw new IllegalStateException(
          "every request failed; the first: " + first.get(), first.get());
    }
    if (first.get() != null) {
      System.err.println(
          failed.get() + " of " + count + " requests failed; the first: " + first.get());
    }
    return failed.get();
  }
}
