package io.peyvand.broker.conformance;

import java.time.Duration;
import java.util.List;

/**
 * How long the kit waits for the adapter, and the faults' parameters (CONFORMANCE.md, "Options").
 *
 * @param connectTimeout for the adapter's first session, and for each session after a restart
 * @param answerWithin for an answer the adapter owes (an acknowledgement, a resubmission, an echo)
 * @param pingWithin a quiet session must carry the adapter's Ping within this (the broker's HTTP
 *     idle timeout, 60 s, closes a connection that carries nothing)
 * @param deadSessionWithin a session whose Pongs stop must be given up (and opened again) within
 *     this
 * @param busyRetryAfter the retry_after_ms of the scripted RATE_LIMITED refusal
 * @param refusedHellos how many attempts to open a session the reconnect scenario refuses
 * @param scenarios the scenario ids to run, in the kit's order; empty: all
 */
record KitSettings(
    Duration connectTimeout,
    Duration answerWithin,
    Duration pingWithin,
    Duration deadSessionWithin,
    Duration busyRetryAfter,
    int refusedHellos,
    List<String> scenarios) {
  static KitSettings defaults() {
    return new KitSettings(
        Duration.ofSeconds(120),
        Duration.ofSeconds(30),
        Duration.ofSeconds(55),
        Duration.ofSeconds(120),
        Duration.ofMillis(2500),
        4,
        List.of());
  }
}
