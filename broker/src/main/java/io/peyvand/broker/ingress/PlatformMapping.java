package io.peyvand.broker.ingress;

import io.peyvand.broker.model.Capabilities;
import io.peyvand.broker.platform.Platform;
import io.peyvand.protocol.v1.PlatformInfo;

/** Platform registrations and capabilities between the wire and the domain. */
public final class PlatformMapping {
  private PlatformMapping() {}

  public static PlatformInfo info(Platform.Info info) {
    return PlatformInfo.newBuilder()
        .setPlatformId(info.platformId())
        .setDisplayName(info.displayName())
        .setCapabilities(capabilities(info.capabilities()))
        .setDefaultOptedIn(info.defaultOptedIn())
        .setRegisteredAtMs(info.registeredAt().toEpochMilli())
        .build();
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
        .build();
  }

  public static Capabilities capabilities(io.peyvand.protocol.v1.Capabilities c) {
    return new Capabilities(c.getMaxTextBytes(), c.getMedia(), c.getMaxMediaBytes(), c.getEdits(),
        c.getEditWindowSeconds(), c.getDeletes(), c.getReactions(), c.getReplies(),
        c.getReadReceipts(), c.getEncryptionSchemesList());
  }
}
