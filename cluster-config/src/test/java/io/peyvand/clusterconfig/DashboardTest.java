package io.peyvand.clusterconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The Grafana dashboard and the Prometheus configuration fit the broker: every metric name a
 * panel's expression (or a template variable's query) uses is one that a broker node's {@code
 * /metrics} renders, every panel reads the datasource variable and the node variable, and
 * Prometheus scrapes the HTTP ports of the local cluster's nodes. The rendered names come from the
 * broker's own metrics in a cluster node started here ({@link RenderedMetrics}: its {@code # TYPE}
 * lines, which are written even before the first sample), so a renamed metric or a misspelled panel
 * fails.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardTest {
  private static final Path HOME = Path.of(System.getProperty("peyvand.cluster-config", "."));

  private ActorSystem<Void> system;
  private JsonNode dashboard;

  @BeforeAll
  void start() throws IOException {
    system = RenderedMetrics.node("DashboardTest");
    dashboard =
        new ObjectMapper().readTree(HOME.resolve("grafana/peyvand-dashboard.json").toFile());
  }

  @AfterAll
  void stop() {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().join();
  }

  private Set<String> renderedNames() {
    return RenderedMetrics.names(system);
  }

  /** Every expression of the dashboard, by where it is (panel title and ref id, or variable). */
  private Map<String, String> expressions() {
    Map<String, String> exprs = new TreeMap<>();
    for (JsonNode panel : panels()) {
      for (JsonNode target : panel.path("targets")) {
        exprs.put(
            panel.path("title").asText() + " " + target.path("refId").asText(),
            target.path("expr").asText());
      }
    }
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      if (variable.path("type").asText().equals("query")) {
        exprs.put(
            "variable " + variable.path("name").asText(), variable.path("definition").asText());
      }
    }
    return exprs;
  }

  private List<JsonNode> panels() {
    List<JsonNode> all = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      all.add(panel);
      panel.path("panels").forEach(all::add); // panels of collapsed rows
    }
    return all;
  }

  @Test
  void everyMetricTheDashboardUsesIsRenderedByTheBroker() {
    Set<String> rendered = renderedNames();
    assertTrue(rendered.contains("peyvand_items_delivered_total"), rendered.toString());
    Map<String, String> exprs = expressions();
    assertTrue(exprs.size() >= 15, exprs.toString());
    Map<String, String> unknown = new TreeMap<>();
    exprs.forEach(
        (where, expr) -> {
          Matcher m = RenderedMetrics.METRIC.matcher(expr);
          boolean any = false;
          while (m.find()) {
            any = true;
            if (!rendered.contains(m.group(1))) {
              unknown.put(where, m.group(1));
            }
          }
          if (!any) {
            unknown.put(where, "no peyvand_ or jvm_ metric in: " + expr);
          }
        });
    assertEquals(Map.of(), unknown, "the broker renders: " + rendered);
  }

  @Test
  void thePanelsTheIssueAsksForArePresent() {
    String all = String.join("\n", expressions().values());
    for (String name :
        List.of(
            "peyvand_messages_accepted_total",
            "peyvand_items_delivered_total",
            "peyvand_items_acknowledged_total",
            "peyvand_items_redelivered_total",
            "peyvand_refusals_total",
            "peyvand_persist_seconds_bucket",
            "peyvand_submit_seconds_bucket",
            "peyvand_journal_write_seconds_bucket",
            "peyvand_sharding_entities",
            "peyvand_sharding_shards",
            "peyvand_sessions",
            "peyvand_cluster_members_up",
            "peyvand_ready",
            "jvm_heap_used_bytes")) {
      assertTrue(all.contains(name), name);
    }
    assertTrue(
        all.contains(
            "histogram_quantile(0.99, sum by (le, entity) (rate("
                + "peyvand_persist_seconds_bucket"),
        all);
    assertTrue(all.contains("histogram_quantile(0.5, sum by (le, entity)"), all);
  }

  @Test
  void everyPanelReadsTheDatasourceAndNodeVariables() {
    List<String> variables = new ArrayList<>();
    dashboard
        .path("templating")
        .path("list")
        .forEach(v -> variables.add(v.path("name").asText() + ":" + v.path("type").asText()));
    assertEquals(List.of("datasource:datasource", "node:query"), variables);
    for (JsonNode panel : panels()) {
      if (panel.path("type").asText().equals("row")) {
        continue;
      }
      String title = panel.path("title").asText();
      assertEquals("${datasource}", panel.path("datasource").path("uid").asText(), title);
      assertFalse(panel.path("targets").isEmpty(), title);
      for (JsonNode target : panel.path("targets")) {
        assertEquals("${datasource}", target.path("datasource").path("uid").asText(), title);
        assertTrue(target.path("expr").asText().contains("instance=~\"$node\""), title);
      }
    }
  }

  @Test
  void prometheusScrapesTheHttpPortOfEveryLocalClusterNode() throws IOException {
    String yml = Files.readString(HOME.resolve("prometheus/prometheus.yml"));
    Set<Integer> targets = new TreeSet<>();
    Matcher m = Pattern.compile("(?m)^\\s*- 127\\.0\\.0\\.1:([0-9]+)$").matcher(yml);
    while (m.find()) {
      targets.add(Integer.parseInt(m.group(1)));
    }
    Set<Integer> ports = new TreeSet<>();
    for (int node = 1; node <= 3; node++) {
      ports.add(
          DeployablesTest.load("local-cluster/node-" + node + ".conf").getInt("peyvand.http.port"));
    }
    assertEquals(ports, targets);
    assertTrue(yml.contains("metrics_path: /metrics"), yml);
  }
}
