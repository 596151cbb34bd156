package io.peyvand.broker.observability;

import io.peyvand.protocol.v1.Error;
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

  private final Map<Key, LongAdder> refusals = new ConcurrentHashMap<>();
  private final LongAdder sessionsClosedByRevocation = new LongAdder();

  /** {@code platform} (as claimed when unknown) was refused {@code what}. */
  public void refused(String platform, String what, Error error) {
    log.info("refused platform={} operation={} code={} reason={}", platform, what,
        error.getCode(), error.getMessage());
    Key key = new Key(platform, error.getCode().name());
    if (refusals.size() >= MAX_SERIES && !refusals.containsKey(key)) {
      // Platform ids in refusals are as claimed: a hostile peer must not grow /metrics forever.
      key = new Key(OTHER, key.code());
    }
    refusals.computeIfAbsent(key, k -> new LongAdder()).increment();
  }

  /** Live sessions were closed because their certificates were revoked. */
  public void sessionsClosedByRevocation(int sessions) {
    if (sessions > 0) {
      log.info("closed sessions={} reason=certificate-revoked", sessions);
      sessionsClosedByRevocation.add(sessions);
    }
  }

  public long sessionsClosedByRevocation() {
    return sessionsClosedByRevocation.sum();
  }

  /** Refusals so far, by "platform code", sorted. */
  public Map<String, Long> counts() {
    Map<String, Long> counts = new TreeMap<>();
    refusals.forEach((k, v) -> counts.put(k.platform() + " " + k.code(), v.sum()));
    return counts;
  }

  /** The refusal counter in the Prometheus text format. */
  public void render(StringBuilder out) {
    out.append("# HELP peyvand_refusals_total requests refused, by platform and error code\n")
        .append("# TYPE peyvand_refusals_total counter\n");
    refusals.forEach((k, v) -> out.append("peyvand_refusals_total{platform=\"")
        .append(Prometheus.escape(k.platform())).append("\",code=\"").append(k.code())
        .append("\"} ").append(v.sum()).append('\n'));
    Prometheus.header(out, "peyvand_revoked_sessions_closed_total", "counter",
        "live sessions closed because their certificate was revoked");
    out.append("peyvand_revoked_sessions_closed_total ").append(sessionsClosedByRevocation.sum())
        .append('\n');
  }
}
