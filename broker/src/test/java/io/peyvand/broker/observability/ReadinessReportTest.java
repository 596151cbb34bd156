package io.peyvand.broker.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The readiness document operators and probes read: its shape, order and escaping. */
class ReadinessReportTest {

  @Test
  void theReportListsEveryCheckInOrderWithItsDetailEscaped() {
    Map<String, Readiness.Check> checks = new LinkedHashMap<>();
    checks.put("cluster", new Readiness.Check(true, "Up"));
    checks.put("cassandra", new Readiness.Check(false, "no answer from \"127.0.0.1:9042\"\n\t"));
    Readiness.Report report = new Readiness.Report(checks);
    assertEquals(
        "{\"status\":\"not-ready\",\"checks\":{"
            + "\"cluster\":{\"ok\":true,\"detail\":\"Up\"},"
            + "\"cassandra\":{\"ok\":false,"
            + "\"detail\":\"no answer from \\\"127.0.0.1:9042\\\"\\n\\t\"}}}",
        report.toJson());
    checks.put("cassandra", new Readiness.Check(true, "answered"));
    assertEquals("ready", new Readiness.Report(checks).toJson().substring(11, 16));
  }
}
