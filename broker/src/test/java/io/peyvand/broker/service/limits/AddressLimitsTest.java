package io.peyvand.broker.service.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.protocol.v1.ErrorCode;
import java.net.InetAddress;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AddressLimitsTest {
  private static final Optional<InetAddress> A = Optional.of(InetAddress.getLoopbackAddress());
  private static final Optional<InetAddress> B = address("127.0.0.2");

  @Test
  void anAddressHoldsAtMostItsConcurrentSessionsAndGetsThemBackOnRelease() {
    AddressLimits limits = new AddressLimits(new AddressLimits.Settings(1000, 1000, 2, 100));
    AddressLimits.Outcome first = limits.open(A);
    AddressLimits.Outcome second = limits.open(A);
    AddressLimits.Outcome third = limits.open(A);
    assertTrue(first.admitted().isPresent() && second.admitted().isPresent());
    assertEquals(ErrorCode.RATE_LIMITED, third.refused().orElseThrow().getCode());
    assertTrue(third.refused().get().getMessage().contains("concurrent"));
    assertTrue(limits.open(B).admitted().isPresent(), "another address is unaffected");
    first.admitted().get().release();
    first.admitted().get().release(); // twice changes nothing
    assertEquals(1, limits.open(A.get()));
    assertTrue(limits.open(A).admitted().isPresent());
    assertTrue(limits.open(A).refused().isPresent());
  }

  @Test
  void anAddressOpeningTooFastIsToldWhenToRetry() {
    AddressLimits limits = new AddressLimits(new AddressLimits.Settings(1, 3, 1000, 100));
    for (int i = 0; i < 3; i++) {
      limits.open(A).admitted().orElseThrow().release();
    }
    var refused = limits.open(A).refused().orElseThrow();
    assertEquals(ErrorCode.RATE_LIMITED, refused.getCode());
    assertTrue(refused.getRetryAfterMs() > 0 && refused.getRetryAfterMs() <= 1000);
    assertTrue(limits.open(B).admitted().isPresent());
  }

  @Test
  void anUnknownAddressIsNotCounted() {
    AddressLimits limits = new AddressLimits(new AddressLimits.Settings(1, 1, 1, 100));
    for (int i = 0; i < 5; i++) {
      assertTrue(limits.open(Optional.empty()).admitted().isPresent());
    }
  }

  @Test
  void anAddressHoldingSessionsIsNeverForgotten() {
    AddressLimits limits = new AddressLimits(new AddressLimits.Settings(1000, 1000, 1, 1));
    assertTrue(limits.open(A).admitted().isPresent());
    for (int i = 2; i < 50; i++) {
      limits.open(address("127.0.0." + i)).admitted().orElseThrow().release();
    }
    assertTrue(limits.open(A).refused().isPresent(), "A still holds its one session");
  }

  private static Optional<InetAddress> address(String ip) {
    try {
      return Optional.of(InetAddress.getByName(ip));
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
