package io.peyvand.loadtests.bench.direct;

import io.peyvand.loadtests.bench.harness.Bodies;
import io.peyvand.loadtests.bench.harness.SizeMix;
import io.peyvand.protocol.v1.Envelope;
import io.peyvand.protocol.v1.Text;
import io.peyvand.protocol.v1.UserAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The messages of the {@code direct} scenario, fixed by the seed: message {@code i} goes from a
 * random user of a random platform to a random user of another platform, with a body size drawn
 * from the size mix. Users are {@code bench-u0 .. bench-u<users-1>} on every platform, the same on
 * every run, so reruns reuse the same mailboxes as a steady user population would. Bodies come from
 * {@link Bodies}.
 */
public final class DirectWorkload {
  /** One message to send: its index (in the run's message id), sender, recipient, body size. */
  record Planned(int index, UserAddress sender, UserAddress recipient, int bodyBytes) {}

  private final List<Planned> messages;
  private final Bodies bodies;

  private DirectWorkload(List<Planned> messages, Bodies bodies) {
    this.messages = messages;
    this.bodies = bodies;
  }

  /** {@code count} messages among {@code users} users on each of {@code platforms} (at least 2). */
  static DirectWorkload generate(
      long seed, List<String> platforms, int users, int count, SizeMix sizes) {
    if (platforms.size() < 2 || users < 1 || count < 0) {
      throw new IllegalArgumentException("needs two platforms, a user and a count >= 0");
    }
    SplittableRandom random = new SplittableRandom(seed);
    List<Planned> messages = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int from = random.nextInt(platforms.size());
      // Any platform but the sender's: shift by 1..P-1.
      int to = (from + 1 + random.nextInt(platforms.size() - 1)) % platforms.size();
      messages.add(
          new Planned(
              i,
              user(platforms.get(from), random.nextInt(users)),
              user(platforms.get(to), random.nextInt(users)),
              sizes.sample(random)));
    }
    return new DirectWorkload(List.copyOf(messages), new Bodies(~seed, sizes.maxBytes()));
  }

  List<Planned> messages() {
    return messages;
  }

  /** The messages with index in [from, to) sent by users of {@code platform}, in index order. */
  List<Planned> sentBy(String platform, int from, int to) {
    return messages.subList(from, to).stream()
        .filter(p -> p.sender().getPlatformId().equals(platform))
        .toList();
  }

  /** The body of a message: {@code bodyBytes} ASCII characters, the same for the same seed. */
  String body(Planned message) {
    return bodies.body(message.index(), message.bodyBytes());
  }

  /** The envelope of a message, under {@code messageId}. */
  Envelope envelope(Planned message, String messageId, long nowMs) {
    return Envelope.newBuilder()
        .setMessageId(messageId)
        .setSender(message.sender())
        .setRecipient(message.recipient())
        .setClientTimestampMs(nowMs)
        .setText(Text.newBuilder().setBody(body(message)))
        .build();
  }

  public static UserAddress user(String platform, int n) {
    return UserAddress.newBuilder().setPlatformId(platform).setUserId("bench-u" + n).build();
  }
}
