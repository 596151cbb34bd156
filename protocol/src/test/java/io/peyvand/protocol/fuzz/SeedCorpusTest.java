package io.peyvand.protocol.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.protocol.FrameDecoding;
import io.peyvand.protocol.FrameValidator;
import io.peyvand.protocol.v1.ClientFrame;
import io.peyvand.protocol.v1.Envelope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The committed seed corpus of {@link ClientFrameFuzzTest} is what {@link SeedCorpus} builds, and
 * covers every frame and content kind with valid frames. With {@code
 * -Dpeyvand.fuzz.writeSeeds=true} it writes the seeds instead of checking them.
 */
class SeedCorpusTest {
  private static final Path SEEDS =
      Path.of(System.getProperty("basedir", ".")).resolve(SeedCorpus.DIRECTORY);

  @Test
  void committedSeedsAreTheGeneratedFrames() throws IOException {
    if (Boolean.getBoolean("peyvand.fuzz.writeSeeds")) {
      SeedCorpus.write(SEEDS);
    }
    for (Map.Entry<String, ClientFrame> seed : SeedCorpus.frames().entrySet()) {
      Path file = SEEDS.resolve(seed.getKey());
      assertTrue(
          Files.isRegularFile(file),
          () -> file + " is missing: write the seeds again, see" + " SeedCorpus");
      assertArrayEquals(
          seed.getValue().toByteArray(),
          Files.readAllBytes(file),
          () ->
              file
                  + " is not the frame SeedCorpus builds: write the seeds again, see"
                  + " SeedCorpus");
    }
  }

  @Test
  void everySeedIsAValidFrame() {
    FrameValidator validator = new FrameValidator();
    for (Map.Entry<String, ClientFrame> seed : SeedCorpus.frames().entrySet()) {
      ClientFrame frame = FrameDecoding.parseClientFrame(seed.getValue().toByteArray());
      assertEquals(Optional.empty(), validator.validate(frame, SeedCorpus.NOW), seed.getKey());
    }
  }

  @Test
  void theSeedsCoverEveryFrameKindAndEveryContentKind() {
    Set<ClientFrame.FrameCase> frames = EnumSet.noneOf(ClientFrame.FrameCase.class);
    Set<Envelope.ContentCase> contents = EnumSet.noneOf(Envelope.ContentCase.class);
    for (ClientFrame frame : SeedCorpus.frames().values()) {
      frames.add(frame.getFrameCase());
      if (frame.hasSubmit()) {
        contents.add(frame.getSubmit().getEnvelope().getContentCase());
      }
    }
    assertEquals(EnumSet.complementOf(EnumSet.of(ClientFrame.FrameCase.FRAME_NOT_SET)), frames);
    // A call record is written by the broker only: a platform's is refused, so no seed submits one.
    assertEquals(
        EnumSet.complementOf(
            EnumSet.of(Envelope.ContentCase.CONTENT_NOT_SET, Envelope.ContentCase.CALL_RECORD)),
        contents);
  }

  /**
   * The seeds of {@link KeyPackageFuzzTest} are copies of MLS fixtures (src/test/resources/mls), so
   * that regenerating the fixtures cannot leave stale seeds behind: copy them again.
   */
  @Test
  void keyPackageSeedsAreTheMlsFixtures() throws IOException {
    Path seeds =
        Path.of(System.getProperty("basedir", "."))
            .resolve("src/test/resources/io/peyvand/protocol/fuzz")
            .resolve(KeyPackageFuzzTest.class.getSimpleName() + "Inputs")
            .resolve(KeyPackageFuzzTest.METHOD);
    try (Stream<Path> files = Files.list(seeds)) {
      List<Path> all = files.sorted().toList();
      assertTrue(all.size() >= 5, () -> "too few KeyPackage seeds in " + seeds);
      for (Path seed : all) {
        Path fixture =
            Path.of(System.getProperty("basedir", "."))
                .resolve("src/test/resources/mls")
                .resolve(seed.getFileName() + ".bin");
        assertArrayEquals(
            Files.readAllBytes(fixture),
            Files.readAllBytes(seed),
            () -> seed + " is not a copy of " + fixture + ": copy the fixture again");
      }
    }
  }
}
