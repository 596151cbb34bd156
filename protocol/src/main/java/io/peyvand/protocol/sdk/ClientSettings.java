package io.peyvand.protocol.sdk;

import java.time.Duration;
import java.util.Objects;

/**
 * Everything a {@link PeyvandClient} was built with, read once. Defaults come from
 * {@code peyvand.sdk} in reference.conf, where each is explained; {@link PeyvandClientBuilder}
 * overrides them.
 */
public record ClientSettings(
    BrokerEndpoint broker,
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
    Duration welcomeTimeout,
    Duration keepAliveInterval,
    Duration closeTimeout,
    Duration callTimeout) {

  public ClientSettings {
    Objects.requireNonNull(broker, "broker");
    Objects.requireNonNull(submitRetry, "submitRetry");
    Objects.requireNonNull(reconnect, "reconnect");
    if (platformId == null || platformId.isBlank()) {
      throw new IllegalArgumentException("a platform id is needed (the platform this adapter acts"
          + " for, e.g. \"bale\")");
    }
    Objects.requireNonNull(sessionName, "sessionName");
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
