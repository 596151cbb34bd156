package io.peyvand.loadtests;

import io.peyvand.loadtests.bench.direct.ArrivalSchedule;
import io.peyvand.loadtests.bench.direct.TrafficModel;
import io.peyvand.loadtests.bench.harness.Platforms;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The settings every platform-session simulation reads, from system properties ({@code ./peyvand
 * load <Simulation> -Dkey=value}); each has a default that fits a local {@code ./peyvand dev}. A
 * simulation reads its own extra keys itself.
 *
 * <ul>
 *   <li>{@code peyvand.http}: the broker's HTTPS base URL (default https://127.0.0.1:7401); the
 *       WebSocket is its {@code wss://} twin at {@code /v1/ws}, health and /metrics are on it.
 *   <li>{@code pki-dir}: where {@code platforms/<id>.p12} are (default {@code data/pki} of
 *       peyvand.home, the repository root); {@code pki-password} (default the dev CA's).
 *   <li>{@code platforms}: comma-separated dev platform ids (default all four); {@code users}:
 *       opted-in users in all, split by monthly users (default 100000: the scale factor); {@code
 *       sessions}: WebSocket sessions per platform (default 2).
 *   <li>{@code rate}: messages per second at the plateau, all platforms together (default 50);
 *       {@code start-rate} (default 1) and {@code ramp} seconds (default 20) before it; {@code
 *       duration}: seconds at the plateau (default 60; Soak 600).
 *   <li>{@code size-mix}: realistic or fixed:N (default realistic); {@code media-percent} (default
 *       5); {@code seed} (default 42).
 *   <li>{@code p99-ms}: bound on the 99th percentile of submit-to-accepted (default 1000); {@code
 *       delivered-p99-ms}: bound on that of submit-to-delivered (default 5000); {@code
 *       max-errors-pct}: failed submits allowed, percent (default 0.1).
 *   <li>{@code answer-timeout}: seconds a submit waits for its result before it counts as failed
 *       (default 10); {@code grace}: seconds after the last submit to wait for every accepted
 *       message to be delivered and its status to come back (default 30).
 * </ul>
 */
record LoadSettings(
    String httpUrl,
    String wsUrl,
    Path pkiDir,
    char[] pkiPassword,
    List<String> platforms,
    int users,
    int sessionsPerPlatform,
    ArrivalSchedule schedule,
    String sizeMix,
    int mediaPercent,
    long seed,
    int acceptedP99Millis,
    int deliveredP99Millis,
    double maxErrorsPercent,
    Duration answerTimeout,
    Duration grace) {

  static LoadSettings fromSystemProperties() {
    return fromSystemProperties(60);
  }

  /** With {@code defaultDuration} seconds at the plateau unless {@code duration} is given. */
  static LoadSettings fromSystemProperties(int defaultDuration) {
    String http = property("peyvand.http", "https://127.0.0.1:7401").replaceAll("/+$", "");
    String ws = http.replaceFirst("^http", "ws");
    Path home = Path.of(property("peyvand.home", Files.isDirectory(Path.of("data")) ? "." : ".."));
    return new LoadSettings(
        http,
        ws,
        Path.of(property("pki-dir", home.resolve("data").resolve("pki").toString())),
        property("pki-password", "peyvand-dev").toCharArray(),
        Platforms.parse(property("platforms", "rubika,eitaa,bale,soroush")),
        integer("users", 100_000),
        integer("sessions", 2),
        new ArrivalSchedule(
            number("start-rate", 1),
            number("rate", 50),
            number("ramp", 20),
            number("duration", defaultDuration)),
        property("size-mix", "realistic"),
        integer("media-percent", 5),
        Long.parseLong(property("seed", "42")),
        integer("p99-ms", 1000),
        integer("delivered-p99-ms", 5000),
        number("max-errors-pct", 0.1),
        Duration.ofSeconds(integer("answer-timeout", 10)),
        Duration.ofSeconds(integer("grace", 30)));
  }

  TrafficModel traffic() {
    return new TrafficModel(platforms, users, sizeMix, mediaPercent, seed);
  }

  /** The platform sessions the simulation opens. */
  int sessions() {
    return platforms.size() * sessionsPerPlatform;
  }

  /** What the run is, in one line for the console. */
  String describe() {
    return String.format(
        "%d users on %s, %d sessions per platform, %.0f -> %.0f msg/s over %.0f s"
            + " then %.0f s, sizes %s with %d%% media, seed %d, broker %s",
        users,
        platforms,
        sessionsPerPlatform,
        schedule.startRate(),
        schedule.plateauRate(),
        schedule.rampSeconds(),
        schedule.plateauSeconds(),
        sizeMix,
        mediaPercent,
        seed,
        wsUrl);
  }

  static String property(String key, String fallback) {
    String value = System.getProperty(key);
    return value == null || value.isBlank() ? fallback : value.trim();
  }

  static int integer(String key, int fallback) {
    return Integer.parseInt(property(key, Integer.toString(fallback)));
  }

  static double number(String key, double fallback) {
    return Double.parseDouble(property(key, Double.toString(fallback)));
  }
}
