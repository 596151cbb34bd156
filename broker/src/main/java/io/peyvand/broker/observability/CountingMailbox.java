package io.peyvand.broker.observability;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ActorPath;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.ExtensionIdProvider;
import org.apache.pekko.dispatch.Envelope;
import org.apache.pekko.dispatch.MailboxType;
import org.apache.pekko.dispatch.MessageQueue;
import org.apache.pekko.dispatch.NodeMessageQueue;
import org.apache.pekko.dispatch.ProducesMessageQueue;
import org.apache.pekko.dispatch.UnboundedMailbox;
import org.apache.pekko.dispatch.UnboundedMessageQueueSemantics;
import scala.Option;

/**
 * The default mailbox of the broker's actors ({@code pekko.actor.default-mailbox} and {@code
 * pekko.actor.typed.default-mailbox} in reference.conf): Pekko's unbounded mailbox (with {@code
 * single-consumer = on}, the single-consumer one typed actors use by default) that also counts the
 * messages enqueued, by kind of actor, for {@code peyvand_actor_messages_total}: what one message
 * costs in actor messages is a figure of docs/DELIVERY-PATH.md. The kind is worked out once per
 * actor, from its path, so the cost per message is one increment of a {@link LongAdder}. Replies to
 * asks do not pass through a mailbox and are counted as asks ({@code peyvand_asks_total}).
 */
public final class CountingMailbox
    implements MailboxType, ProducesMessageQueue<CountingMailbox.Counted> {
  private final boolean singleConsumer;

  /** Made by Pekko from the mailbox's configuration section. */
  public CountingMailbox(ActorSystem.Settings settings, Config config) {
    this.singleConsumer = config.hasPath("single-consumer") && config.getBoolean("single-consumer");
  }

  @Override
  public MessageQueue create(Option<ActorRef> owner, Option<ActorSystem> system) {
    MessageQueue queue =
        singleConsumer ? new NodeMessageQueue() : new UnboundedMailbox.MessageQueue();
    if (owner.isEmpty() || system.isEmpty()) {
      return queue;
    }
    return new Counted(queue, Counts.ID.get(system.get()).counter(kind(owner.get().path())));
  }

  /**
   * The kind of actor, from its path: the entity type of a sharded entity ({@code
   * /system/sharding/UserMailbox/12/bale:bob} is {@code UserMailbox}), {@code shard} and {@code
   * shard-region} for sharding's own actors, otherwise the guardian's child with its generated
   * suffix cut ({@code /system/session-eitaa-1f2e3d4c} is {@code system/session}).
   */
  static String kind(ActorPath path) {
    List<String> elements = new ArrayList<>();
    path.getElements().forEach(elements::add);
    if (elements.size() >= 3
        && elements.get(0).equals("system")
        && elements.get(1).equals("sharding")) {
      return switch (elements.size()) {
        case 3 -> "shard-region";
        case 4 -> "shard";
        default -> elements.get(2);
      };
    }
    if (elements.size() < 2) {
      return elements.isEmpty() || elements.get(0).isEmpty() ? "root" : elements.get(0);
    }
    String child = elements.get(1);
    int cut = child.length();
    for (int i = 0; i < child.length(); i++) {
      char c = child.charAt(i);
      if (c == '-' || c == '$' || Character.isDigit(c)) {
        cut = i;
        break;
      }
    }
    return elements.get(0) + "/" + (cut == 0 ? "anonymous" : child.substring(0, cut));
  }

  /** A queue that counts what it is given. */
  static final class Counted implements MessageQueue, UnboundedMessageQueueSemantics {
    private final MessageQueue queue;
    private final LongAdder enqueued;

    Counted(MessageQueue queue, LongAdder enqueued) {
      this.queue = queue;
      this.enqueued = enqueued;
    }

    @Override
    public void enqueue(ActorRef receiver, Envelope handle) {
      enqueued.increment();
      queue.enqueue(receiver, handle);
    }

    @Override
    public Envelope dequeue() {
      return queue.dequeue();
    }

    @Override
    public int numberOfMessages() {
      return queue.numberOfMessages();
    }

    @Override
    public boolean hasMessages() {
      return queue.hasMessages();
    }

    @Override
    public void cleanUp(ActorRef owner, MessageQueue deadLetters) {
      queue.cleanUp(owner, deadLetters);
    }
  }

  /** The counts of one actor system, by kind of actor. */
  public static final class Counts implements Extension {
    static final class Id extends AbstractExtensionId<Counts> implements ExtensionIdProvider {
      @Override
      public Counts createExtension(ExtendedActorSystem system) {
        return new Counts();
      }

      @Override
      public Id lookup() {
        return ID;
      }
    }

    static final Id ID = new Id();

    public static Counts get(ActorSystem system) {
      return ID.get(system);
    }

    private final Map<String, LongAdder> byKind = new ConcurrentHashMap<>();

    LongAdder counter(String kind) {
      return byKind.computeIfAbsent(kind, k -> new LongAdder());
    }

    /** Messages enqueued so far, by kind of actor, in name order. */
    public Map<String, Long> snapshot() {
      Map<String, Long> copy = new TreeMap<>();
      byKind.forEach((kind, count) -> copy.put(kind, count.sum()));
      return copy;
    }
  }
}
