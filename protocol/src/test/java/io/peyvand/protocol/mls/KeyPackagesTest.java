package io.peyvand.protocol.mls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.ByteString;
import io.peyvand.protocol.Addresses;
import io.peyvand.protocol.v1.ErrorCode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link KeyPackages} on real KeyPackages made by ts-mls (src/test/resources/mls) and on those
 * bytes broken in every way the parser promises to refuse.
 */
class KeyPackagesTest {
  /** bob's phone, suite 1, in an MLSMessage: the KeyPackage the broken inputs start from. */
  private static final String BOB = "kp-bale-bob-phone-s1.bin";

  private static final Instant GENERATED_AT = Instant.ofEpochSecond(MlsFixtures.generatedAt());

  static List<MlsFixtures.Fixture> keyPackages() {
    return MlsFixtures.keyPackages();
  }

  @ParameterizedTest
  @MethodSource("keyPackages")
  void everyFixtureParsesAsItsIndexSays(MlsFixtures.Fixture fixture) {
    byte[] bytes = fixture.bytes();
    KeyPackage keyPackage = KeyPackages.parse(bytes);

    assertEquals(KeyPackage.MLS10, keyPackage.version());
    assertEquals(fixture.number("cipher_suite"), keyPackage.cipherSuite());
    String identity = fixture.text("identity");
    if (fixture.text("credential_type").equals("basic")) {
      Credential.Basic basic = (Credential.Basic) keyPackage.credential();
      assertEquals(identity, basic.identity().toStringUtf8());
      assertTrue(keyPackage.identifies(Addresses.parse(identity)));
    } else {
      Credential.X509 x509 = (Credential.X509) keyPackage.credential();
      assertEquals(1, x509.certificates().size());
      assertFalse(keyPackage.identifies(Addresses.parse(identity)), "x509 never identifies");
    }
    assertEquals(
        new Lifetime(fixture.number("not_before"), fixture.number("not_after")),
        keyPackage.lifetime());
    assertEquals(fixture.flag("last_resort"), keyPackage.lastResort());
    assertEquals(fixture.flag("valid_at_generation"), keyPackage.isValidAt(GENERATED_AT));
    assertTrue(keyPackage.leafNode().capabilities().versions().contains(KeyPackage.MLS10));
    assertTrue(
        keyPackage
            .leafNode()
            .capabilities()
            .cipherSuites()
            .contains((int) fixture.number("cipher_suite")));

    // The exact bytes: the input, without the MLSMessage header if it had one.
    int header = fixture.text("form").equals("mls_message") ? 4 : 0;
    assertArrayEquals(
        Arrays.copyOfRange(bytes, header, bytes.length), keyPackage.encoded().toByteArray());
    // Reading the bare KeyPackage again gives the same KeyPackage.
    assertEquals(keyPackage, KeyPackages.parse(keyPackage.encoded().toByteArray()));

    if (CipherSuite.of(keyPackage.cipherSuite()).isPresent()) {
      assertEquals(
          fixture.text("key_package_ref"),
          HexFormat.of().formatHex(keyPackage.reference().orElseThrow().toByteArray()),
          "KeyPackageRef as ts-mls computes it");
      assertEquals(
          new SignatureCheck(SignatureCheck.Status.VALID, SignatureCheck.Status.VALID),
          keyPackage.verifySignatures());
    } else {
      assertTrue(keyPackage.reference().isEmpty(), "no hash known for suite 77");
      assertEquals(
          new SignatureCheck(
              SignatureCheck.Status.UNVERIFIABLE, SignatureCheck.Status.UNVERIFIABLE),
          keyPackage.verifySignatures());
    }
  }

  @Test
  void theFixturesCoverTheSuitesAndCases() {
    List<MlsFixtures.Fixture> all = MlsFixtures.keyPackages();
    for (long suite : new long[] {1, 2, 3, 5, 7, 77}) {
      assertTrue(all.stream().anyMatch(f -> f.number("cipher_suite") == suite), "suite " + suite);
    }
    assertTrue(all.stream().anyMatch(f -> f.flag("last_resort")));
    assertTrue(all.stream().anyMatch(f -> !f.flag("valid_at_generation")));
    assertTrue(all.stream().anyMatch(f -> f.text("form").equals("bare")));
    assertTrue(all.stream().anyMatch(f -> f.text("credential_type").equals("x509")));
  }

  @Test
  void theReferenceIsStableAndDiffersBetweenKeyPackages() {
    KeyPackage bob = KeyPackages.parse(MlsFixtures.bytes(BOB));
    ByteString reference = bob.reference().orElseThrow();
    assertEquals(32, reference.size(), "SHA-256 for suite 1");
    assertEquals(reference, KeyPackages.parse(MlsFixtures.bytes(BOB)).reference().orElseThrow());
    assertEquals(
        48,
        KeyPackages.parse(MlsFixtures.bytes("kp-rubika-erin-s7.bin")).reference().get().size(),
        "SHA-384 for suite 7");
    assertEquals(
        64,
        KeyPackages.parse(MlsFixtures.bytes("kp-rubika-erin-s5.bin")).reference().get().size(),
        "SHA-512 for suite 5");
    assertNotEquals(
        reference,
        KeyPackages.parse(MlsFixtures.bytes("kp-bale-bob-last-resort-s1.bin"))
            .reference()
            .orElseThrow());
  }

  @Test
  void theIdentityMustNameExactlyThePublishingUser() {
    KeyPackage bob = KeyPackages.parse(MlsFixtures.bytes(BOB));
    assertTrue(bob.identifies(Addresses.parse("bale:bob")));
    assertFalse(bob.identifies(Addresses.parse("bale:Bob")));
    assertFalse(bob.identifies(Addresses.parse("eitaa:bob")));
    assertFalse(bob.identifies(Addresses.parse("bale:bobby")));
  }

  @Test
  void theLifetimeIsJudgedAtTheInstantGiven() {
    KeyPackage bob = KeyPackages.parse(MlsFixtures.bytes(BOB));
    Lifetime lifetime = bob.lifetime();
    assertTrue(bob.isValidAt(Instant.ofEpochSecond(lifetime.notBefore())));
    assertTrue(bob.isValidAt(Instant.ofEpochSecond(lifetime.notAfter())));
    assertFalse(bob.isValidAt(Instant.ofEpochSecond(lifetime.notBefore() - 1)));
    assertFalse(bob.isValidAt(Instant.ofEpochSecond(lifetime.notAfter() + 1)));
    KeyPackage frank = KeyPackages.parse(MlsFixtures.bytes("kp-bale-frank-expired-s1.bin"));
    assertFalse(frank.isValidAt(GENERATED_AT));
    // uint64 read unsigned: "no end" (2^64 - 1) is after every instant.
    assertTrue(new Lifetime(0, -1).contains(GENERATED_AT));
    assertFalse(new Lifetime(-1, -1).contains(GENERATED_AT));
  }

  @Test
  void bareAndInMessageFormsReadTheSame() {
    byte[] message = MlsFixtures.bytes(BOB);
    byte[] bare = Arrays.copyOfRange(message, 4, message.length);
    assertEquals(KeyPackages.parse(message), KeyPackages.parse(bare));
    assertEquals(
        MlsMessages.WireFormat.KEY_PACKAGE,
        MlsMessages.wireFormat(MlsFixtures.bytes("kp-bale-carol-s1.bin")));
  }

  @Test
  void aFlippedSignatureByteFailsVerification() {
    for (String file :
        List.of(
            BOB,
            "kp-bale-bob-laptop-s2.bin",
            "kp-bale-bob-tablet-s2.bin",
            "kp-rubika-erin-s7.bin")) {
      byte[] bytes = MlsFixtures.bytes(file);
      KeyPackage original = KeyPackages.parse(bytes);

      // The KeyPackage's signature is the last field: flip its last byte.
      byte[] keyPackageSignature = bytes.clone();
      keyPackageSignature[bytes.length - 1] ^= 0x01;
      assertEquals(
          new SignatureCheck(SignatureCheck.Status.VALID, SignatureCheck.Status.INVALID),
          KeyPackages.parse(keyPackageSignature).verifySignatures(),
          file);

      // The LeafNode's signature ends just before the KeyPackage's extensions; KeyPackageTBS
      // holds the whole LeafNode, so the KeyPackage's signature fails too.
      int leafEnd = 4 + leafNodeOffset(original) + original.leafNode().encoded().size();
      byte[] leafSignature = bytes.clone();
      leafSignature[leafEnd - 1] ^= 0x01;
      assertEquals(
          new SignatureCheck(SignatureCheck.Status.INVALID, SignatureCheck.Status.INVALID),
          KeyPackages.parse(leafSignature).verifySignatures(),
          file);
    }
  }

  @Test
  void aTamperedIdentityFailsBothSignatures() {
    byte[] bytes = MlsFixtures.bytes(BOB);
    int at = indexOf(bytes, "bale:bob".getBytes(StandardCharsets.UTF_8));
    bytes[at + 5] = 'r'; // bale:rob
    KeyPackage tampered = KeyPackages.parse(bytes);
    assertTrue(tampered.identifies(Addresses.parse("bale:rob")));
    assertEquals(
        new SignatureCheck(SignatureCheck.Status.INVALID, SignatureCheck.Status.INVALID),
        tampered.verifySignatures());
  }

  @Test
  void ecdsaKeysAreReadUncompressedAndCompressed() {
    KeyPackage tablet = KeyPackages.parse(MlsFixtures.bytes("kp-bale-bob-tablet-s2.bin"));
    assertEquals(65, tablet.leafNode().signatureKey().size());
    assertEquals(0x04, tablet.leafNode().signatureKey().byteAt(0));
    assertTrue(tablet.verifySignatures().valid());
    KeyPackage laptop = KeyPackages.parse(MlsFixtures.bytes("kp-bale-bob-laptop-s2.bin"));
    assertEquals(33, laptop.leafNode().signatureKey().size());
    assertTrue(laptop.verifySignatures().valid());
  }

  @Test
  void aSignatureKeyThatIsNoKeyIsInvalidNotAnException() {
    // Uncompressed (65 bytes, 2-byte varint) and compressed (33 bytes, 1-byte varint) P-256 keys,
    // after the LeafNode's encryption_key (65 bytes, 2-byte varint), in the MLSMessage.
    for (String file : List.of("kp-bale-bob-tablet-s2.bin", "kp-bale-bob-laptop-s2.bin")) {
      byte[] bytes = MlsFixtures.bytes(file);
      KeyPackage keyPackage = KeyPackages.parse(bytes);
      int keyLength = keyPackage.leafNode().signatureKey().size();
      int at = 4 + leafNodeOffset(keyPackage) + 2 + 65 + MlsReader.varintSize(keyLength);
      byte prefix = bytes[at];
      assertEquals(keyPackage.leafNode().signatureKey().byteAt(0), prefix, file);
      for (byte wrong : new byte[] {0x00, 0x05, (byte) (prefix == 0x04 ? 0x02 : 0x04)}) {
        bytes[at] = wrong;
        assertFalse(KeyPackages.parse(bytes).verifySignatures().valid(), file);
      }
      // X changed: off the curve, or another point; either way no valid signature.
      bytes[at] = prefix;
      bytes[at + 10] ^= 0x01;
      assertEquals(
          SignatureCheck.Status.INVALID,
          KeyPackages.parse(bytes).verifySignatures().leafNode(),
          file);
    }
  }

  @ParameterizedTest
  @MethodSource("keyPackages")
  void everyTruncationIsRefusedWithItsOffset(MlsFixtures.Fixture fixture) {
    byte[] bytes = fixture.bytes();
    for (int length = 0; length < bytes.length; length++) {
      MlsFormatException refused = refused(Arrays.copyOf(bytes, length));
      assertTrue(
          refused.offset() <= length,
          "offset " + refused.offset() + " beyond the " + length + " bytes given");
    }
  }

  @ParameterizedTest
  @MethodSource("keyPackages")
  void aByteMoreIsRefused(MlsFixtures.Fixture fixture) {
    byte[] bytes = Arrays.copyOf(fixture.bytes(), fixture.bytes().length + 1);
    MlsFormatException refused = refused(bytes);
    assertEquals(bytes.length - 1, refused.offset());
    assertMentions(refused, "1 byte(s) left over");
  }

  @Test
  void aNonMinimalVarintIsRefused() {
    // init_key's length, 32 (0x20), written in two bytes: 0x40 0x20.
    byte[] bare = bare(BOB);
    assertEquals(0x20, bare[4]);
    byte[] longer = splice(bare, 4, 1, new byte[] {0x40, 0x20});
    assertMentions(refused(longer, 4), "init_key: varint 32 in 2 bytes is not minimally encoded");
    // ... and in four: 0x80 0x00 0x00 0x20.
    byte[] longest = splice(bare, 4, 1, new byte[] {(byte) 0x80, 0, 0, 0x20});
    assertMentions(refused(longest, 4), "varint 32 in 4 bytes is not minimally encoded");
    // The prefix 11 is no varint.
    byte[] invalid = bare.clone();
    invalid[4] = (byte) 0xc0;
    assertMentions(refused(invalid, 4), "varint prefix 11");
  }

  @Test
  void aLengthBeyondTheInputIsRefusedWithoutAllocating() {
    byte[] bare = bare(BOB);
    // init_key declaring 2^30 - 1 bytes.
    byte[] huge = splice(bare, 4, 1, new byte[] {(byte) 0xbf, (byte) 0xff, (byte) 0xff, -1});
    assertMentions(refused(huge, 4), "init_key declares 1073741823 byte(s) but only");
    // The identity declaring 16383 bytes, more than the rest of the KeyPackage.
    int at = indexOf(bare, "bale:bob".getBytes(StandardCharsets.UTF_8)) - 1;
    assertEquals(8, bare[at]);
    byte[] beyond = splice(bare, at, 1, new byte[] {0x7f, (byte) 0xff});
    assertMentions(refused(beyond, at), "leaf_node.credential.identity declares 16383 byte(s)");
    // A capabilities list declaring more than the input holds, from inside the LeafNode.
    int versions = at + 1 + 8;
    byte[] list = bare.clone();
    list[versions] = 0x3f;
    assertMentions(refused(list), "leaf_node.capabilities");
  }

  @Test
  void valuesRfc9420DoesNotAllowAreRefused() {
    byte[] bare = bare(BOB);
    KeyPackage bob = KeyPackages.parse(bare);

    byte[] version = bare.clone();
    version[1] = 2;
    assertMentions(refused(version, 0), "version 2 is not mls10");

    byte[] suite = bare.clone();
    suite[3] = 0;
    assertMentions(refused(suite, 2), "cipher_suite 0 is reserved");

    // Suite 2 wants 65-byte keys; bob's are X25519 keys of 32.
    byte[] wrongSuite = bare.clone();
    wrongSuite[3] = 2;
    assertMentions(
        refused(wrongSuite, 4), "init_key has 32 bytes; the cipher suite's keys have 65");

    int leaf = leafNodeOffset(bob);
    byte[] sameKeys = bare.clone();
    System.arraycopy(bare, leaf + 1, sameKeys, 5, 32);
    assertMentions(refused(sameKeys, 4), "init_key equals leaf_node.encryption_key");

    int credential = leaf + 1 + 32 + 1 + 32;
    byte[] unknownCredential = bare.clone();
    unknownCredential[credential + 1] = 3;
    assertMentions(refused(unknownCredential, credential), "credential_type 3 is neither");

    // leaf_node_source: the byte before the lifetime's not_before.
    int source = indexOf(bare, uint64(bob.lifetime().notBefore())) - 1;
    assertEquals(1, bare[source]);
    byte[] update = bare.clone();
    update[source] = 2;
    assertMentions(refused(update, source), "leaf_node_source 2");

    byte[] tooLarge = new byte[KeyPackages.DEFAULT_MAX_BYTES + 1];
    MlsFormatException large = refused(tooLarge, KeyPackages.DEFAULT_MAX_BYTES);
    assertEquals(ErrorCode.CONTENT_TOO_LARGE, large.code());
    assertEquals(ErrorCode.INVALID_ARGUMENT, refused(version).code());
  }

  @Test
  void anExtensionTypeTwiceIsRefused() {
    // The last-resort KeyPackage ends with extensions <3: 00 0a 00> and the signature: add a
    // second last_resort extension (the vector becomes 6 bytes).
    byte[] bare = bare("kp-bale-bob-last-resort-s1.bin");
    KeyPackage original = KeyPackages.parse(bare);
    int signature = original.signature().size();
    int extensions = bare.length - signature - MlsReader.varintSize(signature) - 4;
    assertArrayEquals(
        new byte[] {3, 0, 0x0a, 0}, Arrays.copyOfRange(bare, extensions, extensions + 4));
    byte[] twice = splice(bare, extensions, 4, new byte[] {6, 0, 0x0a, 0, 0, 0x0a, 0});
    assertMentions(refused(twice, extensions + 4), "extension type 10 appears twice");
  }

  @Test
  void otherMlsMessagesAreRefusedSayingWhatTheyAre() {
    MlsFormatException welcome = refused(MlsFixtures.bytes("welcome.bin"));
    assertMentions(welcome, "look like an MLSMessage of wire_format WELCOME");
    MlsFormatException application = refused(MlsFixtures.bytes("app-1-alice.bin"));
    assertMentions(application, "PRIVATE_MESSAGE");
  }

  /** Where the LeafNode starts in the bare KeyPackage: after version, suite and init_key. */
  private static int leafNodeOffset(KeyPackage keyPackage) {
    int initKey = keyPackage.initKey().size();
    return 4 + MlsReader.varintSize(initKey) + initKey;
  }

  private static byte[] bare(String file) {
    byte[] message = MlsFixtures.bytes(file);
    return Arrays.copyOfRange(message, 4, message.length);
  }

  private static MlsFormatException refused(byte[] bytes, int offset) {
    MlsFormatException refused = refused(bytes);
    assertEquals(offset, refused.offset(), refused.getMessage());
    return refused;
  }

  /** The input is refused with an MlsFormatException, and no other exception, naming its offset. */
  static MlsFormatException refused(byte[] bytes) {
    KeyPackage accepted;
    try {
      accepted = KeyPackages.parse(bytes);
    } catch (MlsFormatException refused) {
      assertMentions(refused, "at byte " + refused.offset() + ": ");
      return refused;
    } catch (RuntimeException | Error other) {
      return fail("not an MlsFormatException for " + bytes.length + " bytes", other);
    }
    return fail("accepted " + bytes.length + " bytes: " + accepted);
  }

  private static void assertMentions(MlsFormatException refused, String text) {
    assertTrue(
        refused.getMessage().contains(text),
        () -> "'" + refused.getMessage() + "' does not mention '" + text + "'");
  }

  private static byte[] splice(byte[] bytes, int at, int remove, byte[] insert) {
    ByteBuffer out = ByteBuffer.allocate(bytes.length - remove + insert.length);
    out.put(bytes, 0, at).put(insert).put(bytes, at + remove, bytes.length - at - remove);
    return out.array();
  }

  private static byte[] uint64(long value) {
    return ByteBuffer.allocate(8).putLong(value).array();
  }

  private static int indexOf(byte[] bytes, byte[] part) {
    for (int i = 0; i + part.length <= bytes.length; i++) {
      if (Arrays.equals(bytes, i, i + part.length, part, 0, part.length)) {
        return i;
      }
    }
    throw new AssertionError("not found");
  }
}
