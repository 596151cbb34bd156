package io.peyvand.protocol;

import io.peyvand.protocol.v1.Limits;
import java.time.Duration;
import java.util.Objects;

/**
 * The limits the validators enforce. {@link #defaults()} are the protocol's published values; a
 * broker may read others from its configuration once, into one of these. Every limit must be
 * positive.
 *
 * @param maxContentBytes largest envelope content: UTF-8 bytes of text, new body, caption, URL and
 *     emoji plus the ciphertext's bytes (default 64 KiB)
 * @param maxMessageIdLength longest message_id (and target or reply-to id), in characters
 * @param maxClockSkew how far client_timestamp_ms may lie from the broker's clock, either way
 * @param maxEmojiBytes largest reaction emoji, in UTF-8 bytes
 * @param maxUrlLength longest media URL, in characters
 * @param maxMimeTypeLength longest media MIME type, in characters
 * @param maxSchemeLength longest encryption scheme name, in characters
 */
public record ProtocolLimits(
    int maxContentBytes,
    int maxMessageIdLength,
    Duration maxClockSkew,
    int maxEmojiBytes,
    int maxUrlLength,
    int maxMimeTypeLength,
    int maxSchemeLength) {

  private static final ProtocolLimits DEFAULTS =
      new ProtocolLimits(64 * 1024, 128, Duration.ofHours(24), 32, 2048, 255, 64);

  /** Refuses (IllegalArgumentException) a limit that is zero or negative, naming it. */
  public ProtocolLimits {
    positive("maxContentBytes", maxContentBytes);
    positive("maxMessageIdLength", maxMessageIdLength);
    Objects.requireNonNull(maxClockSkew, "maxClockSkew");
    if (maxClockSkew.isNegative() || maxClockSkew.isZero()) {
      throw new IllegalArgumentException("maxClockSkew must be positive, not " + maxClockSkew);
    }
    positive("maxEmojiBytes", maxEmojiBytes);
    positive("maxUrlLength", maxUrlLength);
    positive("maxMimeTypeLength", maxMimeTypeLength);
    positive("maxSchemeLength", maxSchemeLength);
  }

  /**
   * The protocol's values: content 65536 bytes, message id 128 characters, clock skew 24 h, emoji
   * 32 bytes, URL 2048 characters, MIME type 255 characters, scheme 64 characters.
   */
  public static ProtocolLimits defaults() {
    return DEFAULTS;
  }

  /**
   * The limits as announced to adapters in Welcome: max_content_bytes and max_message_id_length
   * from this record, delivery_window and redelivery_after_ms (which belong to the broker's
   * delivery settings) as given; both must be positive.
   */
  public Limits toWire(int deliveryWindow, int redeliveryAfterMs) {
    positive("deliveryWindow", deliveryWindow);
    positive("redeliveryAfterMs", redeliveryAfterMs);
    return Limits.newBuilder()
        .setMaxContentBytes(maxContentBytes)
        .setMaxMessageIdLength(maxMessageIdLength)
        .setDeliveryWindow(deliveryWindow)
        .setRedeliveryAfterMs(redeliveryAfterMs)
        .build();
  }

  private static void positive(String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, not " + value);
    }
  }
}
