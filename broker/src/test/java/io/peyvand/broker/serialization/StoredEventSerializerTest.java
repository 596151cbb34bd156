package io.peyvand.broker.serialization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.broker.platform.Platform;
import java.io.NotSerializableException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every persisted event has a stored form, and bytes written by earlier versions still read back.
 * Adding an event without a serializer manifest and a stored sample fails here.
 */
class StoredEventSerializerTest {
  private final StoredEventSerializer serializer = new StoredEventSerializer(null);

  /** One example of every event; the test checks it covers every permitted subclass. */
  private static final Set<Object> EXAMPLES = Set.of(
      new Platform.PlatformRegistered("bale", "Bale",
          Instant.parse("2026-11-28T10:15:30.123Z")),
      new Platform.PlatformRenamed("Bale Messenger"));

  /**
   * Bytes as stored by version 0.1 (hex), by manifest. Never edit an entry: add one when an event
   * is added. Regenerate a new entry by printing HexFormat.of().formatHex(toBinary(example)).
   */
  private static final Map<String, String> STORED_V1 = Map.of(
      "platform-registered", "0a0462616c65120442616c6518cbbc9c8da234",
      "platform-renamed", "0a0e42616c65204d657373656e676572");

  @Test
  void everyEventTypeHasAnExampleAManifestAndAStoredSample() {
    Set<Class<?>> permitted = Stream.of(Platform.Event.class.getPermittedSubclasses())
        .collect(Collectors.toSet());
    Set<Class<?>> covered = EXAMPLES.stream().map(Object::getClass).collect(Collectors.toSet());
    assertEquals(permitted, covered, "every event needs an example here");
    for (Object example : EXAMPLES) {
      assertTrue(STORED_V1.containsKey(serializer.manifest(example)),
          "no stored sample for manifest " + serializer.manifest(example));
    }
  }

  @Test
  void everyEventRoundTrips() throws NotSerializableException {
    for (Object example : EXAMPLES) {
      String manifest = serializer.manifest(example);
      assertEquals(example, serializer.fromBinary(serializer.toBinary(example), manifest));
    }
  }

  @Test
  void bytesStoredByEarlierVersionsStillReadBack() throws NotSerializableException {
    for (Object example : EXAMPLES) {
      String manifest = serializer.manifest(example);
      byte[] stored = HexFormat.of().parseHex(STORED_V1.get(manifest));
      assertEquals(example, serializer.fromBinary(stored, manifest), manifest);
    }
  }

  @Test
  void anUnknownManifestIsAClearError() {
    NotSerializableException e = assertThrows(NotSerializableException.class,
        () -> serializer.fromBinary(new byte[0], "from-the-future"));
    assertTrue(e.getMessage().contains("newer broker"), e.getMessage());
  }

  @Test
  void theIdentifierNeverChanges() {
    assertEquals(7401, serializer.identifier());
  }
}
