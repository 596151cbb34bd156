/**
 * Domain events to and from their stored protobuf form (module persistence). Fixed serializer ids, short stable manifests; Java serialization is off.
 */
package io.peyvand.broker.serialization;
