package io.peyvand.broker.conformance;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The report a platform hands in: the platform, the broker's and the protocol's versions, when, how
 * the sandbox was set up, and per scenario its verdict, reason and evidence; as JSON
 * (conformance-report.json) and Markdown (conformance-report.md).
 */
record Report(
    String platform,
    String brokerVersion,
    int protocolVersion,
    String date,
    String sandbox,
    List<ScenarioResult> scenarios) {

  boolean passed() {
    return !scenarios.isEmpty()
        && scenarios.stream().allMatch(s -> s.verdict() == ScenarioResult.Verdict.PASS);
  }

  /** Writes both files into {@code directory}; returns their paths. */
  List<Path> write(Path directory) throws IOException {
    Files.createDirectories(directory);
    Path json = directory.resolve("conformance-report.json");
    Path markdown = directory.resolve("conformance-report.md");
    Files.writeString(json, json());
    Files.writeString(markdown, markdown());
    return List.of(json, markdown);
  }

  String json() throws IOException {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("platform", platform);
    root.put("brokerVersion", brokerVersion);
    root.put("protocolVersion", protocolVersion);
    root.put("date", date);
    root.put("sandbox", sandbox);
    root.put("passed", passed());
    root.put(
        "scenarios",
        scenarios.stream()
            .map(
                s -> {
                  Map<String, Object> m = new LinkedHashMap<>();
                  m.put("id", s.id());
                  m.put("title", s.title());
                  m.put("rule", s.rule());
                  m.put("verdict", s.verdict().name());
                  m.put("reason", s.reason());
                  m.put("durationMs", s.durationMs());
                  m.put("evidence", s.evidence());
                  return m;
                })
            .toList());
    return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root)
        + "\n";
  }

  String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("# Peyvand conformance report: ").append(platform).append("\n\n");
    md.append("| | |\n| --- | --- |\n");
    md.append("| platform | `").append(platform).append("` |\n");
    md.append("| broker | Peyvand ").append(brokerVersion).append(" |\n");
    md.append("| protocol version | ").append(protocolVersion).append(" |\n");
    md.append("| date | ").append(date).append(" |\n");
    md.append("| sandbox | ").append(sandbox).append(" |\n");
    md.append("| result | ").append(passed() ? "**all scenarios passed**" : "**FAILED**");
    md.append(" |\n\n| scenario | verdict | reason | rule |\n| --- | --- | --- | --- |\n");
    for (ScenarioResult s : scenarios) {
      md.append("| ")
          .append(s.id())
          .append(" | ")
          .append(s.verdict())
          .append(" | ")
          .append(s.reason().replace("|", "\\|"))
          .append(" | ")
          .append(s.rule())
          .append(" |\n");
    }
    for (ScenarioResult s : scenarios) {
      md.append("\n## ").append(s.id()).append(": ").append(s.verdict()).append("\n\n");
      md.append(s.title()).append(" (").append(s.rule()).append("). ").append(s.reason());
      md.append(" (").append(s.durationMs()).append(" ms)\n\n");
      for (String line : s.evidence()) {
        md.append("- ").append(line).append('\n');
      }
    }
    return md.toString();
  }
}
