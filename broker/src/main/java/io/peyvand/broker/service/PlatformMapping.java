package io.peyvand.broker.service;

import io.peyvand.broker.model.Capabilities;
import io.peyvand.broker.model.Quota;
import io.peyvand.broker.platform.Platform;
import io.peyvand.protocol.v1.PlatformInfo;
import io.peyvand.protocol.v1.PlatformQuota;
import java.util.Optional;

/** Platform registrations and capabilities between the wire and the domain. */
public final class PlatformMapping {
  private PlatformMapping() {}

  /** A registration as the wire shows it, with the limits in force when the caller may see them. */
  public static PlatformInfo info(Platform.Info info, Optional<Quota> inForce) {
    PlatformInfo.Builder wire =
        PlatformInfo.newBuilder()
            .setPlatformId(info.platformId())
            .setDisplayName(info.displayName())
            .setCapabilities(capabilities(info.capabilities()))
            .setDefaultOptedIn(info.defaultOptedIn())
            .setRegisteredAtMs(info.registeredAt().toEpochMilli());
    inForce.ifPresent(q -> wire.setQuota(quota(q)));
    return wire.build();
  }

  public static PlatformQuota quota(Quota q) {
    return PlatformQuota.newBuilder()
        .setSubmitsPerSecond(q.submitsPerSecond())
        .setSubmitBurst(q.submitBurst())
        .setUserSubmitsPerSecond(q.userSubmitsPerSecond())
        .setUserSubmitBurst(q.userSubmitBurst())
        .setSessionsPerNode(q.sessionsPerNode())
        .setDirectoryNewNumbersPerDay(q.directoryNewNumbersPerDay())
        .build();
  }

  /** A quota from the wire; IllegalArgumentException (a clear message) for a value out of range. */
  public static Quota quota(PlatformQuota q) {
    return new Quota(
        positive(q.getSubmitsPerSecond(), "submits_per_second"),
        positive(q.getSubmitBurst(), "submit_burst"),
        positive(q.getUserSubmitsPerSecond(), "user_submits_per_second"),
        positive(q.getUserSubmitBurst(), "user_submit_burst"),
        positive(q.getSessionsPerNode(), "sessions_per_node"),
        positive(q.getDirectoryNewNumbersPerDay(), "directory_new_numbers_per_day"));
  }

  private static int positive(int unsigned, String field) {
    if (unsigned < 0) {
      throw new IllegalArgumentException(
          "quota."
              + field
              + " is at most "
              + Integer.MAX_VALUE
              + " (got "
              + Integer.toUnsignedString(unsigned)
              + ")");
    }
    return unsigned;
  }

  public static io.peyvand.protocol.v1.Capabilities capabilities(Capabilities c) {
    return io.peyvand.protocol.v1.Capabilities.newBuilder()
        .setMaxTextBytes(c.maxTextBytes())
        .setMedia(c.media())
        .setMaxMediaBytes(c.maxMediaBytes())
        .setEdits(c.edits())
        .setEditWindowSeconds(c.editWindowSeconds())
        .setDeletes(c.deletes())
        .setReactions(c.reactions())
        .setReplies(c.replies())
        .setReadReceipts(c.readReceipts())
        .addAllEncryptionSchemes(c.encryptionSchemes())
        .setGroupMemberLists(c.groupMemberLists())
        .setStatusesByRecipient(c.statusesByRecipient())
        .setCallsAudio(c.callsAudio())
        .setCallsVideo(c.callsVideo())
        .build();
  }

  public static Capabilities capabilities(io.peyvand.protocol.v1.Capabilities c) {
    return new Capabilities(
        c.getMaxTextBytes(),
        c.getMedia(),
        c.getMaxMediaBytes(),
        c.getEdits(),
        c.getEditWindowSeconds(),
        c.getDeletes(),
        c.getReactions(),
        c.getReplies(),
        c.getReadReceipts(),
        c.getEncryptionSchemesList(),
        c.getGroupMemberLists(),
        c.getStatusesByRecipient(),
        c.getCallsAudio(),
        c.getCallsVideo());
  }
}
