/**
 * Serialization, with Java serialization off. Domain events to and from their stored protobuf form
 * (module persistence): fixed serializer ids, short stable manifests, read by every later version.
 * Messages between nodes (commands, replies, pushes to sessions) are {@link
 * io.peyvand.broker.entity.ClusterMessage}s, serialized by Pekko's Jackson CBOR serializer:
 * transient, so mapped by record component names, not versioned schemas.
 */
package io.peyvand.broker.serialization;
