package io.peyvand.protocol.sdk;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything a {@link PeyvandClient} was built with, read once. Defaults come from {@code
 * peyvand.sdk} in reference.conf, where each is explained; {@link PeyvandClientBuilder} overrides
 * them.
 *
 * <p>{@code brokers} are the nodes of the broker's cluster (one for a single broker), in the order
 * the adapter was given them; the first session goes to {@code brokers[startAt mod n]} and each
 * next attempt to the node after the last one tried.
 *
 * <p>{@code ringCalls}: the session declares Hello.ring_calls, so invites to the platform's users
 * ring on it (set by registering a {@link CallHandler}, see {@link
 * PeyvandClientBuilder#callHandler}).
 */
public record ClientSettings(
    List<BrokerEndpoint> brokers,
    int startAt,
    String platformId,
    String sessionName,
    boolean autoAcknowledge,
    Duration acknowledgeInterval,
    boolean deduplicate,
    int trackedMailboxes,
    int maxConcurrentDeliveries,
    int outgoingBuffer,
    int maxPendingSubmits,
    Duration submitTimeout,
    RetryPolicy submitRetry,
    Backoff reconnect,
    Duration failoverAfterOpen,
    Duration welcomeTimeout,
    Duration keepAliveInterval,
    Duration closeTimeout,
    Duration callTimeout,
    boolean ringCalls) {

  public ClientSettings {
    brokers = BrokerEndpoint.distinct(Objects.requireNonNull(brokers, "brokers"));
    if (startAt < 0) {
      throw new IllegalArgumentException("startAt must be at least 0, got " + startAt);
    }
    Objects.requireNonNull(submitRetry, "submitRetry");
    Objects.requireNonNull(reconnect, "reconnect");
    if (platformId == null || platformId.isBlank()) {
      throw new IllegalArgumentException(
          "a platform id is needed (the platform this adapter acts" + " for, e.g. \"bale\")");
    }
    Objects.requireNonNull(sessionName, "sessionName");
    if (failoverAfterOpen == null || failoverAfterOpen.isNegative()) {
      throw new IllegalArgumentException(
          "reconnect.failover-after-open must be at least 0, got " + failoverAfterOpen);
    }
    positive("acknowledge-interval", acknowledgeInterval);
    positive("submit-timeout", submitTimeout);
    positive("welcome-timeout", welcomeTimeout);
    positive("keep-alive-interval", keepAliveInterval);
    positive("close-timeout", closeTimeout);
    positive("call-timeout", callTimeout);
    atLeastOne("tracked-mailboxes", trackedMailboxes);
    atLeastOne("max-concurrent-deliveries", maxConcurrentDeliveries);
    atLeastOne("max-pending-submits", maxPendingSubmits);
    atLeastOne("outgoing-buffer", outgoingBuffer);
  }

  /** The index in {@link #brokers} of the first session's endpoint. */
  public int firstIndex() {
    return startAt % brokers.size();
  }

  /** The endpoint the first session goes to. */
  public BrokerEndpoint broker() {
    return brokers.get(firstIndex());
  }

  private static void positive(String name, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
  }

  private static void atLeastOne(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be at least 1, got " + value);
    }
  }
}
