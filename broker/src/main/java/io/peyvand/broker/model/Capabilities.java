package io.peyvand.broker.model;

import java.util.List;

/**
 * What a platform can honour when it receives messages. A submission the recipient's platform
 * cannot honour is refused naming the missing capability, never silently dropped.
 *
 * @param maxTextBytes largest text body or caption, in UTF-8 bytes; 0 means the broker's limit
 * @param maxMediaBytes largest media it fetches; 0 means no limit of its own
 * @param editWindowSeconds edits of older messages are refused; 0 means any age
 * @param groupMemberLists group deliveries list the platform's members (an ask, not a limit: costs
 *     the broker work per member, so off unless the platform asks)
 * @param statusesByRecipient statuses of the platform's users' messages come from the recipients'
 *     mailboxes (StatusDelivery), decided per message when it is submitted
 * @param callsAudio its users can be called (phase 3)
 * @param callsVideo its users can be called with video
 */
public record Capabilities(
    int maxTextBytes,
    boolean media,
    long maxMediaBytes,
    boolean edits,
    int editWindowSeconds,
    boolean deletes,
    boolean reactions,
    boolean replies,
    boolean readReceipts,
    List<String> encryptionSchemes,
    boolean groupMemberLists,
    boolean statusesByRecipient,
    boolean callsAudio,
    boolean callsVideo) {

  public Capabilities {
    encryptionSchemes = List.copyOf(encryptionSchemes);
  }

  /** In {@link #encryptionSchemes}: every scheme is carried. */
  public static final String ANY_SCHEME = "*";

  /** Everything supported: what a newly registered platform is assumed to honour. */
  public static final Capabilities ALL =
      new Capabilities(
          0,
          true,
          0,
          true,
          0,
          true,
          true,
          true,
          true,
          List.of(ANY_SCHEME),
          false,
          false,
          true,
          true);

  public boolean carriesScheme(String scheme) {
    return encryptionSchemes.contains(ANY_SCHEME) || encryptionSchemes.contains(scheme);
  }
}
