package io.peyvand.protocol.sdk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import io.peyvand.protocol.sdk.ScriptedBroker;
import io.peyvand.protocol.sdk.UserAddresses;
import io.peyvand.protocol.v1.CallEndReason;
import io.peyvand.protocol.v1.CallMedia;
import io.peyvand.protocol.v1.CallRecord;
import io.peyvand.protocol.v1.Delivery;
import io.peyvand.protocol.v1.EncryptedPayload;
import io.peyvand.protocol.v1.Envelope;
import io.peyvand.protocol.v1.MessageStatus;
import io.peyvand.protocol.v1.Reaction;
import io.peyvand.protocol.v1.Text;
import org.junit.jupiter.api.Test;

class DeliveryFormatTest {
  private static final Delivery.Builder TO_BOB =
      Delivery.newBuilder().setMailbox(UserAddresses.parse("bale:bob")).setSequence(12);
  private static final Envelope.Builder FROM_ALICE =
      Envelope.newBuilder().setMessageId("m-1").setSender(UserAddresses.parse("eitaa:alice"));

  @Test
  void aTextMessageIsOneLineNamingMailboxSequenceAndSender() {
    assertEquals(
        "bale:bob #12 from eitaa:alice: salam",
        DeliveryFormat.line(
            TO_BOB
                .clone()
                .setMessage(FROM_ALICE.clone().setText(Text.newBuilder().setBody("salam")))
                .build()));
    assertEquals(
        "bale:bob #12 from eitaa:alice: two\\nlines (redelivery)",
        DeliveryFormat.line(
            TO_BOB
                .clone()
                .setRedelivery(true)
                .setMessage(FROM_ALICE.clone().setText(Text.newBuilder().setBody("two\nlines")))
                .build()));
  }

  @Test
  void aStatusNamesItsKindMessageAndRecipient() {
    assertEquals(
        "eitaa:alice #3 status DELIVERED of message m-123 to bale:bob",
        DeliveryFormat.line(
            ScriptedBroker.status(
                    UserAddresses.parse("eitaa:alice"),
                    3,
                    "m-123",
                    UserAddresses.parse("bale:bob"),
                    MessageStatus.Kind.DELIVERED)
                .build()));
  }

  /** The line of {@code message} delivered to bale:bob at sequence 12. */
  private static String lineToBob(Envelope.Builder message) {
    return DeliveryFormat.line(TO_BOB.clone().setMessage(message).build());
  }

  @Test
  void otherContentIsDescribedInBrackets() {
    assertEquals(
        "bale:bob #12 from eitaa:alice: [reaction 👍 to m-0]",
        lineToBob(
            FROM_ALICE
                .clone()
                .setReaction(Reaction.newBuilder().setEmoji("👍").setTargetMessageId("m-0"))));
    assertEquals(
        "bale:bob #12 from eitaa:alice: [encrypted mls-1, 3 bytes]",
        lineToBob(
            FROM_ALICE
                .clone()
                .setEncrypted(
                    EncryptedPayload.newBuilder()
                        .setScheme("mls-1")
                        .setCiphertext(ByteString.copyFrom(new byte[3])))));
  }

  /** The record of call c-1 of eitaa:alice to bale:bob, ended for {@code reason}. */
  private static CallRecord.Builder aliceCallingBob(CallEndReason reason) {
    return CallRecord.newBuilder()
        .setCallId("c-1")
        .setCaller(UserAddresses.parse("eitaa:alice"))
        .setCallee(UserAddresses.parse("bale:bob"))
        .setReason(reason);
  }

  @Test
  void aMissedCallRecordNamesTheCallItsSidesAndHowItEnded() {
    assertEquals(
        "bale:bob #12 from eitaa:alice: [call c-1 from eitaa:alice to bale:bob, missed]",
        lineToBob(
            FROM_ALICE
                .clone()
                .setMessageId("call.c-1")
                .setCallRecord(aliceCallingBob(CallEndReason.MISSED).addMedia(CallMedia.AUDIO))));
    assertEquals(
        "eitaa:alice #4 from bale:bob: [call c-1 from eitaa:alice to bale:bob, no-answer]",
        DeliveryFormat.line(
            Delivery.newBuilder()
                .setMailbox(UserAddresses.parse("eitaa:alice"))
                .setSequence(4)
                .setMessage(
                    Envelope.newBuilder()
                        .setMessageId("call.c-1")
                        .setSender(UserAddresses.parse("bale:bob"))
                        .setCallRecord(aliceCallingBob(CallEndReason.NO_ANSWER)))
                .build()));
  }
}
