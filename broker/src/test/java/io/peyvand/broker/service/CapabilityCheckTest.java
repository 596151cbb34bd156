package io.peyvand.broker.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.peyvand.broker.model.Address;
import io.peyvand.broker.model.Capabilities;
import io.peyvand.broker.model.Content;
import io.peyvand.broker.model.Message;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Every capability the submission checks against the recipient's platform (PROTOCOL.md §8): a
 * platform with it accepts, one without it refuses with CAPABILITY_NOT_SUPPORTED, naming the
 * capability and saying what the platform lacks or the limit the content exceeds.
 */
class CapabilityCheckTest {
  private static final Address ALICE = new Address("eitaa", "alice");
  private static final Address ROYA = new Address("rubika", "roya");

  /** Text only: no capability at all, text of any size within the broker's limit. */
  private static final Capabilities TEXT_ONLY = limits(0, 0, List.of());

  private static Capabilities limits(int maxTextBytes, long maxMediaBytes, List<String> schemes) {
    return new Capabilities(
        maxTextBytes,
        false,
        maxMediaBytes,
        false,
        0,
        false,
        false,
        false,
        false,
        schemes,
        false,
        false,
        false,
        false);
  }

  /** Everything, with these limits. */
  private static Capabilities all(int maxTextBytes, long maxMediaBytes) {
    return new Capabilities(
        maxTextBytes,
        true,
        maxMediaBytes,
        true,
        0,
        true,
        true,
        true,
        true,
        List.of(Capabilities.ANY_SCHEME),
        false,
        false,
        false,
        false);
  }

  private static Message message(Content content) {
    return new Message("m-1", ALICE, ROYA, 1, "", content);
  }

  private static Message reply(Content content) {
    return new Message("m-2", ALICE, ROYA, 1, "m-1", content);
  }

  private static Content.Media media(long size, String caption) {
    return new Content.Media(
        "https://media.example/x", "image/png", size, ByteString.copyFrom(new byte[32]), caption);
  }

  private static void accepts(Capabilities c, Message m) {
    assertEquals(Optional.empty(), CapabilityCheck.refusal(c, m), "accepted: " + m);
  }

  private static void refuses(Capabilities c, Message m, String message) {
    Optional<Error> refusal = CapabilityCheck.refusal(c, m);
    assertTrue(refusal.isPresent(), "refused: " + m);
    assertEquals(ErrorCode.CAPABILITY_NOT_SUPPORTED, refusal.get().getCode());
    assertEquals(message, refusal.get().getMessage());
  }

  @Test
  void plainTextNeedsNoCapability() {
    accepts(TEXT_ONLY, message(new Content.Text("salam")));
  }

  @Test
  void replies() {
    accepts(all(0, 0), reply(new Content.Text("salam")));
    refuses(
        TEXT_ONLY,
        reply(new Content.Text("salam")),
        "capability replies: the recipient's platform does not support replies");
  }

  @Test
  void textLongerThanThePlatformTakesInUtf8Bytes() {
    // Four Persian letters are eight bytes.
    accepts(limits(8, 0, List.of()), message(new Content.Text("سلام")));
    refuses(
        limits(7, 0, List.of()),
        message(new Content.Text("سلام")),
        "capability text: the recipient's platform accepts text of at most 7 bytes, this is 8");
  }

  @Test
  void edits() {
    Content edit = new Content.Edit("m-0", "salam!");
    accepts(all(0, 0), message(edit));
    refuses(
        TEXT_ONLY,
        message(edit),
        "capability edits: the recipient's platform does not support edits");
    accepts(all(6, 0), message(edit));
    refuses(
        all(5, 0),
        message(edit),
        "capability edits: the recipient's platform accepts text of at most 5 bytes, this is 6");
  }

  @Test
  void deletes() {
    accepts(all(0, 0), message(new Content.Delete("m-0")));
    refuses(
        TEXT_ONLY,
        message(new Content.Delete("m-0")),
        "capability deletes: the recipient's platform does not support deletes");
  }

  @Test
  void reactions() {
    Content reaction = new Content.Reaction("m-0", "\u2764", false);
    accepts(all(0, 0), message(reaction));
    refuses(
        TEXT_ONLY,
        message(reaction),
        "capability reactions: the recipient's platform does not support reactions");
  }

  @Test
  void mediaItsSizeAndItsCaption() {
    accepts(all(0, 0), message(media(5_000_000, "")));
    refuses(
        TEXT_ONLY,
        message(media(10, "")),
        "capability media: the recipient's platform does not accept media");
    accepts(all(0, 1000), message(media(1000, "")));
    refuses(
        all(0, 1000),
        message(media(1001, "")),
        "capability media: the recipient's platform accepts media of at most 1000 bytes,"
            + " this is 1001");
    accepts(all(4, 0), message(media(10, "abcd")));
    refuses(
        all(4, 0),
        message(media(10, "abcde")),
        "capability media: the recipient's platform accepts text of at most 4 bytes, this is 5");
  }

  @Test
  void encryptionSchemes() {
    Message signal = message(new Content.Encrypted("signal", ByteString.copyFromUtf8("x")));
    Message mls = message(new Content.Encrypted("mls", ByteString.copyFromUtf8("x")));
    accepts(limits(0, 0, List.of("signal")), signal);
    refuses(
        limits(0, 0, List.of("signal")),
        mls,
        "capability encryption: the recipient's platform does not carry encryption scheme 'mls'"
            + " (it carries [signal])");
    accepts(limits(0, 0, List.of(Capabilities.ANY_SCHEME)), mls);
    refuses(
        TEXT_ONLY,
        signal,
        "capability encryption: the recipient's platform does not carry encryption scheme"
            + " 'signal' (it carries [])");
  }

  @Test
  void theFirstMissingCapabilityInTheProtocolsOrderIsNamed() {
    refuses(
        TEXT_ONLY,
        reply(new Content.Reaction("m-0", "\u2764", false)),
        "capability replies: the recipient's platform does not support replies");
  }
}
