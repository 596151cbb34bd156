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

  private final Map<Key, LongAdder> refusals = new ConcurrentHashMap<>();

  /** {@code platform} (as claimed when unknown) was refused {@code what}. */
  public void refused(String platform, String what, Error error) {
    log.info("refused platform={} operation={} code={} reason={}", platform, what,
        error.getCode(), error.getMessage());
    refusals.computeIfAbsent(new Key(platform, error.getCode().name()), k -> new LongAdder())
        .increment();
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
  }
}
