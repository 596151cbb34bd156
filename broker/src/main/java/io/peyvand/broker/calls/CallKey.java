package io.peyvand.broker.calls;

import io.peyvand.broker.model.Address;

/**
 * Names a call: its caller and the id the caller's platform chose. The entity id is {@code
 * caller#call-id}: a call id never contains '#', so the last '#' splits it.
 */
public record CallKey(Address caller, String callId) {
  public String entityId() {
    return caller + "#" + callId;
  }

  public static CallKey parse(String entityId) {
    int split = entityId.lastIndexOf('#');
    return new CallKey(Address.parse(entityId.substring(0, split)), entityId.substring(split + 1));
  }

  @Override
  public String toString() {
    return entityId();
  }
}
