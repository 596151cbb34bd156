package io.peyvand.protocol;

import static io.peyvand.protocol.Fixtures.NOW;
import static io.peyvand.protocol.Fixtures.address;
import static io.peyvand.protocol.Fixtures.assertAccepted;
import static io.peyvand.protocol.Fixtures.assertRefused;
import static io.peyvand.protocol.Fixtures.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.protocol.v1.Acknowledge;
import io.peyvand.protocol.v1.ClientFrame;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.GroupAcknowledge;
import io.peyvand.protocol.v1.GroupAddress;
import io.peyvand.protocol.v1.Hello;
import io.peyvand.protocol.v1.KeyPackageRequest;
import io.peyvand.protocol.v1.Ping;
import io.peyvand.protocol.v1.ReadReceipt;
import io.peyvand.protocol.v1.Submit;
import io.peyvand.protocol.v1.UserAddress;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FrameValidatorTest {
  private final FrameValidator validator = new FrameValidator();

  private Optional<Error> validate(ClientFrame.Builder frame) {
    return validator.validate(frame.build(), NOW);
  }

  private static ClientFrame.Builder hello(int version, String platformId, String sessionName) {
    return ClientFrame.newBuilder()
        .setHello(
            Hello.newBuilder()
                .setProtocolVersion(version)
                .setPlatformId(platformId)
                .setSessionName(sessionName));
  }

  private static ClientFrame.Builder acknowledge(UserAddress mailbox, long upTo) {
    Acknowledge.Builder ack = Acknowledge.newBuilder().setUpToSequence(upTo);
    if (mailbox != null) {
      ack.setMailbox(mailbox);
    }
    return ClientFrame.newBuilder().setAcknowledge(ack);
  }

  private static ClientFrame.Builder readReceipt(UserAddress reader, long upTo) {
    ReadReceipt.Builder receipt = ReadReceipt.newBuilder().setUpToSequence(upTo);
    if (reader != null) {
      receipt.setReader(reader);
    }
    return ClientFrame.newBuilder().setReadReceipt(receipt);
  }

  @Test
  void frameWithNothingSetIsRefusedListingTheFrameKinds() {
    assertRefused(
        validate(ClientFrame.newBuilder()),
        ErrorCode.INVALID_FRAME,
        "hello, submit, acknowledge, read_receipt, ping",
        "directory, call, keys");
  }

  // hello

  @Test
  void helloSpeakingVersionOnePasses() {
    assertAccepted(validate(hello(1, "bale", "bale-adapter-3")));
  }

  @Test
  void helloWithoutASessionNamePasses() {
    assertAccepted(validate(hello(1, "bale", "")));
  }

  @Test
  void helloAskingForAnotherVersionIsRefusedNamingTheSupportedVersions() {
    assertRefused(
        validate(hello(2, "bale", "a")),
        ErrorCode.UNSUPPORTED_VERSION,
        "hello.protocol_version 2 is not served",
        "supported versions: 1");
  }

  @Test
  void helloWithoutAVersionIsRefusedAsUnsupported() {
    assertRefused(
        validate(hello(0, "bale", "a")),
        ErrorCode.UNSUPPORTED_VERSION,
        "hello.protocol_version is missing",
        "supported versions: 1");
  }

  @Test
  void helloVersionIsShownUnsigned() {
    assertRefused(validate(hello(-1, "bale", "a")), ErrorCode.UNSUPPORTED_VERSION, "4294967295");
  }

  @Test
  void helloWithAnInvalidPlatformIdIsRefusedNamingTheField() {
    assertRefused(validate(hello(1, "Bale", "a")), ErrorCode.INVALID_ADDRESS, "hello.platform_id");
  }

  @Test
  void helloWithoutAPlatformIdIsRefused() {
    assertRefused(
        validate(hello(1, "", "a")), ErrorCode.INVALID_ADDRESS, "hello.platform_id is empty");
  }

  @Test
  void sessionNameOver64CharactersIsRefusedWithItsLength() {
    assertRefused(
        validate(hello(1, "bale", "n".repeat(65))),
        ErrorCode.INVALID_ARGUMENT,
        "hello.session_name",
        "65 characters",
        "at most 64");
  }

  @Test
  void sessionNameWithAControlCharacterIsInvalidText() {
    assertRefused(
        validate(hello(1, "bale", "adapter\n3")),
        ErrorCode.INVALID_TEXT,
        "hello.session_name",
        "U+000A");
  }

  // submit

  @Test
  void submitOfAValidEnvelopePasses() {
    assertAccepted(
        validate(
            ClientFrame.newBuilder()
                .setSubmit(Submit.newBuilder().setCorrelationId(7).setEnvelope(text("hi")))));
  }

  @Test
  void submitWithoutAnEnvelopeIsRefusedAsAMissingPart() {
    assertRefused(
        validate(ClientFrame.newBuilder().setSubmit(Submit.newBuilder())),
        ErrorCode.INVALID_FRAME,
        "submit.envelope is missing");
  }

  @Test
  void submitOfAnInvalidEnvelopeIsAnsweredWithTheEnvelopesProblem() {
    assertRefused(
        validate(
            ClientFrame.newBuilder()
                .setSubmit(Submit.newBuilder().setEnvelope(text("hi").setMessageId("")))),
        ErrorCode.INVALID_MESSAGE_ID,
        "message_id is missing");
  }

  @Test
  void configuredLimitsApplyToSubmittedEnvelopes() {
    FrameValidator small =
        new FrameValidator(new ProtocolLimits(4, 128, Duration.ofHours(24), 32, 2048, 255, 64));
    ClientFrame frame =
        ClientFrame.newBuilder().setSubmit(Submit.newBuilder().setEnvelope(text("hello"))).build();
    assertRefused(
        small.validate(frame, NOW), ErrorCode.CONTENT_TOO_LARGE, "5 bytes", "at most 4 bytes");
  }

  // acknowledge and read receipt

  @Test
  void acknowledgementOfAValidMailboxPasses() {
    assertAccepted(validate(acknowledge(address("eitaa", "bob"), 42)));
  }

  @Test
  void acknowledgementUpToTheLargestUnsignedSequencePasses() {
    assertAccepted(validate(acknowledge(address("eitaa", "bob"), -1L)));
  }

  @Test
  void acknowledgementWithoutAMailboxIsRefused() {
    assertRefused(
        validate(acknowledge(null, 42)),
        ErrorCode.INVALID_ADDRESS,
        "acknowledge.mailbox is missing");
  }

  @Test
  void acknowledgementOfAnInvalidMailboxIsRefusedNamingTheField() {
    assertRefused(
        validate(acknowledge(address("eitaa", "bob smith"), 42)),
        ErrorCode.INVALID_ADDRESS,
        "acknowledge.mailbox.user_id");
  }

  @Test
  void acknowledgementUpToSequenceZeroIsRefused() {
    assertRefused(
        validate(acknowledge(address("eitaa", "bob"), 0)),
        ErrorCode.INVALID_ARGUMENT,
        "acknowledge.up_to_sequence is 0",
        "start at 1");
  }

  @Test
  void readReceiptOfAValidReaderPasses() {
    assertAccepted(validate(readReceipt(address("eitaa", "bob"), 3)));
  }

  @Test
  void readReceiptWithoutAReaderIsRefused() {
    assertRefused(
        validate(readReceipt(null, 3)),
        ErrorCode.INVALID_ADDRESS,
        "read_receipt.reader is missing");
  }

  @Test
  void readReceiptOfAnInvalidReaderIsRefusedNamingTheField() {
    assertRefused(
        validate(readReceipt(address("e", "bob"), 3)),
        ErrorCode.INVALID_ADDRESS,
        "read_receipt.reader.platform_id");
  }

  @Test
  void readReceiptUpToSequenceZeroIsRefused() {
    assertRefused(
        validate(readReceipt(address("eitaa", "bob"), 0)),
        ErrorCode.INVALID_ARGUMENT,
        "read_receipt.up_to_sequence is 0");
  }

  // ping

  @Test
  void pingPasses() {
    assertAccepted(validate(ClientFrame.newBuilder().setPing(Ping.newBuilder().setNonce(9))));
  }

  @Test
  void aKeyPackageRequestIsLeftToTheDirectoryThatServesIt() {
    // Even without a call: the directory refuses that in its KeyPackageResult, matched by
    // correlation id, rather than in a SessionError that names no frame.
    assertAccepted(
        validate(
            ClientFrame.newBuilder().setKeys(KeyPackageRequest.newBuilder().setCorrelationId(4))));
  }

  @Test
  void aGroupAcknowledgementNeedsAValidGroupAndASequence() {
    GroupAddress family =
        GroupAddress.newBuilder().setPlatformId("eitaa").setGroupId("family").build();
    assertEquals(
        Optional.empty(),
        validate(
            ClientFrame.newBuilder()
                .setGroupAcknowledge(
                    GroupAcknowledge.newBuilder().setGroup(family).setUpToSequence(3))));
    assertEquals(
        ErrorCode.INVALID_ADDRESS,
        validate(
                ClientFrame.newBuilder()
                    .setGroupAcknowledge(GroupAcknowledge.newBuilder().setUpToSequence(3)))
            .orElseThrow()
            .getCode());
    Error badId =
        validate(
                ClientFrame.newBuilder()
                    .setGroupAcknowledge(
                        GroupAcknowledge.newBuilder()
                            .setGroup(family.toBuilder().setGroupId("a:b"))
                            .setUpToSequence(3)))
            .orElseThrow();
    assertEquals(ErrorCode.INVALID_ADDRESS, badId.getCode());
    assertTrue(
        badId.getMessage().startsWith("group_acknowledge.group.group_id"), badId.getMessage());
    assertEquals(
        ErrorCode.INVALID_ARGUMENT,
        validate(
                ClientFrame.newBuilder()
                    .setGroupAcknowledge(GroupAcknowledge.newBuilder().setGroup(family)))
            .orElseThrow()
            .getCode());
  }
}
