package io.peyvand.protocol.mls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link MlsMessages#wireFormat} on the Welcome, Commits and application messages ts-mls made
 * (src/test/resources/mls), which the broker carries opaquely, and on broken headers.
 */
class MlsMessagesTest {

  @Test
  void everyMessageFixtureHasTheWireFormatOfItsIndex() {
    List<MlsFixtures.Fixture> messages =
        MlsFixtures.all().stream().filter(f -> !f.kind().equals("key_package")).toList();
    assertTrue(messages.size() >= 6, "a Welcome, two Commits, application messages");
    for (MlsFixtures.Fixture fixture : messages) {
      assertEquals(
          fixture.number("wire_format"),
          MlsMessages.wireFormat(fixture.bytes()).code(),
          fixture.file());
    }
    assertEquals(
        MlsMessages.WireFormat.WELCOME, MlsMessages.wireFormat(MlsFixtures.bytes("welcome.bin")));
    assertEquals(
        MlsMessages.WireFormat.PRIVATE_MESSAGE,
        MlsMessages.wireFormat(MlsFixtures.bytes("app-1-alice.bin")));
    assertEquals(
        MlsMessages.WireFormat.PRIVATE_MESSAGE,
        MlsMessages.wireFormat(MlsFixtures.bytes("commit-update.bin")));
  }

  @Test
  void theApplicationMessagesWereDecryptedByTheirRecipient() {
    List<MlsFixtures.Fixture> applications =
        MlsFixtures.all().stream().filter(f -> f.kind().equals("application")).toList();
    assertTrue(applications.size() >= 3);
    for (MlsFixtures.Fixture application : applications) {
      assertTrue(application.flag("decrypted_by_recipient"), application.file());
      assertTrue(!application.text("plaintext").isEmpty(), application.file());
    }
    assertEquals("Salam bob!", MlsFixtures.named("app-1-alice.bin").text("plaintext"));
  }

  @Test
  void keyPackagesInAMessageAreKeyPackages() {
    for (MlsFixtures.Fixture fixture : MlsFixtures.keyPackages()) {
      if (fixture.text("form").equals("mls_message")) {
        assertEquals(
            MlsMessages.WireFormat.KEY_PACKAGE,
            MlsMessages.wireFormat(fixture.bytes()),
            fixture.file());
      }
    }
  }

  @Test
  void brokenHeadersAreRefusedWithTheirOffset() {
    byte[] welcome = MlsFixtures.bytes("welcome.bin");
    for (int length = 0; length <= 4; length++) {
      assertRefused(Arrays.copyOf(welcome, length), Math.min(length, 4), "");
    }
    assertRefused(new byte[] {0, 1, 0, 3}, 4, "needs a body");
    assertRefused(new byte[] {0, 2, 0, 3, 0}, 0, "version 2 is not mls10");
    assertRefused(new byte[] {0, 1, 0, 0, 0}, 2, "wire_format 0 is none of");
    assertRefused(new byte[] {0, 1, 0, 6, 0}, 2, "wire_format 6 is none of");
    assertRefused(new byte[] {0, 1, (byte) 0xf0, 0, 0}, 2, "wire_format 61440");
  }

  private static void assertRefused(byte[] bytes, int offset, String mention) {
    MlsFormatException refused =
        assertThrows(MlsFormatException.class, () -> MlsMessages.wireFormat(bytes));
    if (bytes.length >= 2 && bytes.length < 4) {
      // Truncated within wire_format: refused where it starts.
      assertEquals(2, refused.offset(), refused.getMessage());
    } else if (bytes.length < 2) {
      assertEquals(0, refused.offset(), refused.getMessage());
    } else {
      assertEquals(offset, refused.offset(), refused.getMessage());
    }
    assertTrue(refused.getMessage().contains(mention), refused.getMessage());
    assertTrue(refused.getMessage().startsWith("INVALID_ARGUMENT: malformed MLS MLSMessage"));
  }
}
