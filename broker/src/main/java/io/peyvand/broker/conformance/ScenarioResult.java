package io.peyvand.broker.conformance;

import java.util.List;

/**
 * What one scenario found: PASS, FAIL or SKIPPED with the reason, and the evidence (the frames and
 * times at the edge it judged by), as printed and written to the report.
 */
record ScenarioResult(
    String id,
    String title,
    String rule,
    Verdict verdict,
    String reason,
    List<String> evidence,
    long durationMs) {
  enum Verdict {
    PASS,
    FAIL,
    SKIPPED
  }

  /** The line printed per scenario. */
  String line() {
    return String.format("%-7s %-30s %s", verdict, id, reason);
  }
}
