package io.peyvand.broker.serialization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import io.peyvand.broker.entity.ClusterMessage;
import io.peyvand.broker.mailbox.UserMailbox;
import io.peyvand.broker.model.Content;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.apache.pekko.serialization.jackson.JacksonCborSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every {@link ClusterMessage} type round-trips through the serializer the broker's configuration
 * binds (Jackson CBOR), as it would between two nodes: the bytes and the manifest are all the other
 * node gets. The examples ({@link ClusterMessageExamples}) exercise each sealed field (Content,
 * StreamItem, GroupItem, Membership.Change, Call.Action) with every implementation; that versions
 * read each other's bytes is {@link ClusterMessageSamplesTest}'s.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterMessageSerializationTest {
  @JUnit5TestKit
  private final ActorTestKit testKit =
      ActorTestKit.create(
          "ClusterMessageSerializationTest",
          ConfigFactory.parseString("pekko.remote.artery.canonical.port = 0")
              .withFallback(ConfigFactory.load()));

  @Test
  void everyClusterMessageRoundTripsThroughJacksonCbor() {
    Serialization serialization = SerializationExtension.get(testKit.system());
    for (ClusterMessageExamples.Example example : ClusterMessageExamples.all(testKit.system())) {
      Object value = example.value();
      Serializer serializer = serialization.findSerializerFor(value);
      if (value instanceof ClusterMessage) {
        assertEquals(
            JacksonCborSerializer.class,
            serializer.getClass(),
            value.getClass().getName() + " is bound to Jackson CBOR");
      }
      byte[] bytes = serialization.serialize(value).get();
      String manifest = Serializers.manifestFor(serializer, value);
      Object back = serialization.deserialize(bytes, serializer.identifier(), manifest).get();
      // Field by field: AuditLog's replies carry byte arrays, which records compare by identity.
      assertEquals(
          ClusterMessageSamplesTest.fields(value),
          ClusterMessageSamplesTest.fields(back),
          "round trip of " + example.name());
    }
    // Records compare ByteStrings by content: a decoded payload is a copy, not the same object.
    UserMailbox.Accept accept =
        new UserMailbox.Accept(
            ClusterMessageExamples.messages().get("encrypted"),
            new UserMailbox.RecipientPolicy(true, 60),
            testKit.createTestProbe().ref().unsafeUpcast());
    Object back =
        serialization
            .deserialize(serialization.serialize(accept).get(), UserMailbox.Accept.class)
            .get();
    assertEquals(
        ((Content.Encrypted) accept.message().content()).ciphertext(),
        ((Content.Encrypted) ((UserMailbox.Accept) back).message().content()).ciphertext());
  }

  @Test
  void aTypeThatIsNotAClusterMessageIsRefusedNotJavaSerialized() {
    Serialization serialization = SerializationExtension.get(testKit.system());
    // Node-local: the session's stop (sent by its own stream), the request policy as a root.
    assertThrows(
        Exception.class,
        () -> serialization.serialize(new UserMailbox.RecipientPolicy(true, 0)).get());
    assertFalse(
        serialization
            .findSerializerFor(UserMailbox.WakeUp.INSTANCE)
            .getClass()
            .getName()
            .contains("Java"));
  }
}
