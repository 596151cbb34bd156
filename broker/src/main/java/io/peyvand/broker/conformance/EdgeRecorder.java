package io.peyvand.broker.conformance;

import io.peyvand.broker.session.SessionTap;
import io.peyvand.protocol.v1.ClientFrame;
import io.peyvand.protocol.v1.ServerFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The sandbox's tap at the edge: for every session whose Hello names the platform under test it
 * records each frame, both ways, with the time it passed (what the adapter sent before the broker
 * saw it, what the broker sent as the adapter receives it, after faults), and lets the installed
 * {@link EdgeFault}s drop, replace or add frames, or end the session. Sessions of other platforms
 * (the kit's own) pass untouched and unrecorded.
 */
final class EdgeRecorder implements SessionTap {
  /** What happened at the edge, in order. {@code frame} is a ClientFrame or a ServerFrame. */
  record Event(long atMs, long session, Kind kind, Object frame) {
    ClientFrame client() {
      return (ClientFrame) frame;
    }

    ServerFrame server() {
      return (ServerFrame) frame;
    }
  }

  enum Kind {
    /** A frame from the adapter (a Hello included: each Hello is an attempt to open a session). */
    FROM_ADAPTER,
    /** A frame handed to the adapter. */
    TO_ADAPTER,
    /** The session ended (either side). */
    ENDED
  }

  /** One recorded session, as faults see it. */
  final class Session {
    final long id;
    private final BoundedSourceQueue<ServerFrame> injected;
    private volatile boolean watched;

    Session(long id, BoundedSourceQueue<ServerFrame> injected) {
      this.id = id;
      this.injected = injected;
    }

    /** Hands {@code frame} to the adapter, as if the broker had sent it. */
    void inject(ServerFrame frame) {
      injected.offer(frame);
      record(id, Kind.TO_ADAPTER, frame);
    }

    /** Ends the session after what was injected (the stream completes as a node's would). */
    void end() {
      injected.complete();
    }
  }

  private final String platform;
  private final Materializer materializer;
  private final List<Event> events = new ArrayList<>();
  private final List<EdgeFault> faults = new CopyOnWriteArrayList<>();
  private final AtomicLong sessions = new AtomicLong();
  private final Map<Long, Session> live = new ConcurrentHashMap<>();
  private final long started = System.currentTimeMillis();

  EdgeRecorder(String platform, Materializer materializer) {
    this.platform = platform;
    this.materializer = materializer;
  }

  @Override
  public Source<ServerFrame, NotUsed> around(
      Source<ClientFrame, ?> in,
      Function<Source<ClientFrame, ?>, Source<ServerFrame, NotUsed>> session) {
    Pair<BoundedSourceQueue<ServerFrame>, Source<ServerFrame, NotUsed>> injected =
        Source.<ServerFrame>queue(256).preMaterialize(materializer);
    Session s = new Session(sessions.incrementAndGet(), injected.first());
    Source<ClientFrame, ?> filtered = in.filter(frame -> fromAdapter(s, frame));
    return session
        .apply(filtered)
        .mapConcat(frame -> toAdapter(s, frame))
        .merge(injected.second(), true)
        .watchTermination(
            (m, done) -> {
              done.whenComplete(
                  (ok, error) -> {
                    live.remove(s.id);
                    if (s.watched) {
                      record(s.id, Kind.ENDED, null);
                    }
                  });
              return m;
            })
        .mapMaterializedValue(m -> NotUsed.getInstance());
  }

  private boolean fromAdapter(Session s, ClientFrame frame) {
    if (frame.hasHello() && !s.watched) {
      s.watched = frame.getHello().getPlatformId().equals(platform);
      if (s.watched) {
        live.put(s.id, s);
      }
    }
    if (!s.watched) {
      return true;
    }
    record(s.id, Kind.FROM_ADAPTER, frame);
    for (EdgeFault fault : faults) {
      if (!fault.fromAdapter(s, frame)) {
        return false;
      }
    }
    return true;
  }

  private List<ServerFrame> toAdapter(Session s, ServerFrame frame) {
    if (!s.watched) {
      return List.of(frame);
    }
    List<ServerFrame> out = List.of(frame);
    for (EdgeFault fault : faults) {
      List<ServerFrame> next = new ArrayList<>();
      for (ServerFrame f : out) {
        next.addAll(fault.toAdapter(s, f));
      }
      out = next;
    }
    out.forEach(f -> record(s.id, Kind.TO_ADAPTER, f));
    return out;
  }

  private synchronized void record(long session, Kind kind, Object frame) {
    events.add(new Event(System.currentTimeMillis(), session, kind, frame));
    notifyAll();
  }

  /** A session of the platform under test that has not ended. */
  Optional<Session> session(long id) {
    return Optional.ofNullable(live.get(id));
  }

  void install(EdgeFault fault) {
    faults.add(fault);
  }

  void remove(EdgeFault fault) {
    faults.remove(fault);
  }

  /** Forgets the events and faults of an earlier run on the same sandbox. */
  synchronized void reset() {
    events.clear();
    faults.clear();
  }

  /** The number of events so far: a mark to look from. */
  synchronized int mark() {
    return events.size();
  }

  /** The events from {@code mark} on. */
  synchronized List<Event> since(int mark) {
    return List.copyOf(events.subList(Math.min(mark, events.size()), events.size()));
  }

  /** The first event from {@code mark} on that matches, waiting for it until {@code deadline}. */
  synchronized Optional<Event> await(int mark, Predicate<Event> matches, long deadlineMs)
      throws InterruptedException {
    int next = mark;
    while (true) {
      for (; next < events.size(); next++) {
        if (matches.test(events.get(next))) {
          return Optional.of(events.get(next));
        }
      }
      long left = deadlineMs - System.currentTimeMillis();
      if (left <= 0) {
        return Optional.empty();
      }
      wait(left);
    }
  }

  /** Milliseconds since the sandbox started, for evidence lines. */
  long elapsed(long atMs) {
    return atMs - started;
  }
}
