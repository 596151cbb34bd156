package io.peyvand.broker.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.protocol.tls.CertificateIdentity;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import java.math.BigInteger;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;

/** Sessions by certificate: a revocation closes exactly the sessions of revoked certificates. */
class LiveSessionsTest {
  private final Set<BigInteger> revoked = ConcurrentHashMap.newKeySet();
  private final LiveSessions live = new LiveSessions(id -> revoked.contains(id.serial()));

  private static CertificateIdentity bale(long serial) {
    return new CertificateIdentity(
        CertificateIdentity.Kind.PLATFORM,
        "bale",
        BigInteger.valueOf(serial),
        new X500Principal("CN=CA"));
  }

  @Test
  void closingRevokedEndsTheSessionsOfRevokedCertificatesOnly() {
    List<Error> first = new CopyOnWriteArrayList<>();
    List<Error> second = new CopyOnWriteArrayList<>();
    List<Error> other = new CopyOnWriteArrayList<>();
    live.register(bale(1), first::add);
    live.register(bale(1), second::add);
    live.register(bale(2), other::add);

    revoked.add(BigInteger.ONE);
    assertEquals(2, live.closeRevoked());
    assertEquals(ErrorCode.NOT_PERMITTED, first.get(0).getCode());
    assertTrue(first.get(0).getMessage().contains("revoked"), first.get(0).getMessage());
    assertEquals(1, second.size());
    assertEquals(List.of(), other);
    assertEquals(1, live.size());
    assertEquals(0, live.closeRevoked(), "a closed session is closed once");
  }

  @Test
  void aSessionOfAnAlreadyRevokedCertificateIsClosedAtOnce() {
    revoked.add(BigInteger.TEN);
    List<Error> closed = new CopyOnWriteArrayList<>();
    live.register(bale(10), closed::add);
    assertEquals(1, closed.size());
    assertEquals(0, live.size());
  }

  @Test
  void anEndedSessionIsForgotten() {
    List<Error> closed = new CopyOnWriteArrayList<>();
    Runnable deregister = live.register(bale(3), closed::add);
    deregister.run();
    revoked.add(BigInteger.valueOf(3));
    assertEquals(0, live.closeRevoked());
    assertEquals(List.of(), closed);
  }
}
