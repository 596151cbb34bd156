package io.peyvand.broker.entity;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * Every ask of the broker (a request to an actor whose reply completes a future), counted, with its
 * continuations on the actor system's dispatcher.
 *
 * <p>{@link AskPattern#ask} answers with Scala's future converter, whose continuations ({@code
 * thenApply}, {@code whenComplete} and the others, async or not) run on {@code
 * ForkJoinPool.commonPool()}: on a machine of fewer than three cores that pool has parallelism 1,
 * and the JDK then runs every such task on a new thread of its own ({@code
 * CompletableFuture.ThreadPerTaskExecutor}). The broker started two or three threads per message
 * that way (docs/DELIVERY-PATH.md). Here the reply is handed once, on the dispatcher, to a plain
 * {@link CompletableFuture}, whose continuations then run where it completes.
 */
public final class Asks implements Extension {
  private static final ExtensionId<Asks> ID = Extensions.id(Asks::new);

  public static Asks get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  private final ActorSystem<?> system;
  private final Executor dispatcher;
  private final LongAdder asked = new LongAdder();

  private Asks(ActorSystem<?> system) {
    this.system = system;
    this.dispatcher = system.executionContext();
  }

  /** Sends {@code request(replyTo)} to {@code target}; the reply, or a timeout. */
  public <Q, R> CompletionStage<R> ask(
      RecipientRef<Q> target, Function<ActorRef<R>, Q> request, Duration timeout) {
    asked.increment();
    CompletableFuture<R> reply = new CompletableFuture<>();
    AskPattern.ask(target, request::apply, timeout, system.scheduler())
        .whenCompleteAsync(
            (value, error) -> {
              if (error != null) {
                reply.completeExceptionally(error);
              } else {
                reply.complete(value);
              }
            },
            dispatcher);
    return reply;
  }

  /** Asks made through this node so far. */
  public long count() {
    return asked.sum();
  }
}
