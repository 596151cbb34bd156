package io.peyvand.protocol.sdk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.protocol.sdk.ScriptedBroker;
import io.peyvand.protocol.v1.Accepted;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.SubmitResult;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code send} against a scripted broker: the line it prints and its exit status. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SendCommandTest {
  @RegisterExtension final ScriptedBroker broker = ScriptedBroker.perClass("send-test");

  private record Run(int status, String out, String err) {}

  private static Run send(int port, String... args) {
    return sendTo("127.0.0.1:" + port, args);
  }

  private static Run sendTo(String brokers, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] all = new String[args.length + 3];
    all[0] = "send";
    all[1] = "--broker";
    all[2] = brokers;
    System.arraycopy(args, 0, all, 3, args.length);
    int status =
        Cli.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(all);
    return new Run(status, out.toString().strip(), err.toString().strip());
  }

  @Test
  void anAcceptedMessagePrintsItsSequenceAndExitsZero() {
    broker.onUnarySubmit =
        request ->
            SubmitResult.newBuilder()
                .setMessageId(request.getEnvelope().getMessageId())
                .setAccepted(Accepted.newBuilder().setSequence(12))
                .build();
    Run run =
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
    assertEquals(new Run(0, "accepted message_id=m-1 sequence=12", ""), run);
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
  void aDuplicatePrintsTheOriginalSequenceAndExitsZero() {
    broker.onUnarySubmit =
        request ->
            SubmitResult.newBuilder()
                .setMessageId(request.getEnvelope().getMessageId())
                .setDuplicate(Accepted.newBuilder().setSequence(12))
                .build();
    Run run =
        send(
            broker.port(),
            "--from",
            "eitaa:alice",
            "--to",
            "bale:bob",
            "--message-id",
            "m-1",
            "salam");
    assertEquals(new Run(0, "duplicate message_id=m-1 sequence=12", ""), run);
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
    Run run = send(broker.port(), "--from", "eitaa:alice", "--to", "bale:bob", "salam");
    assertEquals(
        new Run(
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
    Run run =
        send(closedPort, "--from", "eitaa:alice", "--to", "bale:bob", "--timeout", "5", "salam");
    assertEquals(2, run.status());
    assertEquals("", run.out());
    assertTrue(run.err().contains("./peyvand dev"), run.err());
  }

  @Test
  void givenSeveralNodesItSubmitsToTheFirstThatCanBeReached() throws Exception {
    int closedPort = ScriptedBroker.closedPort();
    broker.onUnarySubmit =
        request ->
            SubmitResult.newBuilder()
                .setMessageId(request.getEnvelope().getMessageId())
                .setAccepted(Accepted.newBuilder().setSequence(4))
                .build();
    int before = broker.unarySubmits.size();
    Run run =
        sendTo(
            "127.0.0.1:" + closedPort + ",127.0.0.1:" + broker.port(),
            "--from",
            "eitaa:alice",
            "--to",
            "bale:bob",
            "--message-id",
            "m-nodes",
            "salam");
    assertEquals(new Run(0, "accepted message_id=m-nodes sequence=4", ""), run);
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
    Run run =
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
    Run run = sendTo("127.0.0.1:1,", "--from", "eitaa:alice", "--to", "bale:bob", "salam");
    assertEquals(2, run.status());
    assertTrue(run.err().contains("--broker"), run.err());
  }

  @Test
  void aMalformedAddressIsAUsageError() {
    Run run = send(broker.port(), "--from", "alice", "--to", "bale:bob", "salam");
    assertEquals(2, run.status());
    assertTrue(run.err().contains("--from"), run.err());
  }
}
