package io.peyvand.loadtests.bench.direct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.loadtests.bench.harness.Platforms;
import io.peyvand.protocol.EnvelopeValidator;
import io.peyvand.protocol.v1.Envelope;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TrafficModelTest {
  private static final List<String> FOUR = List.of("rubika", "eitaa", "bale", "soroush");

  @Test
  void usersAreSplitByMonthlyUsersAndAddUpToTheTotal() {
    Map<String, Integer> users = Platforms.users(FOUR, 100_000);
    // 40 : 22 : 16.5 : 10.5 of 89 million.
    assertEquals(
        Map.of("rubika", 44_944, "eitaa", 24_719, "bale", 18_539, "soroush", 11_798), users);
    assertEquals(100_000, users.values().stream().mapToInt(Integer::intValue).sum());
    assertEquals(List.of("rubika", "eitaa", "bale", "soroush"), List.copyOf(users.keySet()));
    Map<String, Integer> tiny = Platforms.users(FOUR, 4);
    assertTrue(tiny.values().stream().allMatch(n -> n == 1), tiny.toString());
    assertThrows(IllegalArgumentException.class, () -> Platforms.users(FOUR, 3));
    assertThrows(IllegalArgumentException.class, () -> Platforms.users(List.of("x", "bale"), 10));
  }

  @Test
  void recipientsAreOnAnotherPlatformWeightedByUsers() {
    TrafficModel model = new TrafficModel(FOUR, 100_000, "realistic", 5, 1);
    SplittableRandom random = new SplittableRandom(3);
    Map<String, Integer> received = new HashMap<>();
    int n = 40_000;
    for (int i = 0; i < n; i++) {
      Envelope e = model.envelope("eitaa", "m-" + i, 1_700_000_000_000L, random);
      assertEquals("eitaa", e.getSender().getPlatformId());
      assertNotEquals("eitaa", e.getRecipient().getPlatformId());
      int user = Integer.parseInt(e.getRecipient().getUserId().substring("bench-u".length()));
      assertTrue(user >= 0 && user < model.users(e.getRecipient().getPlatformId()));
      received.merge(e.getRecipient().getPlatformId(), 1, Integer::sum);
    }
    // Of eitaa's messages, rubika receives 40/67, bale 16.5/67, soroush 10.5/67.
    assertEquals(40.0 / 67, received.get("rubika") / (double) n, 0.015);
    assertEquals(16.5 / 67, received.get("bale") / (double) n, 0.015);
    assertEquals(10.5 / 67, received.get("soroush") / (double) n, 0.015);
    assertEquals(40.0 / 89, model.share("rubika"), 0.001);
  }

  @Test
  void aFewMessagesAreMediaReferencesAndMostTextsAreShort() {
    TrafficModel model = new TrafficModel(FOUR, 1000, "realistic", 5, 1);
    SplittableRandom random = new SplittableRandom(9);
    int n = 20_000;
    int media = 0;
    int shortTexts = 0;
    EnvelopeValidator validator = new EnvelopeValidator();
    long now = System.currentTimeMillis();
    for (int i = 0; i < n; i++) {
      Envelope e = model.envelope("rubika", "m-" + i, now, random);
      assertEquals(Optional.empty(), validator.validate(e, now), e.toString());
      if (e.hasMedia()) {
        media++;
        assertTrue(e.getMedia().getUrl().startsWith("https://media.rubika.example/m/"));
        assertEquals(32, e.getMedia().getSha256().size());
      } else if (e.getText().getBody().length() < 200) {
        shortTexts++;
      }
    }
    assertEquals(0.05, media / (double) n, 0.01);
    assertEquals(0.80, shortTexts / (double) (n - media), 0.02);
  }

  @Test
  void theSameSeedGivesTheSameTraffic() {
    TrafficModel a = new TrafficModel(FOUR, 1000, "realistic", 5, 7);
    TrafficModel b = new TrafficModel(FOUR, 1000, "realistic", 5, 7);
    SplittableRandom ra = new SplittableRandom(11);
    SplittableRandom rb = new SplittableRandom(11);
    for (int i = 0; i < 100; i++) {
      assertEquals(a.envelope("bale", "m", 1, ra), b.envelope("bale", "m", 1, rb));
    }
  }
}
