package io.peyvand.broker.service;

import io.peyvand.protocol.ErrorCodes;
import io.peyvand.protocol.tls.CertificateIdentity;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The sessions of this node opened with a client certificate, by certificate, so that a revocation
 * ends them: {@link #closeRevoked} (called after each reload of the revocation list) closes every
 * session whose certificate is revoked now. A session registering with a certificate that is
 * already revoked (revoked between its request and its Hello) is closed at once. Thread-safe.
 */
public final class LiveSessions {
  /** How a live session is closed: it sends the error as a closing SessionError and ends. */
  public interface Closer extends Consumer<Error> {}

  private record Entry(CertificateIdentity identity, Closer closer) {}

  private final Predicate<CertificateIdentity> revokedNow;
  private final Map<Long, Entry> sessions = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();

  /** {@code revokedNow}: whether a certificate is revoked by the current list. */
  public LiveSessions(Predicate<CertificateIdentity> revokedNow) {
    this.revokedNow = revokedNow;
  }

  /** No revocation list: nothing is ever closed. */
  public static LiveSessions none() {
    return new LiveSessions(identity -> false);
  }

  /** Registers a session; the returned action deregisters it when the session ends. */
  public Runnable register(CertificateIdentity identity, Closer closer) {
    long id = ids.incrementAndGet();
    sessions.put(id, new Entry(identity, closer));
    if (revokedNow.test(identity)) {
      close(id);
    }
    return () -> sessions.remove(id);
  }

  /** Closes every session whose certificate is revoked now; returns how many. */
  public int closeRevoked() {
    int closed = 0;
    for (Map.Entry<Long, Entry> session : sessions.entrySet()) {
      if (revokedNow.test(session.getValue().identity()) && close(session.getKey())) {
        closed++;
      }
    }
    return closed;
  }

  /** Sessions registered now. */
  public int size() {
    return sessions.size();
  }

  private boolean close(long id) {
    Entry entry = sessions.remove(id);
    if (entry == null) {
      return false;
    }
    entry
        .closer()
        .accept(
            ErrorCodes.error(
                ErrorCode.NOT_PERMITTED,
                "the client certificate "
                    + entry.identity()
                    + " has been revoked: the session is closed"));
    return true;
  }
}
