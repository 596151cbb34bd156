package io.peyvand.broker.serialization;

import com.google.protobuf.InvalidProtocolBufferException;
import io.peyvand.broker.platform.Platform;
import io.peyvand.persistence.stored.v1.PlatformRegistered;
import io.peyvand.persistence.stored.v1.PlatformRenamed;
import java.io.NotSerializableException;
import java.time.Instant;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * Turns the broker's persisted events into their stored protobuf form (module persistence,
 * package peyvand.persistence.v1) and back. The identifier and every manifest are part of the
 * stored data: never change or reuse one. A new event gets a new manifest; a changed event gets new
 * protobuf fields, never renumbered ones.
 */
public final class StoredEventSerializer extends SerializerWithStringManifest {
  /** Fixed forever: it is written into every journal row. */
  public static final int IDENTIFIER = 7401;

  static final String PLATFORM_REGISTERED = "platform-registered";
  static final String PLATFORM_RENAMED = "platform-renamed";

  public StoredEventSerializer(ExtendedActorSystem system) {}

  @Override
  public int identifier() {
    return IDENTIFIER;
  }

  @Override
  public String manifest(Object o) {
    if (o instanceof Platform.PlatformRegistered) {
      return PLATFORM_REGISTERED;
    }
    if (o instanceof Platform.PlatformRenamed) {
      return PLATFORM_RENAMED;
    }
    throw new IllegalArgumentException("no stored form for " + o.getClass().getName());
  }

  @Override
  public byte[] toBinary(Object o) {
    if (o instanceof Platform.PlatformRegistered e) {
      return PlatformRegistered.newBuilder()
          .setPlatformId(e.platformId())
          .setDisplayName(e.displayName())
          .setRegisteredAtEpochMillis(e.registeredAt().toEpochMilli())
          .build().toByteArray();
    }
    if (o instanceof Platform.PlatformRenamed e) {
      return PlatformRenamed.newBuilder().setDisplayName(e.displayName()).build().toByteArray();
    }
    throw new IllegalArgumentException("no stored form for " + o.getClass().getName());
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    try {
      switch (manifest) {
        case PLATFORM_REGISTERED -> {
          PlatformRegistered p = PlatformRegistered.parseFrom(bytes);
          return new Platform.PlatformRegistered(p.getPlatformId(), p.getDisplayName(),
              Instant.ofEpochMilli(p.getRegisteredAtEpochMillis()));
        }
        case PLATFORM_RENAMED -> {
          return new Platform.PlatformRenamed(PlatformRenamed.parseFrom(bytes).getDisplayName());
        }
        default -> throw new NotSerializableException("unknown stored event manifest '" + manifest
            + "': written by a newer broker version?");
      }
    } catch (InvalidProtocolBufferException e) {
      throw new NotSerializableException("corrupt stored event (" + manifest + "): "
          + e.getMessage());
    }
  }
}
