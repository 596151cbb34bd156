package io.peyvand.broker.entity;

/**
 * A message that may cross broker nodes: a command sent to a sharded entity (which may live on
 * another node), its reply (sent to an {@code ActorRef} of the asking node), and what a stream
 * pushes to a session registered with the Receptionist ({@code Deliver}, {@code Deliver.Busy}).
 * Bound in reference.conf to Pekko's Jackson CBOR serializer, because Java serialization is off and
 * these types, unlike persisted events, need no schema that outlives a rolling upgrade of more than
 * one version: records map to CBOR by their component names, {@code ActorRef}s by their path.
 *
 * <p>Rules for a marked type: a record (or an enum); a field whose type is a sealed interface names
 * its implementations with {@code @JsonTypeInfo}/{@code @JsonSubTypes} and stable names; renaming a
 * component breaks mixed-version clusters, adding one is safe (absent ones read as null/0).
 * Self-messages of an entity (timers, pipeToSelf results) never leave their node and stay unmarked;
 * persisted events keep their protobuf serializer ({@link StoredEventSerializer}).
 *
 * <p>The broker's tests keep a sample of the bytes each version sends of every marked type ({@code
 * ClusterMessageSamplesTest}): a new type needs an example and a sample there, and a change the
 * previous version could not read fails the build (cluster-config/CLUSTER.md, "Rolling upgrades").
 */
public interface ClusterMessage {}
