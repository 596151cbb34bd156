package io.peyvand.broker.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The facts the regulator's statistics count, as the short strings entities tag their events with
 * (the journal stores them beside the events: {@code persistence.journal.EventFacts}). A fact names
 * platforms, kinds and times, never content; users appear only as truncated SHA-256 hashes (for
 * estimating distinct users, and joining a message with its delivery), and facts expire after 40
 * days, while the statistics computed from them keep no user at all.
 *
 * <ul>
 *   <li>{@code m|from|to|senderHash|recipientHash|key|acceptedAtMs}: a 1:1 message accepted into
 *       its recipient's mailbox (each message once: the mailbox accepts a message id once).
 *   <li>{@code s|senderPlatform|recipientPlatform|KIND|FAILURE|key|atMs}: a status the recipient's
 *       mailbox came to owe the sender (once per message and kind: when the item was acknowledged,
 *       read or expired), whichever way the status then travels.
 *   <li>{@code c|platform|in or out|before}: a user's consent changed ({@code before}: in, out or
 *       unset).
 *   <li>{@code p|platform|group or channel|authorHash}: a post accepted into a group's log.
 *   <li>{@code k|i|key|callerPlatform|calleePlatform}, {@code k|a|key|caller|callee}, {@code
 *       k|e|key|caller|callee|reason}: a call invited, answered, ended (each once per call).
 * </ul>
 *
 * <p>{@code key} joins facts of one message (its sender and id) or one call, hashed.
 */
public final class StatisticsFacts {
  private static final HexFormat HEX = HexFormat.of();

  private StatisticsFacts() {}

  /** A parsed fact. */
  public sealed interface Fact {}

  public record MessageFact(
      String from, String to, String sender, String recipient, String key, long atMs)
      implements Fact {}

  public record StatusFact(
      String senderPlatform,
      String recipientPlatform,
      Status.Kind kind,
      Status.Failure failure,
      String key,
      long atMs)
      implements Fact {}

  /** {@code before}: empty when the user had never chosen. */
  public record ConsentFact(String platform, boolean optedIn, Optional<Boolean> before)
      implements Fact {}

  public record PostFact(String platform, boolean channel, String author) implements Fact {}

  public record CallFact(
      char step, String key, String callerPlatform, String calleePlatform, String reason)
      implements Fact {}

  public static String message(Message message, long acceptedAtMs) {
    return String.join(
        "|",
        "m",
        message.sender().platformId(),
        message.recipient().platformId(),
        hash(message.sender().toString()),
        hash(message.recipient().toString()),
        messageKey(message.sender(), message.messageId()),
        Long.toString(acceptedAtMs));
  }

  public static String status(Address sender, Status status) {
    return String.join(
        "|",
        "s",
        sender.platformId(),
        status.recipient().platformId(),
        status.kind().name(),
        status.failure().name(),
        messageKey(sender, status.messageId()),
        Long.toString(status.atMs()));
  }

  public static String consent(Address user, boolean optedIn, Optional<Boolean> before) {
    return String.join(
        "|",
        "c",
        user.platformId(),
        optedIn ? "in" : "out",
        before.map(b -> b ? "in" : "out").orElse("unset"));
  }

  public static String post(Address author, boolean channel) {
    return String.join(
        "|", "p", author.platformId(), channel ? "channel" : "group", hash(author.toString()));
  }

  public static String callInvited(String callKey, Address caller, Address callee) {
    return String.join("|", "k", "i", hash(callKey), caller.platformId(), callee.platformId());
  }

  public static String callAnswered(String callKey, Address caller, Address callee) {
    return String.join("|", "k", "a", hash(callKey), caller.platformId(), callee.platformId());
  }

  public static String callEnded(String callKey, Address caller, Address callee, CallEnd reason) {
    return String.join(
        "|", "k", "e", hash(callKey), caller.platformId(), callee.platformId(), reason.name());
  }

  /** The fact, or empty for a string that is not one (a fact of a later version, or damage). */
  public static Optional<Fact> parse(String fact) {
    String[] f = fact.split("\\|", -1);
    try {
      return Optional.of(
          switch (f[0]) {
            case "m" -> new MessageFact(f[1], f[2], f[3], f[4], f[5], Long.parseLong(f[6]));
            case "s" ->
                new StatusFact(
                    f[1],
                    f[2],
                    Status.Kind.valueOf(f[3]),
                    Status.Failure.valueOf(f[4]),
                    f[5],
                    Long.parseLong(f[6]));
            case "c" ->
                new ConsentFact(
                    f[1],
                    f[2].equals("in"),
                    f[3].equals("unset") ? Optional.empty() : Optional.of(f[3].equals("in")));
            case "p" -> new PostFact(f[1], f[2].equals("channel"), f[3]);
            case "k" ->
                switch (f[1]) {
                  case "i", "a" -> new CallFact(f[1].charAt(0), f[2], f[3], f[4], "");
                  case "e" -> new CallFact('e', f[2], f[3], f[4], f[5]);
                  default -> throw new IllegalArgumentException(fact);
                };
            default -> throw new IllegalArgumentException(fact);
          });
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** What joins a message's facts: its sender and id, hashed. */
  static String messageKey(Address sender, String messageId) {
    return hash(sender + "\n" + messageId);
  }

  /** The first 8 bytes of SHA-256, in hexadecimal. */
  static String hash(String value) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
      return HEX.formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
