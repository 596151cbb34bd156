package io.peyvand.broker.service;

import io.peyvand.broker.observability.SecurityEvents;
import java.time.Clock;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * What every service takes from the node it runs on: the actor system, the clock, how long it waits
 * for an entity's answer ({@code peyvand.ask-timeout}), and where refusals are counted.
 */
public record NodeContext(
    ActorSystem<?> system, Clock clock, Duration askTimeout, SecurityEvents security) {}
