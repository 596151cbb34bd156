package io.peyvand.persistence.journal;

import org.apache.pekko.serialization.Serialization;

/**
 * One event as the journal stored it, read by {@link JournalReader}: the payload still in its
 * serialized form, because turning bytes back into a domain event is the caller's business (the
 * broker's serializers are registered in its actor system, not known to this module). {@link
 * #payload(Serialization)} does it with Pekko's own serialization when the caller has it.
 *
 * <p>A record holding an array: {@code equals} compares the array by identity, so compare {@link
 * #event()} with {@code Arrays.equals}.
 *
 * @param persistenceId the entity the event belongs to
 * @param sequenceNr its sequence number, 1 for an entity's first event
 * @param serId the identifier of the serializer that wrote {@code event} (ser_id)
 * @param serManifest that serializer's manifest for it (ser_manifest); "" when it has none
 * @param eventManifest the event adapter's manifest (event_manifest); "" when none was used
 * @param event the serialized payload (event)
 * @param writerUuid the unique id of the entity incarnation that wrote it (writer_uuid)
 * @param timestampMillis when it was written, from the row's time UUID, milliseconds since the
 *     epoch; 0 if the row has none
 */
public record StoredEvent(
    String persistenceId,
    long sequenceNr,
    int serId,
    String serManifest,
    String eventManifest,
    byte[] event,
    String writerUuid,
    long timestampMillis) {

  /**
   * The payload, deserialized by the serializer it was written with.
   *
   * @throws RuntimeException (or the serializer's checked exception, rethrown) when no serializer
   *     has {@link #serId()} or the bytes do not read back
   */
  public Object payload(Serialization serialization) {
    return serialization.deserialize(event, serId, serManifest).get();
  }
}
