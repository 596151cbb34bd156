package io.peyvand.protocol.sdk.cli;

import static io.peyvand.protocol.sdk.Waits.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.protocol.sdk.ScriptedBroker;
import io.peyvand.protocol.sdk.UserAddresses;
import io.peyvand.protocol.v1.Delivery;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.GroupAddress;
import io.peyvand.protocol.v1.GroupDelivery;
import io.peyvand.protocol.v1.MembershipChange;
import io.peyvand.protocol.v1.MessageStatus;
import io.peyvand.protocol.v1.UserAddress;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code listen} against a scripted broker, stopped by interrupting it as Ctrl-C would. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ListenCommandTest {
  private static final UserAddress BOB = UserAddresses.parse("bale:bob");

  @RegisterExtension final ScriptedBroker broker = ScriptedBroker.perClass("listen-test");

  /** A running {@code listen}; {@link #stop()} interrupts it and returns its exit status. */
  private final class Listening {
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    final AtomicInteger status = new AtomicInteger(-1);
    final Thread thread;

    Listening(String... options) {
      this("127.0.0.1:" + broker.port(), options);
    }

    /** Listening with {@code --broker brokers}. */
    Listening(String brokers, String[] options) {
      String[] args = new String[options.length + 5];
      args[0] = "listen";
      args[1] = "--broker";
      args[2] = brokers;
      args[3] = "--platform";
      args[4] = "bale";
      System.arraycopy(options, 0, args, 5, options.length);
      thread =
          new Thread(
              () ->
                  status.set(
                      Cli.commandLine()
                          .setOut(new PrintWriter(out))
                          .setErr(new PrintWriter(err))
                          .execute(args)),
              "listen-under-test");
      thread.start();
    }

    int stop() throws InterruptedException {
      thread.interrupt();
      thread.join(10_000);
      return status.get();
    }
  }

  @Test
  void givenSeveralNodesItListensOnTheFirstThatCanBeReached() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    Listening listen =
        new Listening("127.0.0.1:" + closedPort + ",127.0.0.1:" + broker.port(), new String[0]);
    eventually(
        () -> "listening: " + listen.err,
        () ->
            listen
                .err
                .toString()
                .contains("listening for bale deliveries at 127.0.0.1:" + broker.port() + " "));
    assertTrue(
        listen.err.toString().contains("connected to 127.0.0.1:" + broker.port()),
        listen.err.toString());
    UserAddress dave = UserAddresses.parse("bale:dave");
    broker.push(ScriptedBroker.message(dave, 1, false, "via the second node"));
    eventually("acknowledged", () -> broker.acksOf(dave).contains(1L));
    assertEquals(0, listen.stop());
    assertEquals(
        List.of("bale:dave #1 from eitaa:alice: via the second node"),
        listen.out.toString().lines().toList());
  }

  @Test
  void printsEachDeliveryOnOneLineAndAcknowledgesIt() throws Exception {
    Listening listen = new Listening();
    eventually("listening", () -> listen.err.toString().contains("listening for bale"));
    broker.push(ScriptedBroker.message(BOB, 12, false, "salam"));
    broker.push(
        Delivery.newBuilder()
            .setMailbox(BOB)
            .setSequence(13)
            .setAcknowledgedUpTo(12)
            .setStatus(
                MessageStatus.newBuilder()
                    .setMessageId("m-123")
                    .setRecipient(UserAddresses.parse("eitaa:alice"))
                    .setKind(MessageStatus.Kind.DELIVERED))
            .build());
    eventually("acknowledged", () -> broker.acksOf(BOB).contains(13L));
    assertEquals(0, listen.stop());
    assertEquals(
        List.of(
            "bale:bob #12 from eitaa:alice: salam",
            "bale:bob #13 status DELIVERED of message m-123 to eitaa:alice"),
        listen.out.toString().lines().toList());
  }

  @Test
  void printsGroupDeliveriesWithGroupSequenceAndItemAndAcknowledgesThemPerGroup() throws Exception {
    GroupAddress family =
        GroupAddress.newBuilder().setPlatformId("eitaa").setGroupId("family").build();
    Listening listen = new Listening();
    eventually("listening", () -> listen.err.toString().contains("listening for bale"));
    broker.push(
        ScriptedBroker.post(family, 7, false, "salam all").toBuilder()
            .setAcknowledgedUpTo(6)
            .build());
    eventually("first acknowledged", () -> broker.acksOf(family).contains(7L));
    broker.push(
        GroupDelivery.newBuilder()
            .setGroup(family)
            .setSequence(8)
            .setAcknowledgedUpTo(7)
            .setChange(
                MembershipChange.newBuilder()
                    .setActor(UserAddresses.parse("eitaa:alice"))
                    .setUser(BOB)
                    .setKind(MembershipChange.Kind.REMOVED))
            .build());
    eventually("acknowledged", () -> broker.acksOf(family).contains(8L));
    broker.push(ScriptedBroker.post(family, 8, true, "ignored: already handled"));
    eventually("acknowledged again", () -> broker.acksOf(family).size() == 3);
    assertEquals(0, listen.stop());
    assertEquals(
        List.of(
            "eitaa:family #7 post from eitaa:alice: salam all",
            "eitaa:family #8 REMOVED bale:bob by eitaa:alice"),
        listen.out.toString().lines().toList());
    assertEquals(List.of(), broker.acks, "no mailbox acknowledgement for a group");
  }

  @Test
  void withoutAcknowledgementGroupRedeliveriesArePrintedFlagged() throws Exception {
    GroupAddress family =
        GroupAddress.newBuilder().setPlatformId("eitaa").setGroupId("family").build();
    Listening listen = new Listening("--no-ack");
    eventually("listening", () -> listen.err.toString().contains("acknowledging nothing"));
    broker.push(ScriptedBroker.post(family, 1, false, "hi"));
    broker.push(ScriptedBroker.post(family, 1, true, "hi"));
    eventually("both printed", () -> listen.out.toString().lines().count() == 2);
    Thread.sleep(100);
    assertEquals(0, listen.stop());
    assertEquals(
        List.of(
            "eitaa:family #1 post from eitaa:alice: hi",
            "eitaa:family #1 post from eitaa:alice: hi (redelivery)"),
        listen.out.toString().lines().toList());
    assertEquals(List.of(), broker.groupAcks);
  }

  @Test
  void withoutAcknowledgementRedeliveriesArePrintedAndNothingIsAcknowledged() throws Exception {
    Listening listen = new Listening("--no-ack");
    eventually("listening", () -> listen.err.toString().contains("acknowledging nothing"));
    broker.push(ScriptedBroker.message(BOB, 1, false, "hi"));
    broker.push(ScriptedBroker.message(BOB, 1, true, "hi"));
    eventually("both printed", () -> listen.out.toString().lines().count() == 2);
    Thread.sleep(100);
    assertEquals(0, listen.stop());
    assertEquals(
        List.of(
            "bale:bob #1 from eitaa:alice: hi", "bale:bob #1 from eitaa:alice: hi (redelivery)"),
        listen.out.toString().lines().toList());
    assertEquals(List.of(), broker.acks);
  }

  @Test
  void aRefusedSessionExitsOneWithTheBrokersReason() throws Exception {
    broker.refuseHello =
        Error.newBuilder()
            .setCode(ErrorCode.UNKNOWN_PLATFORM)
            .setMessage("bale is not registered")
            .build();
    Listening listen = new Listening();
    listen.thread.join(10_000);
    assertEquals(1, listen.status.get());
    assertTrue(
        listen.err.toString().contains("UNKNOWN_PLATFORM: bale is not registered"),
        listen.err.toString());
  }
}
