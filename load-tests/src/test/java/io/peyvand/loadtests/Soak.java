package io.peyvand.loadtests;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.regex;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.Simulation;
import io.peyvand.loadtests.bench.harness.Percentiles;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Steady load for a long time ({@code duration}, default 600 s at the plateau, after the ramp): the
 * traffic of {@link DirectMessages}, with the broker's {@code GET /metrics} scraped every {@code
 * scrape-every} seconds (default 5). The broker must not drift: after {@code warmup} seconds
 * (default 180: a mailbox stays in memory 2 minutes after its last message, so until then the live
 * mailboxes, and the heap, legitimately grow), the lowest {@code jvm_heap_after_gc_bytes} (what
 * survived the latest collection; see the broker's JvmMetrics) of the last third of the samples may
 * exceed the lowest of the first third by at most {@code heap-growth-pct} percent (default 25), and
 * the 99th percentile of submit-to-delivered of the messages of the last third may be at most
 * {@code lag-growth} times (default 2) that of the first third plus 250 ms. Both comparisons are
 * printed; either one failing fails the run, with the assertions of {@link DirectMessages}.
 *
 * <p>Why the lowest: with G1, what a young collection leaves includes the old generation's dead
 * objects until a concurrent cycle reclaims them, which starts only when the old generation reaches
 * a share of the maximum heap (45% by default). Heap after collections is therefore a sawtooth of
 * long period: its troughs (after the old generation was cleaned) are the live set, and a leak
 * raises them. The soak must span several such cycles: minutes at these rates with a broker heap of
 * a few hundred MB, much longer with the dev default of 2 GB (see LOAD.md).
 */
public class Soak extends Simulation {
  private final LoadSettings settings = LoadSettings.fromSystemProperties(600);
  private final LoadRun run = new LoadRun(settings);
  private final Interconnect interconnect = new Interconnect(run);
  private final Duration scrapeEvery = Duration.ofSeconds(LoadSettings.integer("scrape-every", 5));
  private final double warmup = LoadSettings.number("warmup", 180);
  private final double heapGrowthPercent = LoadSettings.number("heap-growth-pct", 25);
  private final double lagGrowth = LoadSettings.number("lag-growth", 2);

  /** One scrape: when (seconds from the start), the heap after collections, messages issued. */
  private record Sample(double at, long heapAfterGc, long heapUsed, int issued) {}

  private final List<Sample> samples = new CopyOnWriteArrayList<>();

  {
    var scraper =
        scenario("metrics")
            .asLongAs(
                session ->
                    run.startedAt() < 0 || run.elapsedSeconds() < settings.schedule().endSeconds())
            .on(
                exec(http("GET /metrics")
                        .get("/metrics")
                        .check(status().is(200))
                        .check(
                            regex("\njvm_heap_after_gc_bytes ([0-9.eE+]+)")
                                .transform(Soak::bytes)
                                .saveAs("afterGc"))
                        .check(
                            regex("\njvm_heap_used_bytes ([0-9.eE+]+)")
                                .transform(Soak::bytes)
                                .saveAs("used")))
                    .exec(
                        session -> {
                          if (run.startedAt() >= 0) {
                            samples.add(
                                new Sample(
                                    run.elapsedSeconds(),
                                    session.getLong("afterGc"),
                                    session.getLong("used"),
                                    run.issued()));
                          }
                          return session;
                        })
                    .pause(scrapeEvery));
    setUp(
            interconnect.platformSessions(exec(session -> session), this::failures),
            scraper.injectOpen(atOnceUsers(1)).protocols(interconnect.plainProtocol()))
        .assertions(interconnect.assertions());
  }

  /** The samples after the warm-up, cut in thirds: the first and the last. */
  private List<List<Sample>> thirds() {
    List<Sample> steady = samples.stream().filter(s -> s.at() >= warmup).toList();
    int third = steady.size() / 3;
    if (third < 2) {
      return List.of();
    }
    return List.of(steady.subList(0, third), steady.subList(steady.size() - third, steady.size()));
  }

  private static long lowestHeap(List<Sample> part) {
    return part.stream().mapToLong(Sample::heapAfterGc).min().orElseThrow();
  }

  /** Submit-to-delivered of the messages issued between the first and last sample of a part. */
  private Percentiles lag(List<Sample> part) {
    return run.ledger
        .tally(part.get(0).issued(), part.get(part.size() - 1).issued())
        .submitToDelivered();
  }

  private List<String> failures() {
    List<String> failures = new ArrayList<>(run.failures());
    List<List<Sample>> thirds = thirds();
    if (thirds.isEmpty()) {
      failures.add(
          "too few /metrics samples after the warm-up of "
              + warmup
              + " s to compare"
              + " ("
              + samples.size()
              + " in all): run longer (duration) or scrape more often");
      return failures;
    }
    long first = lowestHeap(thirds.get(0));
    long last = lowestHeap(thirds.get(1));
    if (last > first * (1 + heapGrowthPercent / 100)) {
      failures.add(
          String.format(
              "the broker's heap after collections grew from %.1f MB to"
                  + " %.1f MB (more than %.0f%%)",
              first / 1e6, last / 1e6, heapGrowthPercent));
    }
    long lagFirst = lag(thirds.get(0)).value(0.99);
    long lagLast = lag(thirds.get(1)).value(0.99);
    if (lagLast > lagFirst * lagGrowth + 250_000_000L) {
      failures.add(
          String.format(
              "submit-to-delivered p99 grew from %.1f ms to %.1f ms (more"
                  + " than %.1f times + 250 ms)",
              lagFirst / 1e6, lagLast / 1e6, lagGrowth));
    }
    return failures;
  }

  @Override
  public void after() {
    List<String> failures = failures();
    run.print("Soak", failures);
    System.out.printf(
        "  /metrics: %d samples; heap after GC (MB) %s%n",
        samples.size(),
        Arrays.toString(samples.stream().mapToLong(s -> s.heapAfterGc() / 1_000_000).toArray()));
    List<List<Sample>> thirds = thirds();
    if (!thirds.isEmpty()) {
      System.out.printf(
          "  after the %.0f s warm-up: heap after GC at its lowest %.1f MB in the"
              + " first third, %.1f MB in the last; submit-to-delivered p99 %.1f ms then %.1f ms%n",
          warmup,
          lowestHeap(thirds.get(0)) / 1e6,
          lowestHeap(thirds.get(1)) / 1e6,
          lag(thirds.get(0)).value(0.99) / 1e6,
          lag(thirds.get(1)).value(0.99) / 1e6);
    }
  }

  /** A gauge's value as the broker writes it ("1.2345E8" or "123.0"), in whole bytes. */
  private static long bytes(String value) {
    return (long) Double.parseDouble(value);
  }
}
