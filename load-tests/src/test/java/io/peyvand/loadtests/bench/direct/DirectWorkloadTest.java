package io.peyvand.loadtests.bench.direct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.loadtests.bench.direct.DirectWorkload.Planned;
import io.peyvand.loadtests.bench.harness.Platforms;
import io.peyvand.loadtests.bench.harness.SizeMix;
import io.peyvand.protocol.v1.Envelope;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class DirectWorkloadTest {
  private static final List<String> FOUR = Platforms.DEV;

  @Test
  void theSameSeedGivesTheSameMessagesAndBodies() {
    DirectWorkload a = DirectWorkload.generate(42, FOUR, 100, 2000, SizeMix.REALISTIC);
    DirectWorkload b = DirectWorkload.generate(42, FOUR, 100, 2000, SizeMix.REALISTIC);
    assertEquals(a.messages(), b.messages());
    for (Planned p : a.messages()) {
      assertEquals(a.body(p), b.body(p));
    }
  }

  @Test
  void anotherSeedGivesOtherMessages() {
    assertNotEquals(
        DirectWorkload.generate(42, FOUR, 100, 100, SizeMix.REALISTIC).messages(),
        DirectWorkload.generate(43, FOUR, 100, 100, SizeMix.REALISTIC).messages());
  }

  @Test
  void everyMessageCrossesPlatformsBetweenKnownUsersWithItsIndex() {
    List<Planned> messages =
        DirectWorkload.generate(7, FOUR, 10, 5000, SizeMix.REALISTIC).messages();
    for (int i = 0; i < messages.size(); i++) {
      Planned p = messages.get(i);
      assertEquals(i, p.index());
      assertNotEquals(p.sender().getPlatformId(), p.recipient().getPlatformId());
      assertTrue(FOUR.contains(p.sender().getPlatformId()));
      assertTrue(FOUR.contains(p.recipient().getPlatformId()));
      assertTrue(p.sender().getUserId().matches("bench-u[0-9]"), p.sender().getUserId());
    }
    assertEquals(
        FOUR.size(),
        messages.stream()
            .map(p -> p.recipient().getPlatformId())
            .collect(Collectors.toSet())
            .size(),
        "every platform receives");
  }

  @Test
  void realisticSizesAreMostlyShortWithALongTail() {
    List<Planned> messages =
        DirectWorkload.generate(42, FOUR, 100, 10_000, SizeMix.REALISTIC).messages();
    long under200 = messages.stream().filter(p -> p.bodyBytes() < 200).count();
    assertTrue(under200 > 7_700 && under200 < 8_300, "about 80% under 200 bytes: " + under200);
    assertTrue(messages.stream().anyMatch(p -> p.bodyBytes() > 4000), "a tail of long texts");
    assertTrue(messages.stream().allMatch(p -> p.bodyBytes() >= 5 && p.bodyBytes() <= 16384));
  }

  @Test
  void theEnvelopeCarriesTheIdAndABodyOfTheDrawnSize() {
    DirectWorkload w = DirectWorkload.generate(42, FOUR, 100, 500, SizeMix.parse("fixed:300"));
    Planned p = w.messages().get(17);
    Envelope e = w.envelope(p, "bench-x-17", 1_000L);
    assertEquals("bench-x-17", e.getMessageId());
    assertEquals(p.sender(), e.getSender());
    assertEquals(p.recipient(), e.getRecipient());
    assertEquals(300, e.getText().getBody().getBytes(StandardCharsets.UTF_8).length);
  }

  @Test
  void sentByKeepsThePlatformsMessagesOfTheRangeInOrder() {
    DirectWorkload w =
        DirectWorkload.generate(42, List.of("eitaa", "bale"), 5, 100, SizeMix.REALISTIC);
    List<Planned> eitaa = w.sentBy("eitaa", 10, 60);
    List<Planned> bale = w.sentBy("bale", 10, 60);
    assertEquals(50, eitaa.size() + bale.size());
    assertTrue(
        eitaa.stream()
            .allMatch(
                p ->
                    p.index() >= 10
                        && p.index() < 60
                        && p.sender().getPlatformId().equals("eitaa")));
    for (int i = 1; i < eitaa.size(); i++) {
      assertTrue(eitaa.get(i - 1).index() < eitaa.get(i).index());
    }
  }

  @Test
  void sizeMixesAndPlatformSelectionsParse() {
    assertEquals(SizeMix.REALISTIC, SizeMix.parse("realistic"));
    assertEquals(1024, SizeMix.parse("fixed:1024").maxBytes());
    assertThrows(IllegalArgumentException.class, () -> SizeMix.parse("fixed:0"));
    assertThrows(IllegalArgumentException.class, () -> SizeMix.parse("fixed:70000"));
    assertThrows(IllegalArgumentException.class, () -> SizeMix.parse("huge"));
    assertEquals(List.of("eitaa", "bale"), Platforms.parse("2"));
    assertEquals(FOUR, Platforms.parse("4"));
    assertEquals(List.of("bale", "soroush"), Platforms.parse("bale, soroush,bale"));
    assertThrows(IllegalArgumentException.class, () -> Platforms.parse("1"));
    assertThrows(IllegalArgumentException.class, () -> Platforms.parse("5"));
    assertThrows(IllegalArgumentException.class, () -> Platforms.parse("bale"));
  }
}
