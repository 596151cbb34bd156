package io.peyvand.broker.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** peyvand.directory: keys, and what production refuses. */
class DirectorySettingsTest {
  private static final String KEY_1 = Base64.getEncoder().encodeToString(new byte[32]);
  private static final String KEY_2 = Base64.getEncoder().encodeToString(new byte[48]);

  private static Config config(String directory) {
    return ConfigFactory.parseString("peyvand.directory { " + directory + " }")
        .withFallback(ConfigFactory.defaultReference());
  }

  private static String refusal(String directory, boolean production) {
    return assertThrows(
            IllegalArgumentException.class,
            () -> DirectorySettings.fromConfig(config(directory), production))
        .getMessage();
  }

  @Test
  void theHighestNumberedKeyIsCurrent() {
    DirectorySettings settings =
        DirectorySettings.fromConfig(
            config("keys { \"1\" = \"" + KEY_1 + "\", \"2\" = \"" + KEY_2 + "\" }"), true);
    assertEquals(2, settings.hasher().currentKey());
    PhoneNumber number = PhoneNumber.parse("09121234567");
    assertEquals(2, settings.hasher().all(number).size(), "lookups ask under both keys");
    assertNotEquals(settings.hasher().all(number).get(0), settings.hasher().all(number).get(1));
  }

  @Test
  void withoutKeysADevelopmentBrokerUsesTheDevelopmentKeyAndProductionRefusesToStart() {
    assertEquals(1, DirectorySettings.fromConfig(config("keys {}"), false).hasher().currentKey());
    assertTrue(refusal("keys {}", true).contains("PEYVAND_DIRECTORY_KEY_1"));
    String devKey = Base64.getEncoder().encodeToString(DirectorySettings.DEVELOPMENT_KEY);
    assertTrue(refusal("keys { \"1\" = \"" + devKey + "\" }", true).contains("development"));
  }

  @Test
  void badKeysAreRefusedWithWhatToFix() {
    assertTrue(refusal("keys { current = \"" + KEY_1 + "\" }", false).contains("key number"));
    assertTrue(refusal("keys { \"1\" = \"not base64!\" }", false).contains("not base64"));
    String short16 = Base64.getEncoder().encodeToString(new byte[16]);
    assertTrue(refusal("keys { \"1\" = \"" + short16 + "\" }", false).contains("at least 32"));
  }
}
