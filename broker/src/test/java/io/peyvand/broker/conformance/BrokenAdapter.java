package io.peyvand.broker.conformance;

import io.peyvand.protocol.sdk.Backoff;
import io.peyvand.protocol.sdk.BrokerEndpoint;
import io.peyvand.protocol.sdk.DeliveryHandler;
import io.peyvand.protocol.sdk.PeyvandClient;
import io.peyvand.protocol.sdk.PeyvandClientBuilder;
import io.peyvand.protocol.sdk.RetryPolicy;
import io.peyvand.protocol.sdk.SubmitOutcome;
import io.peyvand.protocol.sdk.UserAddresses;
import io.peyvand.protocol.v1.Delivery;
import io.peyvand.protocol.v1.Envelope;
import io.peyvand.protocol.v1.GroupDelivery;
import io.peyvand.protocol.v1.UserAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A Bale adapter in conformance mode with deliberate faults, for ConformanceIT: exactly the
 * scenarios they break must fail. Otherwise it is the SDK with the example's contract (journal,
 * echo, stored echoes sent again on start). Run as {@code BrokenAdapter HOST:PORT JOURNAL A|B}.
 *
 * <p>Faults A:
 *
 * <ol>
 *   <li>It acknowledges before storing: the handler completes at once and the message is written to
 *       the journal 2 s later (acknowledges-after-storing).
 *   <li>It resubmits with a new message id: the SDK's retries are off (one attempt) and it sends a
 *       refused echo again itself, under "&lt;id&gt;.echo.retry-N", after retry_after_ms
 *       (resubmits-with-same-id; obeys-retry-after still passes).
 *   <li>It never pings: keep-alive-interval of a day (keep-alive).
 *   <li>It fails on a group item of a kind it does not know, so the item is never acknowledged
 *       (unrenderable-group-item).
 * </ol>
 *
 * <p>Faults B:
 *
 * <ol>
 *   <li>It acknowledges each delivery's own sequence, across items it never received
 *       (acknowledges-only-received).
 *   <li>It resubmits a refused echo at once, ignoring retry_after_ms (obeys-retry-after).
 *   <li>It shows every delivery, redeliveries included: no deduplication, so a redelivered message
 *       is echoed again (redelivery-not-shown-twice).
 *   <li>It reconnects in a tight loop: reconnect backoff of 1 ms (reconnects-with-backoff).
 * </ol>
 */
public final class BrokenAdapter {
  private final boolean faultsA;
  private final Set<String> stored = new HashSet<>();
  private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
  private final Path journal;
  private final PeyvandClient client;

  BrokenAdapter(BrokerEndpoint broker, Path journal, boolean faultsA) {
    this.faultsA = faultsA;
    this.journal = journal;
    PeyvandClientBuilder builder =
        PeyvandClient.builder()
            .broker(broker)
            .platformId("bale")
            .sessionName("broken-adapter")
            .submitRetry(
                new RetryPolicy(1, new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2)))
            .deliveryHandler(DeliveryHandler.withGroups(this::onDelivery, this::onGroup));
    if (faultsA) {
      builder.keepAliveInterval(Duration.ofDays(1)); // A3
    } else {
      builder
          .autoAcknowledge(false) // B1: it acknowledges itself, wrongly
          .deduplicate(false) // B3
          .reconnectBackoff(new Backoff(Duration.ofMillis(1), Duration.ofMillis(1), 0)); // B4
    }
    this.client = builder.build();
  }

  private CompletionStage<Void> onDelivery(Delivery delivery) {
    if (!delivery.hasMessage()) {
      if (!faultsA) {
        client.acknowledge(delivery.getMailbox(), delivery.getSequence());
      }
      return CompletableFuture.completedFuture(null);
    }
    String user = delivery.getMailbox().getUserId();
    Envelope message = delivery.getMessage();
    if (faultsA) {
      // A1: "stored" later, acknowledged now.
      later.schedule(() -> store(user, message), 2, TimeUnit.SECONDS);
    } else {
      store(user, message);
      if (delivery.getRedelivery() && user.equals(Kit.ECHO_USER)) {
        echo(message, message.getMessageId() + ".echo", 1); // B3: shown again
      }
      // B1: its own sequence, whatever came before it.
      client.acknowledge(delivery.getMailbox(), delivery.getSequence());
    }
    return CompletableFuture.completedFuture(null);
  }

  private CompletionStage<Void> onGroup(GroupDelivery delivery) {
    if (faultsA && delivery.getItemCase() == GroupDelivery.ItemCase.ITEM_NOT_SET) {
      // A4: an item it cannot render stalls the group.
      return CompletableFuture.failedFuture(new IllegalStateException("cannot render"));
    }
    if (!faultsA) {
      client.acknowledge(delivery.getGroup(), delivery.getSequence());
    }
    return CompletableFuture.completedFuture(null);
  }

  private synchronized void store(String user, Envelope message) {
    if (!stored.add(UserAddresses.format(message.getSender()) + " " + message.getMessageId())) {
      return;
    }
    try {
      Files.writeString(
          journal,
          user + " " + Base64.getEncoder().encodeToString(message.toByteArray()) + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (user.equals(Kit.ECHO_USER)) {
      echo(message, message.getMessageId() + ".echo", 1);
    }
  }

  private void echo(Envelope message, String id, int attempt) {
    client
        .submit(
            Envelope.newBuilder()
                .setMessageId(id)
                .setSender(UserAddress.newBuilder().setPlatformId("bale").setUserId(Kit.ECHO_USER))
                .setRecipient(message.getSender())
                .setClientTimestampMs(System.currentTimeMillis())
                .setText(message.getText())
                .build())
        .thenAccept(
            outcome -> {
              if (outcome instanceof SubmitOutcome.Refused refused && refused.retryable()) {
                if (faultsA) {
                  // A2: a new id for the same message, after retry_after_ms.
                  later.schedule(
                      () ->
                          echo(
                              message,
                              message.getMessageId() + ".echo.retry-" + attempt,
                              attempt + 1),
                      Math.max(200, refused.error().getRetryAfterMs()),
                      TimeUnit.MILLISECONDS);
                } else {
                  echo(message, id, attempt + 1); // B2: the same id, at once
                }
              }
            });
  }

  public static void main(String[] args) throws Exception {
    Path journal = Path.of(args[1]);
    BrokenAdapter adapter =
        new BrokenAdapter(BrokerEndpoint.parse(args[0]), journal, args[2].equals("A"));
    List<Envelope> echoes = new ArrayList<>();
    if (Files.exists(journal)) {
      for (String line : Files.readAllLines(journal, StandardCharsets.UTF_8)) {
        String[] parts = line.split(" ", 2);
        if (parts.length == 2) {
          Envelope m = Envelope.parseFrom(Base64.getDecoder().decode(parts[1]));
          synchronized (adapter) {
            adapter.stored.add(UserAddresses.format(m.getSender()) + " " + m.getMessageId());
          }
          if (parts[0].equals(Kit.ECHO_USER)) {
            echoes.add(m);
          }
        }
      }
    }
    adapter.client.connect().toCompletableFuture().get(60, TimeUnit.SECONDS);
    // The contract: echo again what was stored.
    echoes.forEach(m -> adapter.echo(m, m.getMessageId() + ".echo", 1));
    Thread.currentThread().join();
  }
}
