package io.peyvand.loadtests.bench.direct;

import com.google.protobuf.ByteString;
import io.peyvand.loadtests.bench.harness.Bodies;
import io.peyvand.loadtests.bench.harness.Platforms;
import io.peyvand.loadtests.bench.harness.SizeMix;
import io.peyvand.protocol.v1.Envelope;
import io.peyvand.protocol.v1.MediaReference;
import io.peyvand.protocol.v1.Text;
import io.peyvand.protocol.v1.UserAddress;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Who writes to whom, and what, in the Gatling simulations: the real case scaled down. The users,
 * {@code totalUsers} in all ({@code bench-u0 ..} on each platform, as in {@link DirectWorkload}),
 * are split among the platforms in proportion to their monthly users ({@link Platforms#users}), and
 * so is the traffic: a platform's users send {@link #share} of the messages, each to a user of
 * another platform chosen with the same weights (a Rubika user is likelier to be written to than a
 * Soroush user), every user of a platform equally likely. A message is a media reference with
 * probability {@code mediaPercent}% (a URL on the sender's platform's media host, a MIME type, a
 * size, a SHA-256, sometimes a caption: the media bytes never pass through the broker), otherwise a
 * text whose size is drawn from {@link SizeMix}. Every random draw comes from the caller's seeded
 * random, so a seed fixes the traffic.
 */
public final class TrafficModel {
  /** MIME types of media references, by weight out of 100. */
  private static final List<Map.Entry<String, Integer>> MEDIA_TYPES =
      List.of(Map.entry("image/jpeg", 60), Map.entry("video/mp4", 25), Map.entry("audio/ogg", 15));

  private final List<String> platforms;
  private final Map<String, Integer> users;
  private final int totalUsers;
  private final SizeMix sizes;
  private final int mediaPercent;
  private final Bodies bodies;

  /**
   * {@code totalUsers} users on {@code platforms} (dev platform ids, at least two), text sizes from
   * {@code sizes} (realistic or fixed:N) and {@code mediaPercent} (0-100) of media references.
   */
  public TrafficModel(
      List<String> platforms, int totalUsers, String sizes, int mediaPercent, long seed) {
    if (platforms.size() < 2) {
      throw new IllegalArgumentException(
          "cross-platform traffic needs two platforms: " + platforms);
    }
    if (mediaPercent < 0 || mediaPercent > 100) {
      throw new IllegalArgumentException("media percent is 0..100: " + mediaPercent);
    }
    this.platforms = List.copyOf(platforms);
    this.users = Platforms.users(platforms, totalUsers);
    this.totalUsers = totalUsers;
    this.sizes = SizeMix.parse(sizes);
    this.mediaPercent = mediaPercent;
    this.bodies = new Bodies(seed, this.sizes.maxBytes());
  }

  public List<String> platforms() {
    return platforms;
  }

  /** The users of {@code platform}. */
  public int users(String platform) {
    return users.get(platform);
  }

  /** The fraction of all messages that users of {@code platform} send (and receive). */
  public double share(String platform) {
    return (double) users(platform) / totalUsers;
  }

  /**
   * A message from a user of {@code senderPlatform} to a user of another platform, under {@code
   * messageId}, stamped {@code nowMs}.
   */
  public Envelope envelope(
      String senderPlatform, String messageId, long nowMs, SplittableRandom random) {
    Envelope.Builder envelope =
        Envelope.newBuilder()
            .setMessageId(messageId)
            .setSender(user(senderPlatform, random))
            .setRecipient(user(recipientPlatform(senderPlatform, random), random))
            .setClientTimestampMs(nowMs);
    if (random.nextInt(100) < mediaPercent) {
      envelope.setMedia(media(senderPlatform, random));
    } else {
      envelope.setText(
          Text.newBuilder().setBody(bodies.body(random.nextLong(), sizes.sample(random))));
    }
    return envelope.build();
  }

  /** Another platform than {@code sender}, weighted by users. */
  String recipientPlatform(String sender, SplittableRandom random) {
    int others = totalUsers - users(sender);
    int roll = random.nextInt(others);
    for (String p : platforms) {
      if (!p.equals(sender)) {
        roll -= users(p);
        if (roll < 0) {
          return p;
        }
      }
    }
    throw new AssertionError("weights add up to the other platforms' users");
  }

  private UserAddress user(String platform, SplittableRandom random) {
    return DirectWorkload.user(platform, random.nextInt(users(platform)));
  }

  private MediaReference media(String platform, SplittableRandom random) {
    byte[] sha256 = new byte[32];
    for (int i = 0; i < sha256.length; i += 8) {
      long bits = random.nextLong();
      for (int j = 0; j < 8; j++) {
        sha256[i + j] = (byte) (bits >>> (8 * j));
      }
    }
    String mime = MEDIA_TYPES.get(MEDIA_TYPES.size() - 1).getKey();
    int roll = random.nextInt(100);
    for (Map.Entry<String, Integer> type : MEDIA_TYPES) {
      roll -= type.getValue();
      if (roll < 0) {
        mime = type.getKey();
        break;
      }
    }
    MediaReference.Builder media =
        MediaReference.newBuilder()
            .setUrl(
                "https://media."
                    + platform
                    + ".example/m/"
                    + Long.toHexString(random.nextLong() & Long.MAX_VALUE))
            .setMimeType(mime)
            // 20 KB to 20 MB, log-uniform: many photos, few long videos.
            .setSizeBytes(
                (long) Math.exp(random.nextDouble(Math.log(20_000), Math.log(20_000_000))))
            .setSha256(ByteString.copyFrom(sha256));
    if (random.nextBoolean()) {
      media.setCaption(bodies.body(random.nextLong(), random.nextInt(5, 61)));
    }
    return media.build();
  }
}
