package io.peyvand.protocol.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.google.protobuf.ByteString;
import io.peyvand.protocol.ProtocolLimits;
import io.peyvand.protocol.v1.Delete;
import io.peyvand.protocol.v1.Edit;
import io.peyvand.protocol.v1.EncryptedPayload;
import io.peyvand.protocol.v1.Envelope;
import io.peyvand.protocol.v1.MediaReference;
import io.peyvand.protocol.v1.Reaction;
import io.peyvand.protocol.v1.Text;
import io.peyvand.protocol.v1.UserAddress;
import java.time.Duration;

/**
 * Envelopes, limits and clocks built from fuzzer data. Every choice's first option (what an
 * exhausted input yields) is a valid value, so that short inputs reach acceptance and the fuzzer
 * works from there. The other options are what a hostile or broken adapter sends, including what
 * protobuf decoding would never produce: unpaired surrogates (a Java caller, such as the SDK,
 * builds envelopes directly), control characters, texts and ciphertexts far over the limits,
 * timestamps and clocks at the ends of the long range.
 */
final class FuzzedEnvelopes {
  /** Largest text or ciphertext built, in characters or bytes: well over the 64 KiB limit. */
  private static final int HUGE = 200_000;

  private static final String[] MESSAGE_IDS = {"msg-0001", "A.b_c-d:e", "x".repeat(128), "1"};
  private static final String[] PLATFORM_IDS = {"bale", "eitaa", "rubika", "soroush", "a-_0"};
  private static final String[] USER_IDS = {"alice", "bob", "۱۲۳۴", "user@example.org", "😀"};
  private static final String[] TEXTS = {"salam", "line\r\nbreaks\tand tab", "سلام 😀 ok"};
  private static final String[] EMOJIS = {"👍", "❤️", "👨‍👩‍👧‍👦", "🇮🇷"};
  private static final String[] URLS = {
    "https://media.bale.example/m/abc?sig=x1",
    "http://localhost:8080/m/1",
    "http://127.0.0.1/x",
    "https://[::1]/a",
    "HTTPS://X.EXAMPLE/%zz",
    "ftp://media.example/a",
    "https:///no-host",
    "https://user@host:99999/p#f"
  };
  private static final String[] MIME_TYPES = {
    "image/jpeg", "video/mp4", "application/vnd.x+json", "text/plain; charset=utf-8"
  };
  private static final String[] SCHEMES = {"mls-1", "olm", "signal-x3dh"};

  private final FuzzedDataProvider data;

  FuzzedEnvelopes(FuzzedDataProvider data) {
    this.data = data;
  }

  /** The protocol's defaults, or small positive limits that the fuzzer reaches the edges of. */
  ProtocolLimits limits() {
    if (data.consumeInt(0, 3) != 3) {
      return ProtocolLimits.defaults();
    }
    return new ProtocolLimits(
        data.consumeInt(1, 512),
        data.consumeInt(1, 200),
        Duration.ofMillis(data.consumeLong(1, Duration.ofDays(30).toMillis())),
        data.consumeInt(1, 64),
        data.consumeInt(1, 4096),
        data.consumeInt(1, 300),
        data.consumeInt(1, 100));
  }

  /** The broker's clock: the fixed one of the tests, or any non-negative epoch millisecond. */
  long now() {
    // Not consumeLong(0, Long.MAX_VALUE): Jazzer 0.24 returns negative values for that range.
    return data.consumeBoolean() ? data.consumeLong() & Long.MAX_VALUE : SeedCorpus.NOW;
  }

  Envelope envelope(ProtocolLimits limits, long now) {
    Envelope.Builder envelope = Envelope.newBuilder().setMessageId(messageId());
    if (!data.consumeBoolean()) {
      envelope.setSender(address());
    }
    if (!data.consumeBoolean()) {
      envelope.setRecipient(address());
    }
    envelope.setClientTimestampMs(timestamp(limits, now));
    switch (data.consumeInt(0, 6)) {
      case 0 -> envelope.setText(Text.newBuilder().setBody(string(TEXTS)));
      case 1 ->
          envelope.setEdit(
              Edit.newBuilder().setTargetMessageId(messageId()).setNewBody(string(TEXTS)));
      case 2 -> envelope.setDelete(Delete.newBuilder().setTargetMessageId(messageId()));
      case 3 ->
          envelope.setReaction(
              Reaction.newBuilder()
                  .setTargetMessageId(messageId())
                  .setEmoji(string(EMOJIS))
                  .setRemove(data.consumeBoolean()));
      case 4 -> envelope.setMedia(media());
      case 5 ->
          envelope.setEncrypted(
              EncryptedPayload.newBuilder().setScheme(string(SCHEMES)).setCiphertext(ciphertext()));
      default -> {} // no content
    }
    if (data.consumeBoolean()) {
      envelope.setReplyToMessageId(messageId());
    }
    return envelope.build();
  }

  private String messageId() {
    return string(MESSAGE_IDS);
  }

  private UserAddress address() {
    return UserAddress.newBuilder()
        .setPlatformId(string(PLATFORM_IDS))
        .setUserId(string(USER_IDS))
        .build();
  }

  private MediaReference media() {
    MediaReference.Builder media =
        MediaReference.newBuilder().setUrl(string(URLS)).setMimeType(string(MIME_TYPES));
    media.setSizeBytes(data.consumeBoolean() ? data.consumeLong() : 1234);
    media.setSha256(
        data.consumeBoolean()
            ? ByteString.copyFrom(data.consumeBytes(64))
            : ByteString.copyFrom(new byte[32]));
    if (!data.consumeBoolean()) {
      media.setCaption(string(TEXTS));
    }
    return media.build();
  }

  private ByteString ciphertext() {
    return switch (data.consumeInt(0, 2)) {
      case 0 -> ByteString.copyFromUtf8("0123456789abcdef");
      case 1 -> ByteString.copyFrom(data.consumeBytes(256));
      default -> ByteString.copyFrom(new byte[data.consumeInt(0, HUGE)]);
    };
  }

  /**
   * A client timestamp: near {@code now} (within the skew, then up to three skews either way), any
   * long, or one of the values at the edges (0, negative, the ends of the range, exactly at the
   * skew and one past it, seconds instead of milliseconds).
   */
  private long timestamp(ProtocolLimits limits, long now) {
    long skew = limits.maxClockSkew().toMillis();
    return switch (data.consumeInt(0, 3)) {
      case 0 -> now - data.consumeLong(0, Math.min(skew, now));
      case 1 -> saturatedAdd(now, data.consumeLong(-3 * skew, 3 * skew));
      case 2 -> data.consumeLong();
      default ->
          data.pickValue(
              new long[] {
                0,
                -1,
                Long.MIN_VALUE,
                Long.MAX_VALUE,
                saturatedAdd(now, skew),
                saturatedAdd(now, skew + 1),
                now - skew,
                now - skew - 1,
                now / 1000
              });
    };
  }

  /**
   * A string: one of the {@code typical} values (the first is valid), one with a fuzzed UTF-16 unit
   * inserted (a control character, an unpaired surrogate, ':' or whitespace in an otherwise valid
   * value), arbitrary text, arbitrary UTF-16 units, or a fuzzed piece repeated up to {@value #HUGE}
   * characters.
   */
  private String string(String... typical) {
    return switch (data.consumeInt(0, 4)) {
      case 0 -> data.pickValue(typical);
      case 1 -> {
        String value = data.pickValue(typical);
        int at = data.consumeInt(0, value.length());
        yield value.substring(0, at) + data.consumeChar() + value.substring(at);
      }
      case 2 -> data.consumeString(300);
      case 3 -> {
        char[] units = new char[data.consumeInt(0, 300)];
        for (int i = 0; i < units.length; i++) {
          units[i] = data.consumeChar();
        }
        yield new String(units);
      }
      default -> {
        String piece = data.consumeBoolean() ? data.consumeString(8) : data.pickValue(typical);
        yield piece.isEmpty() ? piece : piece.repeat(data.consumeInt(1, HUGE / piece.length()));
      }
    };
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    // Overflow only when both have the sign the sum lacks.
    if (((a ^ sum) & (b ^ sum)) < 0) {
      return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    return sum;
  }
}
