package io.peyvand.protocol.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.peyvand.protocol.EnvelopeValidator;
import io.peyvand.protocol.ProtocolLimits;
import io.peyvand.protocol.v1.Envelope;
import io.peyvand.protocol.v1.Error;
import java.util.Optional;

/**
 * Structured fuzzing of {@link EnvelopeValidator}: envelopes built field by field from fuzzer data
 * ({@link FuzzedEnvelopes}: texts with unpaired surrogates, control characters and huge lengths,
 * timestamps and clocks across the whole long range, every content kind or none, default or small
 * limits), including values protobuf decoding never yields, since Java callers such as the SDK
 * validate envelopes they built themselves. Asserts, for every input:
 *
 * <ol>
 *   <li>validation returns normally (it never throws), and the same answer twice;
 *   <li>a refusal is a clear error of the codes EnvelopeValidator documents ({@link
 *       WireChecks#assertClearError});
 *   <li>an accepted envelope keeps the invariants of {@link WireChecks#assertSoundEnvelope}:
 *       message ids of the allowed characters and length, addresses valid per {@code
 *       Addresses.validate} and surviving their text form, the timestamp within the skew, content
 *       within the size limit counted independently, every text well-formed, and the envelope
 *       surviving the wire.
 * </ol>
 *
 * <p>The build fuzzes it for {@code peyvand.fuzz.seconds}, like the duration below ({@code
 * JAZZER_FUZZ=1}, surefire execution {@code fuzz}); without {@code JAZZER_FUZZ} it runs on the
 * empty input (which builds a valid envelope) and the kept inputs of past findings only.
 */
class EnvelopeFuzzTest {

  @FuzzTest(maxDuration = "10s")
  void anyEnvelopeIsSoundlyAcceptedOrClearlyRefused(FuzzedDataProvider data) {
    FuzzedEnvelopes fuzzed = new FuzzedEnvelopes(data);
    ProtocolLimits limits = fuzzed.limits();
    long now = fuzzed.now();
    Envelope envelope = fuzzed.envelope(limits, now);
    EnvelopeValidator validator = new EnvelopeValidator(limits);

    Optional<Error> problem = validator.validate(envelope, now);
    assertEquals(
        problem, validator.validate(envelope, now), "the same envelope must get the same answer");
    if (problem.isPresent()) {
      WireChecks.assertClearError(problem.get(), WireChecks.ENVELOPE_CODES);
    } else {
      WireChecks.assertSoundEnvelope(envelope, limits, now);
    }
  }
}
