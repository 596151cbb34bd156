package io.peyvand.protocol.sdk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.protocol.sdk.ScriptedBroker;
import io.peyvand.protocol.sdk.UserAddresses;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.LookupRequest;
import io.peyvand.protocol.v1.PublishResult;
import io.peyvand.protocol.v1.UserAddress;
import io.peyvand.protocol.v1.WithdrawRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code directory} against a scripted broker: requests, lines, exit status. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DirectoryCommandTest {
  private static final UserAddress ALI = UserAddresses.parse("bale:ali");
  private static final UserAddress SARA = UserAddresses.parse("eitaa:sara");

  @RegisterExtension final ScriptedBroker broker = ScriptedBroker.perClass("directory-cli-test");

  private CliRun run(String... args) {
    return CliRun.subcommand(broker.port(), args);
  }

  @Test
  void publishSendsTheNumberAndPrintsItAsTheBrokerReadIt() {
    broker.onDirectoryCall =
        request ->
            CompletableFuture.completedFuture(
                PublishResult.newBuilder().setUser(ALI).setPhoneNumber("+989123456789").build());
    CliRun run =
        run("directory", "publish", "--as", "bale:ali", "--number", "0912 345 6789", "--preferred");
    assertEquals(new CliRun(0, "published bale:ali +989123456789", ""), run);
    assertEquals(List.of(ScriptedBroker.SAMPLE_PUBLISH), broker.directoryCalls);
  }

  @Test
  void unpublishWithdrawsOneNumberOrWithoutOneAll() {
    assertEquals(
        new CliRun(0, "withdrawn 1", ""),
        run("directory", "unpublish", "--as", "bale:ali", "--number", "09123456789"));
    assertEquals(
        new CliRun(0, "withdrawn 1", ""), run("directory", "unpublish", "--as", "bale:ali"));
    assertEquals(
        List.of(
            WithdrawRequest.newBuilder().setUser(ALI).setPhoneNumber("09123456789").build(),
            WithdrawRequest.newBuilder().setUser(ALI).build()),
        broker.directoryCalls);
  }

  @Test
  void lookupPrintsOneLinePerNumberAsGiven() {
    broker.onDirectoryCall =
        request -> CompletableFuture.completedFuture(ScriptedBroker.SAMPLE_MATCHES);
    List<String> args = new ArrayList<>(List.of("directory", "lookup", "--as", "eitaa:sara"));
    args.addAll(ScriptedBroker.SAMPLE_NUMBERS);
    CliRun run = run(args.toArray(String[]::new));
    assertEquals(0, run.status(), run.err());
    assertEquals(
        List.of(
            "0912 345 6789 -> rubika:reza, soroush:nima",
            "+989121112233 -> (none)",
            "12 -> invalid: too short"),
        run.lines());
    assertEquals(
        List.of(
            LookupRequest.newBuilder()
                .setAsker(SARA)
                .addAllPhoneNumbers(ScriptedBroker.SAMPLE_NUMBERS)
                .build()),
        broker.directoryCalls);
  }

  @Test
  void lookupReadsAFileAndSendsAtMostAThousandNumbersACall(@TempDir Path dir) throws Exception {
    List<String> numbers =
        IntStream.range(0, 2500).mapToObj(i -> String.format("0912%07d", i)).toList();
    Path file = dir.resolve("contacts.txt");
    Files.write(file, numbers.subList(1, numbers.size()));
    Files.writeString(file, "\n  \n", java.nio.file.StandardOpenOption.APPEND);
    CliRun run =
        run("directory", "lookup", "--as", "eitaa:sara", numbers.get(0), "--file", file.toString());
    assertEquals(0, run.status(), run.err());
    assertEquals(numbers.stream().map(n -> n + " -> (none)").toList(), run.lines());
    assertEquals(
        List.of(1000, 1000, 500),
        broker.directoryCalls.stream()
            .map(call -> ((LookupRequest) call).getPhoneNumbersCount())
            .toList());
  }

  @Test
  void aRateLimitedLookupPrintsTheRefusalAndTheRetryHintAndExitsOne() {
    broker.onDirectoryCall =
        ScriptedBroker.refusing(
            ErrorCode.RATE_LIMITED, "the asker has looked up as many new numbers", 1500);
    CliRun run = run("directory", "lookup", "--as", "eitaa:sara", "09123456789");
    assertEquals(
        new CliRun(
            1,
            "refused RATE_LIMITED: the asker has looked up as many new numbers\n"
                + "retry after 1500 ms",
            ""),
        run);
  }

  @Test
  void aRefusedPublishPrintsTheCodeAndExitsOne() {
    broker.onDirectoryCall =
        ScriptedBroker.refusing(ErrorCode.NOT_PERMITTED, "SetConsent first", 0);
    assertEquals(
        new CliRun(1, "refused NOT_PERMITTED: SetConsent first", ""),
        run("directory", "publish", "--as", "bale:ali", "--number", "09123456789"));
  }

  @Test
  void lookupWithoutNumbersOrAMalformedUserIsAUsageErrorAndNothingIsSent() {
    CliRun none = run("directory", "lookup", "--as", "eitaa:sara");
    assertEquals(2, none.status());
    assertTrue(none.err().contains("no numbers"), none.err());
    CliRun malformed = run("directory", "unpublish", "--as", "ali");
    assertEquals(2, malformed.status());
    assertTrue(malformed.err().contains("--as"), malformed.err());
    assertEquals(List.of(), broker.directoryCalls);
  }

  @Test
  void aBrokerWithoutTheDirectoryIsSaidToBeOne() {
    broker.onDirectoryCall = request -> ScriptedBroker.unimplemented();
    CliRun run = run("directory", "unpublish", "--as", "bale:ali");
    assertEquals(2, run.status());
    assertTrue(
        run.err().contains("does not serve peyvand.v1.Directory (UNIMPLEMENTED)"), run.err());
  }
}
