package io.peyvand.broker.observability;

import io.peyvand.protocol.v1.Error;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every refusal of a platform's request: logged as a security event (who, what, why; the log line
 * carries the time) on the logger {@code peyvand.security}, and counted per platform and error code
 * for {@code /metrics}.
 */
public final class SecurityEvents {
  private static final Logger log = LoggerFactory.getLogger("peyvand.security");

  private record Key(String platform, String code) {}

  /** Distinct (platform, code) series kept; refusals beyond are counted under {@link #OTHER}. */
  static final int MAX_SERIES = 1000;

  static final String OTHER = "other";

  private final Counter refusals =
      Counter.builder()
          .name("peyvand_refusals_total")
          .help("requests refused, by platform and error code")
          .labelNames("platform", "code")
          .withoutExemplars()
          .build();
  private final Counter sessionsClosedByRevocation =
      Counter.builder()
          .name("peyvand_revoked_sessions_closed_total")
          .help("live sessions closed because their certificate was revoked")
          .withoutExemplars()
          .build();
  private final Map<Key, CounterDataPoint> series = new ConcurrentHashMap<>();

  /** Refusals by UTC day, platform and code, for the regulator's statistics. */
  public record DailyRefusals(LocalDate day, String platform, String code, long count) {}

  private record DayKey(LocalDate day, String platform, String code) {}

  private final Map<DayKey, LongAdder> daily = new ConcurrentHashMap<>();
  private final Clock clock;

  public SecurityEvents() {
    this(Clock.systemUTC());
  }

  public SecurityEvents(Clock clock) {
    this.clock = clock;
  }

  /** {@code platform} (as claimed when unknown) was refused {@code what}. */
  public void refused(String platform, String what, Error error) {
    log.info(
        "refused platform={} operation={} code={} reason={}",
        platform,
        what,
        error.getCode(),
        error.getMessage());
    Key key = new Key(platform, error.getCode().name());
    if (series.size() >= MAX_SERIES && !series.containsKey(key)) {
      // Platform ids in refusals are as claimed: a hostile peer must not grow /metrics forever.
      key = new Key(OTHER, key.code());
    }
    series.computeIfAbsent(key, k -> refusals.labelValues(k.platform(), k.code())).inc();
    daily
        .computeIfAbsent(
            new DayKey(LocalDate.now(clock.withZone(ZoneOffset.UTC)), key.platform(), key.code()),
            k -> new LongAdder())
        .increment();
  }

  /**
   * This node's refusals of today and yesterday (UTC) so far, by platform and code; older days are
   * dropped (they were written out by then: the statistics keep them).
   */
  public List<DailyRefusals> daily() {
    LocalDate yesterday = LocalDate.now(clock.withZone(ZoneOffset.UTC)).minusDays(1);
    daily.keySet().removeIf(k -> k.day().isBefore(yesterday));
    List<DailyRefusals> out = new ArrayList<>();
    daily.forEach((k, v) -> out.add(new DailyRefusals(k.day(), k.platform(), k.code(), v.sum())));
    return out;
  }

  /** Live sessions were closed because their certificates were revoked. */
  public void sessionsClosedByRevocation(int sessions) {
    if (sessions > 0) {
      log.info("closed sessions={} reason=certificate-revoked", sessions);
      sessionsClosedByRevocation.inc(sessions);
    }
  }

  public long sessionsClosedByRevocation() {
    return sessionsClosedByRevocation.getLongValue();
  }

  /** Refusals so far, by "platform code", sorted. */
  public Map<String, Long> counts() {
    Map<String, Long> counts = new TreeMap<>();
    series.forEach((k, v) -> counts.put(k.platform() + " " + k.code(), v.getLongValue()));
    return counts;
  }

  /** Adds the refusal counters to a node's registry. */
  void registerIn(PrometheusRegistry registry) {
    registry.register(refusals);
    registry.register(sessionsClosedByRevocation);
  }
}
