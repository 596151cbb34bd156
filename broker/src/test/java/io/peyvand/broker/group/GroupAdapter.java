package io.peyvand.broker.group;

import io.peyvand.broker.TestBroker;
import io.peyvand.broker.ingress.RawSession;
import io.peyvand.protocol.v1.ClientFrame;
import io.peyvand.protocol.v1.Envelope;
import io.peyvand.protocol.v1.GroupAcknowledge;
import io.peyvand.protocol.v1.GroupAddress;
import io.peyvand.protocol.v1.GroupDelivery;
import io.peyvand.protocol.v1.ServerFrame;
import io.peyvand.protocol.v1.SessionError;
import io.peyvand.protocol.v1.SubmitResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One platform's adapter in the group tests, on a raw gRPC session: it submits posts (answers
 * matched by correlation id), records every GroupDelivery in arrival order and acknowledges each at
 * once, cumulatively, as a platform does after handing the item to its users.
 */
final class GroupAdapter implements AutoCloseable {
  final String platform;
  final List<GroupDelivery> deliveries = new CopyOnWriteArrayList<>();
  final List<SessionError> errors = new CopyOnWriteArrayList<>();
  private final RawSession session;
  private final Map<Long, CompletableFuture<SubmitResult>> answers = new ConcurrentHashMap<>();
  private final AtomicLong correlations = new AtomicLong();
  private final Thread reader;
  private volatile boolean acknowledging = true;

  GroupAdapter(TestBroker node, String platform) {
    this.platform = platform;
    this.session = RawSession.hello(node, platform);
    this.reader = new Thread(this::read, "group-adapter-" + platform);
    reader.setDaemon(true);
    reader.start();
  }

  private void read() {
    while (!Thread.currentThread().isInterrupted()) {
      ServerFrame frame;
      try {
        frame = session.poll(Duration.ofMillis(100));
      } catch (InterruptedException e) {
        return;
      }
      if (frame == null) {
        continue;
      }
      if (frame.hasSubmitResult()) {
        CompletableFuture<SubmitResult> answer =
            answers.remove(frame.getSubmitResult().getCorrelationId());
        if (answer != null) {
          answer.complete(frame.getSubmitResult());
        }
      } else if (frame.hasGroupDelivery()) {
        GroupDelivery delivery = frame.getGroupDelivery();
        deliveries.add(delivery);
        if (acknowledging) {
          acknowledge(delivery.getGroup(), delivery.getSequence());
        }
      } else if (frame.hasError()) {
        errors.add(frame.getError());
      }
    }
  }

  void acknowledge(GroupAddress group, long upTo) {
    session.send(
        ClientFrame.newBuilder()
            .setGroupAcknowledge(
                GroupAcknowledge.newBuilder().setGroup(group).setUpToSequence(upTo))
            .build());
  }

  /** Stops acknowledging (a platform that receives but loses what it received). */
  void stopAcknowledging() {
    acknowledging = false;
  }

  CompletableFuture<SubmitResult> submit(Envelope envelope) {
    long correlation = correlations.incrementAndGet();
    CompletableFuture<SubmitResult> answer = new CompletableFuture<>();
    answers.put(correlation, answer);
    session.submit(correlation, envelope);
    return answer;
  }

  /**
   * The posts' message ids in the order they first arrived (a first arrival may be flagged: the
   * flag means "may have been pushed before", e.g. when a busy session refused it).
   */
  List<String> postIds(GroupAddress group) {
    return deliveries.stream()
        .filter(d -> d.getGroup().equals(group) && d.hasPost())
        .map(d -> d.getPost().getMessageId())
        .distinct()
        .toList();
  }

  List<GroupDelivery> of(GroupAddress group) {
    return deliveries.stream().filter(d -> d.getGroup().equals(group)).toList();
  }

  @Override
  public void close() {
    reader.interrupt();
    session.close();
  }
}
