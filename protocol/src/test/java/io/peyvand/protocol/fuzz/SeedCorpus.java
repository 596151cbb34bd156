package io.peyvand.protocol.fuzz;

import com.google.protobuf.ByteString;
import io.peyvand.protocol.v1.Acknowledge;
import io.peyvand.protocol.v1.CallInvite;
import io.peyvand.protocol.v1.CallMedia;
import io.peyvand.protocol.v1.CallRef;
import io.peyvand.protocol.v1.CallRequest;
import io.peyvand.protocol.v1.ClaimKeyPackagesRequest;
import io.peyvand.protocol.v1.ClientFrame;
import io.peyvand.protocol.v1.Delete;
import io.peyvand.protocol.v1.DirectoryRequest;
import io.peyvand.protocol.v1.Edit;
import io.peyvand.protocol.v1.EncryptedPayload;
import io.peyvand.protocol.v1.Envelope;
import io.peyvand.protocol.v1.GroupAcknowledge;
import io.peyvand.protocol.v1.GroupAddress;
import io.peyvand.protocol.v1.Hello;
import io.peyvand.protocol.v1.KeyPackageRequest;
import io.peyvand.protocol.v1.LookupRequest;
import io.peyvand.protocol.v1.MediaReference;
import io.peyvand.protocol.v1.Ping;
import io.peyvand.protocol.v1.Reaction;
import io.peyvand.protocol.v1.ReadReceipt;
import io.peyvand.protocol.v1.StatusAcknowledge;
import io.peyvand.protocol.v1.Submit;
import io.peyvand.protocol.v1.Text;
import io.peyvand.protocol.v1.UserAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The seed corpus of {@link ClientFrameFuzzTest}: one valid frame of every kind (Hello, Submit with
 * each content kind and a group post, Acknowledge, ReadReceipt, Ping, GroupAcknowledge,
 * StatusAcknowledge, a directory lookup, a call invite, a key-package claim), each valid at {@link
 * #NOW}. The fuzzer starts from them, so that its mutations reach the validators' checks rather
 * than dying in protobuf decoding.
 *
 * <p>The serialized frames are committed under {@link #DIRECTORY} (Jazzer's layout: {@code
 * <TestClass>Inputs/<testMethod>/} beside the test class in resources), and {@code SeedCorpusTest}
 * checks that they are the frames below. After changing a frame, write them again (from the
 * repository root):
 *
 * <pre>
 * mvn -B -pl protocol test -Dtest=SeedCorpusTest -Dpeyvand.fuzz.skip=true \
 *     -Dpeyvand.fuzz.writeSeeds=true
 * </pre>
 */
final class SeedCorpus {
  /** The broker's clock in the fuzz tests: 2026-09-21T14:13:20Z, as in the unit tests. */
  static final long NOW = 1_790_000_000_000L;

  /** Where the seeds are kept, relative to the protocol module's directory. */
  static final Path DIRECTORY =
      Path.of(
          "src/test/resources/io/peyvand/protocol/fuzz",
          ClientFrameFuzzTest.class.getSimpleName() + "Inputs",
          ClientFrameFuzzTest.METHOD);

  private SeedCorpus() {}

  /** The seeds by file name, in a fixed order. */
  static Map<String, ClientFrame> frames() {
    Map<String, ClientFrame> frames = new LinkedHashMap<>();
    frames.put(
        "hello",
        ClientFrame.newBuilder()
            .setHello(
                Hello.newBuilder()
                    .setProtocolVersion(1)
                    .setPlatformId("bale")
                    .setSessionName("bale-adapter-1"))
            .build());
    frames.put(
        "submit-text",
        submit(
            envelope("msg-0001")
                .setText(Text.newBuilder().setBody("salam\nسلام 😀"))
                .setReplyToMessageId("msg-0000")));
    frames.put(
        "submit-edit",
        submit(
            envelope("msg-0002")
                .setEdit(
                    Edit.newBuilder()
                        .setTargetMessageId("msg-0001")
                        .setNewBody("salam, corrected"))));
    frames.put(
        "submit-delete",
        submit(envelope("msg-0003").setDelete(Delete.newBuilder().setTargetMessageId("msg-0001"))));
    frames.put(
        "submit-reaction",
        submit(
            envelope("msg-0004")
                .setReaction(Reaction.newBuilder().setTargetMessageId("msg-0001").setEmoji("👍"))));
    frames.put(
        "submit-media",
        submit(
            envelope("msg-0005")
                .setMedia(
                    MediaReference.newBuilder()
                        .setUrl("https://media.bale.example/m/abc?sig=x1")
                        .setMimeType("image/jpeg")
                        .setSizeBytes(1234)
                        .setSha256(ByteString.copyFrom(new byte[32]))
                        .setCaption("a photo"))));
    frames.put(
        "submit-encrypted",
        submit(
            envelope("msg-0006")
                .setEncrypted(
                    EncryptedPayload.newBuilder()
                        .setScheme("mls-1")
                        .setCiphertext(ByteString.copyFromUtf8("0123456789abcdef")))));
    frames.put(
        "acknowledge",
        ClientFrame.newBuilder()
            .setAcknowledge(
                Acknowledge.newBuilder().setMailbox(address("eitaa", "bob")).setUpToSequence(5))
            .build());
    frames.put(
        "read-receipt",
        ClientFrame.newBuilder()
            .setReadReceipt(
                ReadReceipt.newBuilder().setReader(address("eitaa", "bob")).setUpToSequence(5))
            .build());
    frames.put("ping", ClientFrame.newBuilder().setPing(Ping.newBuilder().setNonce(42)).build());
    frames.put(
        "submit-group-post",
        submit(
            envelope("msg-0007")
                .clearRecipient()
                .setGroup(GroupAddress.newBuilder().setPlatformId("eitaa").setGroupId("family"))
                .setText(Text.newBuilder().setBody("salam all"))));
    frames.put(
        "group-acknowledge",
        ClientFrame.newBuilder()
            .setGroupAcknowledge(
                GroupAcknowledge.newBuilder()
                    .setGroup(GroupAddress.newBuilder().setPlatformId("eitaa").setGroupId("family"))
                    .setUpToSequence(7))
            .build());
    frames.put(
        "status-acknowledge",
        ClientFrame.newBuilder()
            .setStatusAcknowledge(
                StatusAcknowledge.newBuilder()
                    .setRecipient(UserAddress.newBuilder().setPlatformId("bale").setUserId("bob"))
                    .setUpToSequence(3))
            .build());
    frames.put(
        "directory-lookup",
        ClientFrame.newBuilder()
            .setDirectory(
                DirectoryRequest.newBuilder()
                    .setCorrelationId(9)
                    .setLookup(
                        LookupRequest.newBuilder()
                            .setAsker(
                                UserAddress.newBuilder().setPlatformId("eitaa").setUserId("sara"))
                            .addPhoneNumbers("0912 345 6789")
                            .addPhoneNumbers("+98 935 000 0000")))
            .build());
    frames.put(
        "call-invite",
        ClientFrame.newBuilder()
            .setCall(
                CallRequest.newBuilder()
                    .setCorrelationId(10)
                    .setCall(
                        CallRef.newBuilder().setCaller(address("bale", "alice")).setCallId("c-1"))
                    .setInvite(
                        CallInvite.newBuilder()
                            .setCallee(address("eitaa", "sara"))
                            .addMedia(CallMedia.AUDIO)
                            .addMedia(CallMedia.VIDEO)
                            .setSdpOffer("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n")))
            .build());
    frames.put(
        "keys-claim",
        ClientFrame.newBuilder()
            .setKeys(
                KeyPackageRequest.newBuilder()
                    .setCorrelationId(11)
                    .setClaim(
                        ClaimKeyPackagesRequest.newBuilder()
                            .setClaimer(address("eitaa", "alice"))
                            .setTarget(address("bale", "bob"))
                            .addCipherSuites(1)))
            .build());
    return frames;
  }

  /** Writes every seed to {@code directory}, creating it if needed. */
  static void write(Path directory) throws IOException {
    Files.createDirectories(directory);
    for (Map.Entry<String, ClientFrame> seed : frames().entrySet()) {
      Files.write(directory.resolve(seed.getKey()), seed.getValue().toByteArray());
    }
  }

  private static UserAddress address(String platformId, String userId) {
    return UserAddress.newBuilder().setPlatformId(platformId).setUserId(userId).build();
  }

  private static Envelope.Builder envelope(String messageId) {
    return Envelope.newBuilder()
        .setMessageId(messageId)
        .setSender(address("bale", "alice"))
        .setRecipient(address("eitaa", "bob"))
        .setClientTimestampMs(NOW - 1_000);
  }

  private static ClientFrame submit(Envelope.Builder envelope) {
    return ClientFrame.newBuilder()
        .setSubmit(Submit.newBuilder().setCorrelationId(7).setEnvelope(envelope))
        .build();
  }
}
