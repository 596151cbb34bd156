package io.peyvand.protocol.mls;

import java.time.Instant;
import java.util.Objects;

/**
 * The lifetime of a KeyPackage's LeafNode (RFC 9420 §7.2): the client's promise that the KeyPackage
 * may be used from {@code notBefore} to {@code notAfter}, both inclusive, in seconds since the Unix
 * epoch. The fields are uint64 on the wire, kept here as longs read unsigned (ts-mls writes 2^63 -
 * 1 for "no end"), so compare them with {@link #contains}, not with {@code <}.
 *
 * @param notBefore first second of validity, unsigned
 * @param notAfter last second of validity, unsigned
 */
public record Lifetime(long notBefore, long notAfter) {

  /**
   * Whether {@code at} lies within the lifetime, ends included. A lifetime whose not_before is
   * after its not_after contains no instant; no instant before 1970 is contained.
   */
  public boolean contains(Instant at) {
    long seconds = Objects.requireNonNull(at, "at").getEpochSecond();
    return seconds >= 0
        && Long.compareUnsigned(notBefore, seconds) <= 0
        && Long.compareUnsigned(seconds, notAfter) <= 0;
  }

  @Override
  public String toString() {
    return "Lifetime["
        + Long.toUnsignedString(notBefore)
        + ".."
        + Long.toUnsignedString(notAfter)
        + "]";
  }
}
