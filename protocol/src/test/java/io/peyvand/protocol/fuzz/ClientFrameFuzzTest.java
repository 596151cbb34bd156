package io.peyvand.protocol.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.peyvand.protocol.FrameDecoding;
import io.peyvand.protocol.FrameValidator;
import io.peyvand.protocol.ProtocolException;
import io.peyvand.protocol.ProtocolLimits;
import io.peyvand.protocol.v1.ClientFrame;
import io.peyvand.protocol.v1.Error;
import java.util.Optional;

/**
 * Arbitrary bytes as they arrive in a WebSocket binary message (or a gRPC stream message), through
 * {@link FrameDecoding#parseClientFrame} and {@link FrameValidator#validate}, as the broker's edges
 * do. Asserts, for every input:
 *
 * <ol>
 *   <li>decoding returns a frame or throws {@link ProtocolException} carrying a clear error
 *       (INVALID_FRAME or INVALID_TEXT with a message; see {@link WireChecks#assertClearError});
 *       any other throwable (NullPointerException, StackOverflowError, ...) is a finding;
 *   <li>validating a decoded frame returns normally, the same answer twice, and a refusal is a
 *       clear error of the codes FrameValidator documents;
 *   <li>a frame that validates has a kind, its addresses and envelope keep the invariants of {@link
 *       WireChecks#assertSoundEnvelope}, its sequence numbers are not 0, and it re-serializes and
 *       re-parses to an equal frame.
 * </ol>
 *
 * <p>Seeds: one valid frame of every kind ({@link SeedCorpus}), in {@code
 * ClientFrameFuzzTestInputs/} beside this class in the test resources. The build fuzzes for {@code
 * peyvand.fuzz.seconds}, like the duration below ({@code JAZZER_FUZZ=1}, surefire execution {@code
 * fuzz}); without {@code JAZZER_FUZZ} it replays the seeds only.
 */
class ClientFrameFuzzTest {
  /** The fuzz test's method name: Jazzer's seed directory is named after it. */
  static final String METHOD = "anyBytesAreASoundFrameOrAClearError";

  private static final ProtocolLimits LIMITS = ProtocolLimits.defaults();
  private static final FrameValidator VALIDATOR = new FrameValidator(LIMITS);

  @FuzzTest(maxDuration = "10s")
  void anyBytesAreASoundFrameOrAClearError(byte[] bytes) {
    ClientFrame frame;
    try {
      frame = FrameDecoding.parseClientFrame(bytes);
    } catch (ProtocolException refused) {
      WireChecks.assertClearError(refused.error(), WireChecks.DECODING_CODES);
      return;
    }

    Optional<Error> problem = VALIDATOR.validate(frame, SeedCorpus.NOW);
    assertEquals(
        problem,
        VALIDATOR.validate(frame, SeedCorpus.NOW),
        "the same frame must get the same answer");
    if (problem.isPresent()) {
      WireChecks.assertClearError(problem.get(), WireChecks.FRAME_CODES);
      return;
    }

    switch (frame.getFrameCase()) {
      case HELLO -> {
        assertEquals(FrameValidator.PROTOCOL_VERSION, frame.getHello().getProtocolVersion());
        WireChecks.assertPlatformId("hello.platform_id", frame.getHello().getPlatformId());
      }
      case SUBMIT ->
          WireChecks.assertSoundEnvelope(frame.getSubmit().getEnvelope(), LIMITS, SeedCorpus.NOW);
      case ACKNOWLEDGE -> {
        WireChecks.assertAddress(
            "acknowledge.mailbox",
            frame.getAcknowledge().hasMailbox(),
            frame.getAcknowledge().getMailbox());
        assertNotEquals(0, frame.getAcknowledge().getUpToSequence());
      }
      case READ_RECEIPT -> {
        WireChecks.assertAddress(
            "read_receipt.reader",
            frame.getReadReceipt().hasReader(),
            frame.getReadReceipt().getReader());
        assertNotEquals(0, frame.getReadReceipt().getUpToSequence());
      }
      case PING -> assertTrue(frame.hasPing());
      case FRAME_NOT_SET -> throw new AssertionError("a frame without a kind was accepted");
    }
    assertEquals(
        frame,
        FrameDecoding.parseClientFrame(frame.toByteArray()),
        "an accepted frame must re-serialize and re-parse to an equal frame");
  }
}
