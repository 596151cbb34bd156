package io.peyvand.clusterconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The alerting rules of {@code prometheus/alerts.yml} are valid and do what their unit tests say:
 * Prometheus's own {@code promtool} checks them (and prometheus.yml, which loads them) and runs
 * {@code alerts-test.yml}. Beyond what promtool checks: every alert has a unit test in which it
 * fires and one in which it must not; every alert has a severity, a {@code for:}, a summary, a
 * description and a runbook link to a heading that exists; every metric a rule or its text names is
 * one the broker renders ({@link RenderedMetrics}) and METRICS.md documents; and METRICS.md's
 * "Alerts" explains every alert.
 *
 * <p>promtool is Debian's {@code prometheus} package ({@code .ci/run} installs it). Without it this
 * test fails, saying so, rather than skipping: rules nobody ran are the ones that never fire.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AlertRulesTest {
  private static final Path HOME = Path.of(System.getProperty("peyvand.cluster-config", "."));
  private static final Path PROMETHEUS = HOME.resolve("prometheus");
  private static final Path REPOSITORY = HOME.toAbsolutePath().normalize().getParent();
  private static final Set<String> SEVERITIES = Set.of("critical", "warning");
  private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6} (.+)$");

  private ActorSystem<Void> system;
  private List<Map<String, Object>> rules;

  @BeforeAll
  void start() throws IOException {
    system = RenderedMetrics.node("AlertRulesTest");
    rules = new ArrayList<>();
    for (Map<String, Object> group : list(yaml("alerts.yml").get("groups"))) {
      rules.addAll(list(group.get("rules")));
    }
  }

  @AfterAll
  void stop() {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().join();
  }

  @Test
  void promtoolFindsTheRulesAndThePrometheusConfigurationThatLoadsThemValid() {
    String rulesOut = promtool("check", "rules", "alerts.yml");
    assertTrue(rulesOut.contains("SUCCESS: " + rules.size() + " rules found"), rulesOut);
    String configOut = promtool("check", "config", "prometheus.yml");
    assertTrue(configOut.contains("SUCCESS: 1 rule files found"), configOut);
  }

  @Test
  void theRulesPassTheirPromtoolUnitTests() {
    String out = promtool("test", "rules", "alerts-test.yml");
    assertTrue(out.contains("SUCCESS"), out);
  }

  @Test
  void everyAlertHasAUnitTestWhereItFiresAndOneWhereItMustNot() throws IOException {
    Set<String> fires = new TreeSet<>();
    Set<String> quiet = new TreeSet<>();
    for (Map<String, Object> test : list(yaml("alerts-test.yml").get("tests"))) {
      for (Map<String, Object> check : list(test.get("alert_rule_test"))) {
        String alert = (String) check.get("alertname");
        List<Map<String, Object>> expected = list(check.get("exp_alerts"));
        (expected.isEmpty() ? quiet : fires).add(alert);
        for (Map<String, Object> alertExpected : expected) {
          Map<?, ?> annotations = (Map<?, ?>) alertExpected.get("exp_annotations");
          assertTrue(
              annotations != null
                  && annotations.keySet().containsAll(Set.of("summary", "description")),
              alert + " is expected without its summary and description: " + alertExpected);
        }
      }
    }
    assertEquals(alerts(), fires, "alerts with a test in which they fire");
    assertEquals(alerts(), quiet, "alerts with a test in which they must not fire");
  }

  @Test
  void everyAlertHasASeverityAForASummaryADescriptionAndARunbookThatExists() throws IOException {
    Map<String, String> wrong = new TreeMap<>();
    for (Map<String, Object> rule : rules) {
      String alert = (String) rule.get("alert");
      if (alert == null) {
        continue;
      }
      Map<?, ?> labels = (Map<?, ?>) rule.get("labels");
      Map<?, ?> annotations = (Map<?, ?>) rule.get("annotations");
      if (labels == null || !SEVERITIES.contains(labels.get("severity"))) {
        wrong.put(alert, "severity is not one of " + SEVERITIES + ": " + labels);
      } else if (rule.get("for") == null) {
        wrong.put(alert, "no for: a single bad scrape would page");
      } else if (annotations == null
          || !annotations.keySet().containsAll(Set.of("summary", "description", "runbook_url"))) {
        wrong.put(alert, "summary, description and runbook_url wanted: " + annotations);
      } else {
        String runbook = (String) annotations.get("runbook_url");
        if (!runbookExists(runbook)) {
          wrong.put(alert, "runbook_url names no heading of a file in the repository: " + runbook);
        }
      }
    }
    assertEquals(Map.of(), wrong);
  }

  @Test
  void everyMetricTheRulesNameIsRenderedByTheBrokerAndDocumented() throws IOException {
    Set<String> rendered = RenderedMetrics.names(system);
    String documented = Files.readString(HOME.resolve("METRICS.md"));
    Map<String, String> unknown = new TreeMap<>();
    Set<String> used = new TreeSet<>();
    for (Map<String, Object> rule : rules) {
      String name =
          rule.containsKey("alert") ? (String) rule.get("alert") : "record " + rule.get("record");
      String expr = (String) rule.get("expr");
      Matcher m = RenderedMetrics.METRIC.matcher(expr + "\n" + rule.get("annotations"));
      boolean reads = expr.contains("up{job=\"peyvand\"}");
      while (m.find()) {
        String metric = m.group(1);
        reads |= expr.contains(metric);
        used.add(metric);
        if (!rendered.contains(metric) && !rendered.contains(metric + "_bucket")) {
          unknown.put(name, metric + " is not rendered by the broker");
        } else if (!documented.contains("`" + family(metric, rendered) + "`")) {
          unknown.put(name, metric + " is not documented in METRICS.md");
        }
      }
      if (!reads) {
        unknown.put(name, "reads no metric of the broker nor up{job=\"peyvand\"}: " + expr);
      }
    }
    assertEquals(Map.of(), unknown, "the broker renders: " + rendered);
    assertTrue(
        used.contains("peyvand_ready") && used.contains("jvm_heap_after_gc_bytes"), "" + used);
  }

  @Test
  void metricsMdExplainsEveryAlert() throws IOException {
    String metrics = Files.readString(HOME.resolve("METRICS.md"));
    int section = metrics.indexOf("\n## Alerts\n");
    assertTrue(section >= 0, "METRICS.md has no \"## Alerts\" section");
    int end = metrics.indexOf("\n## ", section + 1);
    String alertsSection = metrics.substring(section, end < 0 ? metrics.length() : end);
    Set<String> missing = new TreeSet<>();
    for (String alert : alerts()) {
      if (!alertsSection.contains("`" + alert + "`")) {
        missing.add(alert);
      }
    }
    assertEquals(Set.of(), missing, "alerts METRICS.md's \"Alerts\" does not explain");
  }

  /**
   * The family a sample name belongs to as METRICS.md names it (histograms by their base, as the
   * rules' descriptions may name them too).
   */
  private static String family(String sample, Set<String> rendered) {
    for (String suffix : List.of("_bucket", "_count", "_sum")) {
      String base = sample.substring(0, Math.max(0, sample.length() - suffix.length()));
      if (sample.endsWith(suffix) && rendered.contains(base + "_bucket")) {
        return base;
      }
    }
    return sample;
  }

  private Set<String> alerts() {
    Set<String> names = new TreeSet<>();
    for (Map<String, Object> rule : rules) {
      if (rule.get("alert") != null) {
        names.add((String) rule.get("alert"));
      }
    }
    assertFalse(names.isEmpty(), "no alert in alerts.yml");
    return names;
  }

  /** Whether {@code file#anchor}, relative to the repository, names a Markdown heading there. */
  private static boolean runbookExists(String runbook) throws IOException {
    int hash = runbook.indexOf('#');
    Path file = REPOSITORY.resolve(hash < 0 ? runbook : runbook.substring(0, hash));
    if (!Files.isRegularFile(file)) {
      return false;
    }
    if (hash < 0) {
      return true;
    }
    Matcher m = HEADING.matcher(Files.readString(file));
    while (m.find()) {
      if (anchor(m.group(1)).equals(runbook.substring(hash + 1))) {
        return true;
      }
    }
    return false;
  }

  /** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens. */
  private static String anchor(String heading) {
    return heading
        .strip()
        .toLowerCase(Locale.ROOT)
        .replaceAll("[^\\p{L}\\p{N} _-]", "")
        .replace(' ', '-');
  }

  private static Map<String, Object> yaml(String name) throws IOException {
    try (Reader in = Files.newBufferedReader(PROMETHEUS.resolve(name))) {
      return new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
    }
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Object yaml) {
    return yaml == null ? List.of() : (List<Map<String, Object>>) yaml;
  }

  /** Runs promtool in prometheus/ and returns its output; fails with it on a non-zero exit. */
  private static String promtool(String... args) {
    String promtool = promtoolOnPath();
    List<String> command = new ArrayList<>(List.of(promtool));
    command.addAll(List.of(args));
    try {
      Process process =
          new ProcessBuilder(command)
              .directory(PROMETHEUS.toFile())
              .redirectErrorStream(true)
              .start();
      process.getOutputStream().close();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        fail(String.join(" ", command) + " did not finish within 60 s:\n" + out);
      }
      assertEquals(0, process.exitValue(), String.join(" ", command) + " failed:\n" + out);
      return out;
    } catch (IOException e) {
      throw new AssertionError("cannot run " + String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted running " + String.join(" ", command), e);
    }
  }

  private static String promtoolOnPath() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, "promtool");
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return fail(
        "promtool is not on the PATH: the alerting rules in cluster-config/prometheus cannot be"
            + " checked. Install Debian's prometheus package, which ships it"
            + " (apt-get install --no-install-recommends prometheus; .ci/run does), and run again.");
  }
}
