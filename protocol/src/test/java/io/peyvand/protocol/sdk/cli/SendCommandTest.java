package io.peyvand.protocol.sdk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.protocol.sdk.ScriptedBroker;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.SubmitResult;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code send} against a scripted broker: the line it prints and its exit status. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SendCommandTest {
  @RegisterExtension final ScriptedBroker broker = ScriptedBroker.perClass("send-test");

  private static CliRun send(int port, String... args) {
    return sendTo("127.0.0.1:" + port, args);
  }

  private static CliRun sendTo(String brokers, String... args) {
    return CliRun.of(CliThread.concat(new String[] {"send", "--broker", brokers}, args));
  }

  @ParameterizedTest
  @CsvSource({
    "false, accepted message_id=m-1 sequence=12",
    "true, duplicate message_id=m-1 sequence=12"
  })
  void anAcceptedOrDuplicateMessagePrintsItsSequenceAndExitsZero(boolean duplicate, String line) {
    broker.onUnarySubmit = ScriptedBroker.unaryAccepted(12, duplicate);
    CliRun run =
        send(
            broker.port(),
            "--from",
            "eitaa:alice",
            "--to",
            "bale:bob",
            "--message-id",
            "m-1",
            "salam",
            "bob");
    assertEquals(new CliRun(0, line, ""), run);
    var request = broker.unarySubmits.get(broker.unarySubmits.size() - 1);
    assertEquals("eitaa", request.getPlatformId());
    assertEquals("salam bob", request.getEnvelope().getText().getBody());
    assertEquals(
        "bale:bob",
        request.getEnvelope().getRecipient().getPlatformId()
            + ":"
            + request.getEnvelope().getRecipient().getUserId());
  }

  @Test
  void aRefusalPrintsCodeAndMessageAndExitsOne() {
    broker.onUnarySubmit =
        request ->
            SubmitResult.newBuilder()
                .setRefused(
                    Error.newBuilder()
                        .setCode(ErrorCode.RECIPIENT_NOT_ACCEPTING)
                        .setMessage("the recipient does not accept this message"))
                .build();
    CliRun run = send(broker.port(), "--from", "eitaa:alice", "--to", "bale:bob", "salam");
    assertEquals(
        new CliRun(
            1, "refused RECIPIENT_NOT_ACCEPTING: the recipient does not accept this message", ""),
        run);
    assertTrue(
        broker
            .unarySubmits
            .get(broker.unarySubmits.size() - 1)
            .getEnvelope()
            .getMessageId()
            .startsWith("cli-"),
        "a generated message id");
  }

  @Test
  void anUnreachableBrokerExitsTwoAndSaysHowToStartOne() throws Exception {
    int closedPort = ScriptedBroker.closedPort();
    CliRun run =
        send(closedPort, "--from", "eitaa:alice", "--to", "bale:bob", "--timeout", "5", "salam");
    assertEquals(2, run.status());
    assertEquals("", run.out());
    assertTrue(run.err().contains("./peyvand dev"), run.err());
  }

  @Test
  void givenSeveralNodesItSubmitsToTheFirstThatCanBeReached() throws Exception {
    int closedPort = ScriptedBroker.closedPort();
    broker.onUnarySubmit = ScriptedBroker.unaryAccepted(4, false);
    int before = broker.unarySubmits.size();
    CliRun run =
        sendTo(
            "127.0.0.1:" + closedPort + ",127.0.0.1:" + broker.port(),
            "--from",
            "eitaa:alice",
            "--to",
            "bale:bob",
            "--message-id",
            "m-nodes",
            "salam");
    assertEquals(new CliRun(0, "accepted message_id=m-nodes sequence=4", ""), run);
    assertEquals(before + 1, broker.unarySubmits.size());
  }

  @Test
  void whenNoNodeCanBeReachedItNamesThemAll() throws Exception {
    int one;
    int two;
    try (ServerSocket a = new ServerSocket(0);
        ServerSocket b = new ServerSocket(0)) {
      one = a.getLocalPort();
      two = b.getLocalPort();
    }
    CliRun run =
        sendTo(
            "127.0.0.1:" + one + ",127.0.0.1:" + two,
            "--from",
            "eitaa:alice",
            "--to",
            "bale:bob",
            "--timeout",
            "5",
            "salam");
    assertEquals(2, run.status());
    assertTrue(run.err().contains("127.0.0.1:" + one + ",127.0.0.1:" + two), run.err());
  }

  @Test
  void aMalformedBrokerListIsAUsageError() {
    CliRun run = sendTo("127.0.0.1:1,", "--from", "eitaa:alice", "--to", "bale:bob", "salam");
    assertEquals(2, run.status());
    assertTrue(run.err().contains("--broker"), run.err());
  }

  @Test
  void aMalformedAddressIsAUsageError() {
    CliRun run = send(broker.port(), "--from", "alice", "--to", "bale:bob", "salam");
    assertEquals(2, run.status());
    assertTrue(run.err().contains("--from"), run.err());
  }
}
