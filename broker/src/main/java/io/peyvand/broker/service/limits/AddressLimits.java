package io.peyvand.broker.service.limits;

import com.typesafe.config.Config;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.peyvand.broker.config.ConfigRecords;
import io.peyvand.protocol.ErrorCodes;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import java.net.InetAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Limits on the sessions one client address opens on this node, checked before a session reads its
 * Hello: how many it opens per second (a token bucket), and how many it holds at once. They bound
 * what a host that reconnects in a loop, or holds connections open, costs the node, before the
 * per-platform limits apply; a platform's adapters well inside their own session limit never reach
 * them. Handshakes themselves are bounded by {@code pekko.http.server.max-connections} per listener
 * and, per address, by the network in front of the broker (SECURITY.md): pekko-http completes TLS
 * before the broker sees a connection.
 */
public final class AddressLimits {

  /** See peyvand.limits.sessions-per-address in reference.conf. */
  public record Settings(long openRate, long openBurst, int concurrent, int trackedAddresses) {
    public static Settings fromConfig(Config config) {
      return ConfigRecords.read(
          config.getConfig("peyvand.limits.sessions-per-address"), Settings.class);
    }
  }

  /** An admitted session's place; {@link #release} gives it back (once, whatever the calls). */
  public static final class Admission {
    private final Runnable release;
    private final AtomicBoolean released = new AtomicBoolean();

    private Admission(Runnable release) {
      this.release = release;
    }

    public void release() {
      if (released.compareAndSet(false, true)) {
        release.run();
      }
    }
  }

  /** Either an admission or the refusal to answer. */
  public record Outcome(Optional<Admission> admitted, Optional<Error> refused) {}

  private static final class PerAddress {
    final Bucket opens;
    final AtomicInteger open = new AtomicInteger();

    PerAddress(Settings settings) {
      this.opens =
          Bucket.builder()
              .addLimit(
                  limit ->
                      limit
                          .capacity(settings.openBurst())
                          .refillGreedy(settings.openRate(), Duration.ofSeconds(1)))
              .build();
    }
  }

  private static final Admission UNLIMITED = new Admission(() -> {});

  private final Settings settings;
  private final Map<InetAddress, PerAddress> addresses;

  public AddressLimits(Settings settings) {
    this.settings = settings;
    this.addresses =
        new LinkedHashMap<>(256, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<InetAddress, PerAddress> eldest) {
            // An address holding sessions is never forgotten (its count would be lost).
            return size() > settings.trackedAddresses() && eldest.getValue().open.get() == 0;
          }
        };
  }

  /** Admits a session from {@code address} (unknown: admitted, uncounted), or says why not. */
  public Outcome open(Optional<InetAddress> address) {
    if (address.isEmpty()) {
      return new Outcome(Optional.of(UNLIMITED), Optional.empty());
    }
    InetAddress from = address.get();
    PerAddress state;
    synchronized (addresses) {
      state = addresses.computeIfAbsent(from, a -> new PerAddress(settings));
    }
    ConsumptionProbe probe = state.opens.tryConsumeAndReturnRemaining(1);
    if (!probe.isConsumed()) {
      long wait = Math.max(1, Duration.ofNanos(probe.getNanosToWaitForRefill()).toMillis());
      return refused(
          ErrorCodes.error(
              ErrorCode.RATE_LIMITED,
              "address "
                  + from.getHostAddress()
                  + " opens sessions faster than "
                  + settings.openRate()
                  + "/s (peyvand.limits.sessions-per-address.open-rate); retry in "
                  + wait
                  + " ms",
              wait));
    }
    if (state.open.incrementAndGet() > settings.concurrent()) {
      state.open.decrementAndGet();
      return refused(
          ErrorCodes.error(
              ErrorCode.RATE_LIMITED,
              "address "
                  + from.getHostAddress()
                  + " already holds "
                  + settings.concurrent()
                  + " sessions on"
                  + " this node (peyvand.limits.sessions-per-address.concurrent); close one first",
              5000));
    }
    return new Outcome(Optional.of(new Admission(state.open::decrementAndGet)), Optional.empty());
  }

  /** Sessions {@code address} holds now, for tests and metrics. */
  public int open(InetAddress address) {
    synchronized (addresses) {
      PerAddress state = addresses.get(address);
      return state == null ? 0 : state.open.get();
    }
  }

  private static Outcome refused(Error error) {
    return new Outcome(Optional.empty(), Optional.of(error));
  }
}
