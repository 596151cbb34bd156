package io.peyvand.broker.audit;

import com.google.protobuf.InvalidProtocolBufferException;
import io.peyvand.broker.entity.Asks;
import io.peyvand.broker.entity.ClusterMessage;
import io.peyvand.broker.entity.Sharded;
import io.peyvand.persistence.audit.AuditStore;
import io.peyvand.protocol.transparency.CompactRange;
import io.peyvand.protocol.transparency.KeyLogs;
import io.peyvand.protocol.transparency.MerkleTree;
import io.peyvand.protocol.transparency.TreeHeads;
import io.peyvand.protocol.v1.AuditRecord;
import io.peyvand.protocol.v1.SignedTreeHead;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer of a transparency log: the audit log is one entity ({@link #ENTITY_ID}) in Cluster
 * Sharding, so that one actor in the cluster numbers its entries; each platform's key log (MLS
 * key-package directory, PROTOCOL.md §18.3) is another entity of the type ({@link #keyLog}), with a
 * writer of its own. Everything below holds for each log alike.
 *
 * <p>A log's writer is not event-sourced: the log's own tables are its record, and it reads them
 * back when it starts (on first use, or after moving to another node).
 *
 * <p>Appends that arrive while a batch is being written form the next batch. A batch is written as
 * entries first, then one head signed over the new root ({@link HeadSigner}); each append is
 * answered with its index once the head is stored. A write that fails is answered with the error,
 * and the entity reads the tables again (part of the batch may be stored, and then the next head
 * covers it: an entry can be in the log although its append was answered with an error, never the
 * other way round).
 *
 * <p>When it starts, the stored entries must be contiguous from 0, each must name its own index,
 * and the first {@code tree_size} of them must give the root of the latest signed head. If they do
 * not, someone changed the tables: the entity refuses every append and proof with what it found
 * (logged as an error), and {@code ./peyvand audit verify} shows the same. Entries stored after the
 * latest head (a batch whose head was never written) are covered by a head signed at once.
 */
public final class AuditLog {
  private static final Logger log = LoggerFactory.getLogger(AuditLog.class);

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "AuditLog");

  /** The audit log's entity. */
  public static final String ENTITY_ID = "interconnect";

  /** The audit log's name in the tables and in its signed heads. */
  public static final String LOG_ID = "peyvand-audit";

  private static final String KEY_LOG_PREFIX = "keys:";

  /** The entity of {@code platformId}'s key log. */
  public static String keyLog(String platformId) {
    return KEY_LOG_PREFIX + platformId;
  }

  /**
   * The log an entity writes, by name in the tables and signed heads: the audit log's, or a key
   * log's ({@link KeyLogs#logId}); an IllegalArgumentException for any other entity id.
   */
  public static String logIdOf(String entityId) {
    if (entityId.equals(ENTITY_ID)) {
      return LOG_ID;
    }
    if (entityId.startsWith(KEY_LOG_PREFIX) && entityId.length() > KEY_LOG_PREFIX.length()) {
      return KeyLogs.logId(entityId.substring(KEY_LOG_PREFIX.length()));
    }
    throw new IllegalArgumentException("no transparency log is written by entity " + entityId);
  }

  /** Longest subject or outcome kept, in characters. */
  public static final int MAX_TEXT = 500;

  // Commands

  public sealed interface Command {}

  /** Append an entry; answered with its index once a signed head covers it. */
  public record Append(
      String actor, String action, String subject, String outcome, ActorRef<Appended> replyTo)
      implements Command, ClusterMessage {}

  /** The path that proves entry {@code index} in the tree of {@code treeSize} entries. */
  public record ProveInclusion(long index, long treeSize, ActorRef<Proof> replyTo)
      implements Command, ClusterMessage {}

  /** The path that proves the tree of {@code first} entries a prefix of that of {@code second}. */
  public record ProveConsistency(long first, long second, ActorRef<Proof> replyTo)
      implements Command, ClusterMessage {}

  /** The latest signed head the entity holds. */
  public record GetHead(ActorRef<Head> replyTo) implements Command, ClusterMessage {}

  private record Loaded(List<AuditStore.Entry> entries, Optional<byte[]> head) implements Command {}

  private record LoadFailed(Throwable error) implements Command {}

  private record Written(List<Append> batch, List<byte[]> hashes, SignedTreeHead head)
      implements Command {}

  private record WriteFailed(List<Append> batch, Throwable error) implements Command {}

  // Replies: error is null when the request was done.

  public record Appended(long index, String error) implements ClusterMessage {}

  /**
   * A proof's path for the tree sizes {@code first} (the leaf index, for inclusion) and {@code
   * second}.
   */
  public record Proof(long first, long second, List<byte[]> path, String error)
      implements ClusterMessage {}

  /** A SignedTreeHead's bytes. */
  public record Head(byte[] head, String error) implements ClusterMessage {}

  /** Starts the sharded entity type on this node. */
  public static void init(
      ActorSystem<?> system, AuditStore store, HeadSigner signer, Duration retryLoading) {
    Sharded.start(
        system,
        ENTITY_KEY,
        entityId -> create(store, signer, Clock.systemUTC(), retryLoading, logIdOf(entityId)));
  }

  /**
   * Appends an entry through the cluster's one audit log; completes with its index, or fails (the
   * log unreachable, or refusing because its tables were changed).
   */
  public static CompletionStage<Long> append(
      ActorSystem<?> system,
      Duration timeout,
      String actor,
      String action,
      String subject,
      String outcome) {
    return append(system, ENTITY_ID, timeout, actor, action, subject, outcome);
  }

  /** As {@link #append(ActorSystem, Duration, String, String, String, String)}, to any log. */
  public static CompletionStage<Long> append(
      ActorSystem<?> system,
      String entityId,
      Duration timeout,
      String actor,
      String action,
      String subject,
      String outcome) {
    return Asks.get(system)
        .<Command, Appended>ask(
            ClusterSharding.get(system).entityRefFor(ENTITY_KEY, entityId),
            replyTo -> new Append(actor, action, subject, outcome, replyTo),
            timeout)
        .thenApply(
            appended -> {
              if (appended.error() != null) {
                throw new IllegalStateException(appended.error());
              }
              return appended.index();
            });
  }

  /** The writer of the audit log. */
  public static Behavior<Command> create(
      AuditStore store, HeadSigner signer, Clock clock, Duration retryLoading) {
    return create(store, signer, clock, retryLoading, LOG_ID);
  }

  /** The writer of the log {@code logId}. */
  public static Behavior<Command> create(
      AuditStore store, HeadSigner signer, Clock clock, Duration retryLoading, String logId) {
    Resources resources = new Resources(store, signer, clock, retryLoading);
    return Behaviors.withStash(
        10_000,
        stash -> Behaviors.setup(context -> new AuditLog(context, stash, resources, logId).load()));
  }

  /**
   * What every log's writer on a node shares: where the log is kept, the key that signs its heads,
   * the clock, and the wait before a failed load is retried.
   */
  private record Resources(
      AuditStore store, HeadSigner signer, Clock clock, Duration retryLoading) {}

  private final ActorContext<Command> context;
  private final StashBuffer<Command> stash;
  private final Resources resources;
  private final String logId;

  /** The leaf hash of every entry, by index. */
  private final List<byte[]> hashes = new ArrayList<>();

  /**
   * The right edge of the tree of {@link #hashes}: each batch's root from it, not from them all.
   */
  private CompactRange range = new CompactRange();

  private SignedTreeHead head;

  private AuditLog(
      ActorContext<Command> context,
      StashBuffer<Command> stash,
      Resources resources,
      String logId) {
    this.context = context;
    this.stash = stash;
    this.resources = resources;
    this.logId = logId;
  }

  private Behavior<Command> load() {
    context.pipeToSelf(
        resources
            .store()
            .allEntries(logId)
            .thenCombine(resources.store().latestHead(logId), Loaded::new),
        (loaded, error) -> error == null ? loaded : new LoadFailed(error));
    return Behaviors.receive(Command.class)
        .onMessage(Loaded.class, this::onLoaded)
        .onMessage(
            LoadFailed.class,
            failed -> {
              log.warn(
                  "Cannot read the log {} (retrying in {}): {}",
                  logId,
                  resources.retryLoading(),
                  failed.error().toString());
              return Behaviors.withTimers(
                  timers -> {
                    timers.startSingleTimer(new LoadFailed(null), resources.retryLoading());
                    return Behaviors.receive(Command.class)
                        .onMessage(LoadFailed.class, retry -> load())
                        .onAnyMessage(this::stashOrDrop)
                        .build();
                  });
            })
        .onAnyMessage(this::stashOrDrop)
        .build();
  }

  private Behavior<Command> stashOrDrop(Command command) {
    if (stash.isFull()) {
      refuse(
          command,
          "the log " + logId + " is starting and has too many requests waiting; try again");
    } else {
      stash.stash(command);
    }
    return Behaviors.same();
  }

  private Behavior<Command> onLoaded(Loaded loaded) {
    hashes.clear();
    range = new CompactRange();
    head = null;
    Optional<String> problem = Optional.empty();
    for (AuditStore.Entry entry : loaded.entries()) {
      long expected = hashes.size();
      if (entry.index() != expected) {
        problem = Optional.of("entry " + expected + " is missing from the stored log");
        break;
      }
      Optional<String> bad = recordProblem(entry);
      if (bad.isPresent()) {
        problem = bad;
        break;
      }
      byte[] hash = MerkleTree.leafHash(entry.leaf());
      hashes.add(hash);
      range.append(hash);
    }
    if (problem.isEmpty() && loaded.head().isPresent()) {
      problem = headProblem(loaded.head().get());
    }
    if (problem.isPresent()) {
      String reason =
          "the log "
              + logId
              + " in the audit tables does not match its latest signed head ("
              + problem.get()
              + "): they were changed outside the broker; ./peyvand audit verify shows the"
              + " damage, and the log takes no entries until it is repaired";
      log.error("{}", reason);
      return broken(reason);
    }
    if (head == null || head.getTreeSize() < hashes.size()) {
      // A new log, or a batch whose head was never stored: sign what is there.
      return writing(List.of());
    }
    return ready();
  }

  private static Optional<String> recordProblem(AuditStore.Entry entry) {
    try {
      AuditRecord record = AuditRecord.parseFrom(entry.leaf());
      if (record.getIndex() != entry.index()) {
        return Optional.of(
            "the entry stored at " + entry.index() + " names index " + record.getIndex());
      }
      return Optional.empty();
    } catch (InvalidProtocolBufferException e) {
      return Optional.of("the entry stored at " + entry.index() + " is not an AuditRecord");
    }
  }

  private Optional<String> headProblem(byte[] bytes) {
    SignedTreeHead stored;
    try {
      stored = SignedTreeHead.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      return Optional.of("the latest head does not parse");
    }
    List<String> problems = TreeHeads.problems(stored, Optional.empty());
    if (!problems.isEmpty()) {
      return Optional.of("the latest head: " + String.join("; ", problems));
    }
    if (stored.getTreeSize() > hashes.size()) {
      return Optional.of(
          "the latest head covers "
              + stored.getTreeSize()
              + " entries, but "
              + hashes.size()
              + " are stored");
    }
    byte[] root = MerkleTree.root(hashes, (int) stored.getTreeSize());
    if (!MerkleTree.same(root, stored.getRootHash().toByteArray())) {
      return Optional.of("the first " + stored.getTreeSize() + " stored entries give another root");
    }
    head = stored;
    return Optional.empty();
  }

  private Behavior<Command> broken(String reason) {
    return stash.unstashAll(
        Behaviors.receive(Command.class)
            .onAnyMessage(
                command -> {
                  refuse(command, reason);
                  return Behaviors.same();
                })
            .build());
  }

  private static void refuse(Command command, String reason) {
    if (command instanceof Append append) {
      append.replyTo().tell(new Appended(-1, reason));
    } else if (command instanceof ProveInclusion prove) {
      prove.replyTo().tell(new Proof(0, 0, List.of(), reason));
    } else if (command instanceof ProveConsistency prove) {
      prove.replyTo().tell(new Proof(0, 0, List.of(), reason));
    } else if (command instanceof GetHead get) {
      get.replyTo().tell(new Head(new byte[0], reason));
    }
  }

  /** Ready: no batch in flight. */
  private Behavior<Command> ready() {
    return stash.unstashAll(
        Behaviors.receive(Command.class)
            .onMessage(Append.class, append -> writing(List.of(append)))
            .onMessage(ProveInclusion.class, this::onProveInclusion)
            .onMessage(ProveConsistency.class, this::onProveConsistency)
            .onMessage(GetHead.class, this::onGetHead)
            .build());
  }

  /**
   * Writes {@code batch} (possibly empty: a head alone) and waits for it; appends that come
   * meanwhile form the next batch.
   */
  private Behavior<Command> writing(List<Append> batch) {
    long start = hashes.size();
    long now = resources.clock().millis();
    List<byte[]> leaves = new ArrayList<>(batch.size());
    List<byte[]> added = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      Append append = batch.get(i);
      byte[] leaf =
          AuditRecord.newBuilder()
              .setIndex(start + i)
              .setAtMs(now)
              .setActor(clip(append.actor()))
              .setAction(clip(append.action()))
              .setSubject(clip(append.subject()))
              .setOutcome(clip(append.outcome()))
              .build()
              .toByteArray();
      leaves.add(leaf);
      added.add(MerkleTree.leafHash(leaf));
    }
    CompactRange grown = range.copy();
    added.forEach(grown::append);
    SignedTreeHead next = resources.signer().sign(logId, grown.size(), now, grown.root());
    context.pipeToSelf(
        resources
            .store()
            .append(logId, start, leaves)
            .thenCompose(
                done -> resources.store().putHead(logId, next.getTreeSize(), next.toByteArray())),
        (done, error) ->
            error == null ? new Written(batch, added, next) : new WriteFailed(batch, error));
    List<Append> waiting = new ArrayList<>();
    return Behaviors.receive(Command.class)
        .onMessage(
            Append.class,
            append -> {
              waiting.add(append);
              return Behaviors.same();
            })
        .onMessage(ProveInclusion.class, this::onProveInclusion)
        .onMessage(ProveConsistency.class, this::onProveConsistency)
        .onMessage(GetHead.class, this::onGetHead)
        .onMessage(
            Written.class,
            written -> {
              hashes.addAll(written.hashes());
              written.hashes().forEach(range::append);
              head = written.head();
              for (int i = 0; i < written.batch().size(); i++) {
                written.batch().get(i).replyTo().tell(new Appended(start + i, null));
              }
              return waiting.isEmpty() ? ready() : writing(List.copyOf(waiting));
            })
        .onMessage(
            WriteFailed.class,
            failed -> {
              log.warn(
                  "Cannot write {} entries of the log {} (reading it again): {}",
                  failed.batch().size(),
                  logId,
                  failed.error().toString());
              String reason =
                  "the log "
                      + logId
                      + " could not be written ("
                      + failed.error().getMessage()
                      + ")";
              failed.batch().forEach(append -> refuse(append, reason));
              waiting.forEach(stash::stash);
              return load();
            })
        .build();
  }

  private Behavior<Command> onProveInclusion(ProveInclusion prove) {
    long size = prove.treeSize() == 0 ? signedSize() : prove.treeSize();
    if (size > signedSize() || prove.index() < 0 || prove.index() >= size) {
      prove
          .replyTo()
          .tell(
              new Proof(
                  0,
                  0,
                  List.of(),
                  "entry "
                      + prove.index()
                      + " is not in a signed tree of "
                      + size
                      + " entries (the latest signed head covers "
                      + signedSize()
                      + ")"));
    } else {
      prove
          .replyTo()
          .tell(
              new Proof(
                  prove.index(),
                  size,
                  MerkleTree.inclusionProof(hashes, (int) prove.index(), (int) size),
                  null));
    }
    return Behaviors.same();
  }

  private Behavior<Command> onProveConsistency(ProveConsistency prove) {
    long second = prove.second() == 0 ? signedSize() : prove.second();
    if (second > signedSize() || prove.first() < 0 || prove.first() > second) {
      prove
          .replyTo()
          .tell(
              new Proof(
                  0,
                  0,
                  List.of(),
                  "no consistency proof from "
                      + prove.first()
                      + " to "
                      + second
                      + " entries: the first must not exceed the second, nor the second the"
                      + " latest signed head's "
                      + signedSize()));
    } else {
      prove
          .replyTo()
          .tell(
              new Proof(
                  prove.first(),
                  second,
                  MerkleTree.consistencyProof(hashes, (int) prove.first(), (int) second),
                  null));
    }
    return Behaviors.same();
  }

  private Behavior<Command> onGetHead(GetHead get) {
    if (head == null) {
      refuse(get, "the log " + logId + " is signing its first head; try again");
    } else {
      get.replyTo().tell(new Head(head.toByteArray(), null));
    }
    return Behaviors.same();
  }

  private long signedSize() {
    return head == null ? 0 : head.getTreeSize();
  }

  private static String clip(String text) {
    return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT);
  }
}
