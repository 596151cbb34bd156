package io.peyvand.broker.conformance;

import io.peyvand.protocol.sdk.Backoff;
import io.peyvand.protocol.sdk.BrokerEndpoint;
import io.peyvand.protocol.sdk.DeliveryHandler;
import io.peyvand.protocol.sdk.PeyvandClient;
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
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A Bale adapter in conformance mode with four deliberate faults, for ConformanceIT: exactly the
 * scenarios they break must fail. Otherwise it is the SDK with the example's contract (echo, stored
 * messages echoed again on start), so the other scenarios pass.
 *
 * <ol>
 *   <li>It acknowledges before storing: the handler completes at once and the message is written to
 *       the journal 2 s later (acknowledges-after-storing).
 *   <li>It resubmits with a new message id: the SDK's retries are off (one attempt) and it sends a
 *       refused echo again itself under "&lt;id&gt;.retry-N", after retry_after_ms
 *       (resubmits-with-same-id; obeys-retry-after still passes).
 *   <li>It never pings: keep-alive-interval of a day (keep-alive).
 *   <li>It fails on a group item of a kind it does not know, so the item is never acknowledged
 *       (unrenderable-group-item).
 * </ol>
 *
 * Run as {@code BrokenAdapter HOST:PORT JOURNAL}.
 */
public final class BrokenAdapter {
  private final Set<String> stored = new HashSet<>();
  private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
  private final Path journal;
  private final PeyvandClient client;

  BrokenAdapter(BrokerEndpoint broker, Path journal) {
    this.journal = journal;
    this.client =
        PeyvandClient.builder()
            .broker(broker)
            .platformId("bale")
            .sessionName("broken-adapter")
            .submitRetry(
                new RetryPolicy(1, new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2)))
            .keepAliveInterval(Duration.ofDays(1)) // fault 3
            .deliveryHandler(DeliveryHandler.withGroups(this::onDelivery, this::onGroup))
            .build();
  }

  private CompletionStage<Void> onDelivery(Delivery delivery) {
    if (delivery.hasMessage()) {
      String user = delivery.getMailbox().getUserId();
      Envelope message = delivery.getMessage();
      // Fault 1: "stored" later, acknowledged now.
      later.schedule(() -> store(user, message), 2, TimeUnit.SECONDS);
    }
    return CompletableFuture.completedFuture(null);
  }

  private CompletionStage<Void> onGroup(GroupDelivery delivery) {
    if (delivery.getItemCase() == GroupDelivery.ItemCase.ITEM_NOT_SET) {
      // Fault 4: an item it cannot render stalls the group.
      return CompletableFuture.failedFuture(new IllegalStateException("cannot render"));
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
                // Fault 2: a new id for the same message.
                later.schedule(
                    () ->
                        echo(
                            message,
                            message.getMessageId() + ".echo.retry-" + attempt,
                            attempt + 1),
                    Math.max(200, refused.error().getRetryAfterMs()),
                    TimeUnit.MILLISECONDS);
              }
            });
  }

  public static void main(String[] args) throws Exception {
    Path journal = Path.of(args[1]);
    BrokenAdapter adapter = new BrokenAdapter(BrokerEndpoint.parse(args[0]), journal);
    java.util.List<Envelope> echoes = new java.util.ArrayList<>();
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
