package io.peyvand.broker.faults;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./peyvand faults kill|cassandra|partition|scale-out|rolling-restart|all}: runs fault
 * scenarios against broker nodes in JVMs of their own (cluster-config/FAULTS.md). Progress goes to
 * stderr; each scenario's summary line to stdout, all of them again at the end. Exit 1 when a
 * scenario failed (lost > 0, unflagged duplicates > 0, or its own condition).
 */
@Command(
    name = "faults",
    mixinStandardHelpOptions = true,
    description =
        "Fault scenarios against a cluster of broker processes (cluster-config/FAULTS.md).")
public final class Faults implements Callable<Integer> {
  static final Map<String, Supplier<FaultScenario>> SCENARIOS = new LinkedHashMap<>();

  static {
    SCENARIOS.put("kill", KillScenario::new);
    SCENARIOS.put("cassandra", CassandraScenario::new);
    SCENARIOS.put("partition", PartitionScenario::new);
    SCENARIOS.put("scale-out", ScaleOutScenario::new);
    SCENARIOS.put("rolling-restart", RollingRestartScenario::new);
  }

  @Parameters(
      index = "0",
      arity = "1",
      description = "kill, cassandra, partition, scale-out, rolling-restart or all")
  String scenario;

  @Option(names = "--rate", description = "New messages per second, all platforms (default 50).")
  double rate = 50;

  @Option(
      names = "--seconds",
      description =
          "Traffic after the fault is over, in seconds (default 30; up to 60 more"
              + " while the traffic is not back).")
  int seconds = 30;

  @Option(names = "--warmup", description = "Traffic before the fault, in seconds (default 30).")
  int warmup = 30;

  @Option(names = "--users", description = "Users per platform (default 20).")
  int users = 20;

  @Option(names = "--sessions", description = "Adapter sessions per platform (default 2).")
  int sessions = 2;

  @Option(names = "--dir", description = "Where the runs' logs go (default broker/target/faults).")
  Path dir = Path.of("broker", "target", "faults");

  public static void main(String[] args) {
    PrintStream results = System.out;
    System.setOut(System.err);
    Faults faults = new Faults();
    faults.results = results;
    System.exit(new CommandLine(faults).execute(args));
  }

  private PrintStream results = System.out;

  @Override
  public Integer call() throws Exception {
    List<String> names = new ArrayList<>();
    if (scenario.equals("all")) {
      names.addAll(SCENARIOS.keySet());
    } else if (SCENARIOS.containsKey(scenario)) {
      names.add(scenario);
    } else {
      throw new CommandLine.ParameterException(
          new CommandLine(this),
          "unknown scenario " + scenario + "; one of " + SCENARIOS.keySet() + " or all");
    }
    FaultScenario.Options options =
        new FaultScenario.Options(rate, warmup, seconds, users, sessions, 90, 30, dir);
    List<FaultScenario.Result> outcomes = new ArrayList<>();
    for (String name : names) {
      FaultScenario.Result result;
      try {
        result = SCENARIOS.get(name).get().run(options, System.err);
      } catch (Exception e) {
        e.printStackTrace(System.err);
        result =
            new FaultScenario.Result(
                name, "faults " + name + ": ERROR " + e, false, List.of(e.toString()));
      }
      outcomes.add(result);
      results.println(result.summary());
      result.failures().forEach(f -> System.err.println("  " + name + " failed: " + f));
    }
    if (outcomes.size() > 1) {
      results.println();
      outcomes.forEach(r -> results.println(r.summary()));
    }
    results.printf(
        "rerun: ./peyvand faults %s --rate %.0f --seconds %d --warmup %d%n",
        scenario, rate, seconds, warmup);
    return outcomes.stream().allMatch(FaultScenario.Result::passed) ? 0 : 1;
  }
}
