/**
 * Coverage-guided fuzz tests (Jazzer's JUnit integration) of the one place where hostile input
 * enters the broker: {@link io.peyvand.protocol.FrameDecoding}, {@link
 * io.peyvand.protocol.FrameValidator}, {@link io.peyvand.protocol.EnvelopeValidator} and the MLS
 * KeyPackage parser {@link io.peyvand.protocol.mls.KeyPackages}. Every input must end in a sound
 * frame, envelope or KeyPackage, or in a protocol {@code Error} with a specified code and a clear
 * message ({@link io.peyvand.protocol.fuzz.WireChecks}); anything else (an unexpected exception, a
 * stack overflow, an accepted value that breaks an invariant) is a finding.
 *
 * <p>How they run (protocol/pom.xml, profile {@code fuzz}): the unit tests' surefire execution
 * leaves the {@code *FuzzTest} classes out; execution {@code fuzz} runs each of them, one
 * {@code @FuzzTest} per class, in a JVM of its own (Jazzer fuzzes one {@code @FuzzTest} per JVM)
 * with {@code JAZZER_FUZZ=1}, which fuzzes it for {@code peyvand.fuzz.seconds} (10 s in the build;
 * {@code -Dpeyvand.fuzz.skip=true} leaves them out). Jazzer's generated corpus and the crashing
 * input of a finding go to {@code target/jazzer}, never into the source tree. {@code ./peyvand fuzz
 * [duration]} fuzzes longer and prints the executions, coverage and findings of each.
 *
 * <p>Seeds: valid frames of every kind for {@link io.peyvand.protocol.fuzz.ClientFrameFuzzTest},
 * written by {@link io.peyvand.protocol.fuzz.SeedCorpus}, and KeyPackages made by ts-mls for {@link
 * io.peyvand.protocol.fuzz.KeyPackageFuzzTest} (copies of src/test/resources/mls), in Jazzer's
 * layout {@code src/test/resources/io/peyvand/protocol/fuzz/<TestClass>Inputs/<testMethod>/}. The
 * crashing input of a fixed finding is kept in the same directory of its test, so that every fuzz
 * run replays it, and the fix has a unit test of its own in {@code io.peyvand.protocol}. Without
 * {@code JAZZER_FUZZ} (e.g. {@code mvn -pl protocol test -Dtest=ClientFrameFuzzTest
 * -Dpeyvand.fuzz.skip=true}) a fuzz test replays these inputs only, with full stack traces.
 */
package io.peyvand.protocol.fuzz;
