package io.peyvand.broker.delivery;

import io.peyvand.broker.model.MailboxItem;
import io.peyvand.broker.model.StreamItem;
import io.peyvand.broker.observability.MessageMetrics;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The push side of one stream of sequenced items to one platform: which of the platform's sessions
 * takes them, what is in flight (pushed, not yet acknowledged), what must be flagged as a
 * redelivery, and the resume handshake after {@link Deliver.Busy}. A user's mailbox has one (and
 * one per senders' platform it owes statuses by recipient), a group one per platform of its
 * audience; the entity owns the items, the acknowledgements and the timers, and calls this from its
 * own thread.
 *
 * <p>A push round is {@link #ready()} followed by {@link #push} for each item within the entity's
 * window in sequence order; items already in flight are skipped by {@code push}. It does no I/O:
 * {@code push} answers the frame and the session to send it to, and the entity sends it. What is in
 * flight is forgotten when the chosen session changes (the items are pushed again to the new one,
 * flagged) and after {@link #redeliveryDue}: the stream then moves to the platform's next session
 * (a session that loses frames cannot hold its items while the platform has another).
 *
 * <p>Transient on purpose: after a restart everything pending is pushed again, flagged as a
 * redelivery up to {@link #recovered}'s highest sequence.
 *
 * <p>Each push is counted in {@link MessageMetrics} as delivered or redelivered, as it is flagged,
 * for the platform (its counters are looked up at the first push, once the platform has a session,
 * so that a mailbox addressed at an unregistered platform adds no series).
 */
public final class Pusher {
  private final PushContext context;
  private final Deliver.Stream stream;
  private final String platformId;
  private final String choiceKey;
  private MessageMetrics.PlatformCounters counters;

  /** A push not yet acknowledged: when, and the redelivery mark before it (to undo a refusal). */
  private record InFlight(long pushedAtMs, long highestBefore) {}

  private final TreeMap<Long, InFlight> inFlight = new TreeMap<>();
  private ActorRef<Deliver> session;
  private ActorRef<Deliver> lastSession;
  private int sessionTurn;
  private boolean resumeNext = true;
  private long highestSent;

  /** Pushes {@code stream} to the sessions of {@code platformId}. */
  public Pusher(Deliver.Stream stream, String platformId, PushContext context) {
    this.context = context;
    this.stream = stream;
    this.platformId = platformId;
    this.choiceKey = stream.toString();
  }

  public String platformId() {
    return platformId;
  }

  /**
   * Chooses the session for this round; false when the platform has none (the entity's wake-up runs
   * when one appears). A different session than last time means nothing is in flight any more.
   */
  public boolean ready() {
    Optional<ActorRef<Deliver>> chosen =
        context
            .directory()
            .sessionFor(platformId, choiceKey, sessionTurn, context.whenSessionAppears());
    if (chosen.isEmpty()) {
      session = null;
      return false;
    }
    session = chosen.get();
    if (!session.equals(lastSession)) {
      inFlight.clear(); // sent to a session that is gone or no longer ours: send again, flagged
      lastSession = session;
      resumeNext = true;
    }
    return true;
  }

  /**
   * A frame to send: the item of a push and the session chosen for it. The pusher decides and
   * remembers; the entity sends ({@link #send}), so that the decisions are tested without actors.
   */
  public record Push(ActorRef<Deliver> session, Deliver frame) {
    public void send() {
      session.tell(frame);
    }
  }

  /**
   * Takes one item for the session chosen by {@link #ready()}, unless it is in flight already: the
   * frame to send, with its redelivery flag and resume mark, or empty. Items must come in sequence
   * order within a round.
   */
  public Optional<Push> push(
      long sequence, long acceptedAtMs, long acknowledgedUpTo, StreamItem item, long nowMs) {
    if (session == null || inFlight.containsKey(sequence)) {
      return Optional.empty();
    }
    boolean redelivery = sequence <= highestSent;
    Deliver frame =
        new Deliver(
            stream,
            sequence,
            redelivery,
            acceptedAtMs,
            acknowledgedUpTo,
            resumeNext,
            item,
            context.busyReplyTo());
    if (counters == null) {
      counters = context.metrics().platform(platformId);
    }
    counters.pushed(kind(stream, item), redelivery);
    resumeNext = false;
    inFlight.put(sequence, new InFlight(nowMs, highestSent));
    highestSent = Math.max(highestSent, sequence);
    return Optional.of(new Push(session, frame));
  }

  /** What an item of the stream is, for the counters. */
  static MessageMetrics.Kind kind(Deliver.Stream stream, StreamItem item) {
    if (stream.kind() == Deliver.Stream.Kind.GROUP) {
      return MessageMetrics.Kind.GROUP;
    }
    return stream.kind() == Deliver.Stream.Kind.STATUSES || item instanceof MailboxItem.StatusUpdate
        ? MessageMetrics.Kind.STATUS
        : MessageMetrics.Kind.DIRECT;
  }

  /** Whether {@code sequence} is in flight (pushed this round or before, not acknowledged). */
  public boolean inFlight(long sequence) {
    return inFlight.containsKey(sequence);
  }

  /** The platform acknowledged everything up to {@code upTo}. */
  public void acknowledged(long upTo) {
    inFlight.headMap(upTo, true).clear();
  }

  /**
   * The session refused {@code busy.sequence()}: it and everything after it must be pushed again,
   * starting with a resume. A session refuses every later item of the stream until that resume, so
   * none of the pushes from that sequence on reached an adapter, and they no longer count as
   * possibly received: pushed again, they are not flagged as redeliveries (unless an earlier push
   * to another session may have reached one). A session that is {@code gone} is left for another of
   * the platform's sessions.
   *
   * <p>A refusal from a session this stream no longer pushes to changes nothing but the directory:
   * what was pushed to that session is pushed to the current one anyway. (A session that is gone
   * answers every item pushed to it, up to a window of them; acting on each would push the window
   * again as many times.)
   *
   * @return when the entity pushes again
   */
  public Retry busy(Deliver.Busy busy) {
    if (busy.gone() && busy.session() != null) {
      context.directory().departed(platformId, busy.session());
    }
    if (busy.session() != null && !busy.session().equals(session)) {
      return Retry.NONE;
    }
    long sequence = busy.sequence();
    InFlight refused = inFlight.get(sequence);
    if (refused != null && busy.session() != null) {
      highestSent = refused.highestBefore();
    }
    inFlight.tailMap(sequence, true).clear();
    resumeNext = true;
    return busy.gone() ? Retry.NOW : Retry.LATER;
  }

  /** When to push again after a refusal. */
  public enum Retry {
    /** At once: the session is gone, another one takes the items. */
    NOW,
    /** After the entity's busy delay: the session's buffer was full. */
    LATER,
    /** No need: the refusal was of an earlier session. */
    NONE
  }

  /**
   * True when the oldest item in flight was pushed {@code afterMs} ago or more without an
   * acknowledgement: everything in flight is forgotten and the next round goes to the platform's
   * next session, flagged as redeliveries. The entity then pushes again.
   */
  public boolean redeliveryDue(long nowMs, long afterMs) {
    if (inFlight.isEmpty() || nowMs - inFlight.firstEntry().getValue().pushedAtMs() < afterMs) {
      return false;
    }
    inFlight.clear();
    sessionTurn++;
    return true;
  }

  /** Nothing in flight. */
  public boolean idle() {
    return inFlight.isEmpty();
  }

  /** The highest sequence ever pushed by this incarnation (or assumed pushed before it). */
  public long highestSent() {
    return highestSent;
  }

  /**
   * The entity restarted (after a journal failure, in the same actor): nothing is in flight any
   * more, and the next round chooses its session afresh and starts with a resume.
   */
  public void restarted() {
    inFlight.clear();
    session = null;
    lastSession = null;
    resumeNext = true;
  }

  /**
   * After recovery: items up to {@code highestSent} may have been pushed by the previous
   * incarnation and are flagged as redeliveries.
   */
  public void recovered(long highestSent) {
    this.highestSent = Math.max(this.highestSent, highestSent);
  }
}
