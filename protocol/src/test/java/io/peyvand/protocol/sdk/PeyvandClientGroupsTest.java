package io.peyvand.protocol.sdk;

import static io.peyvand.protocol.sdk.Waits.await;
import static io.peyvand.protocol.sdk.Waits.connected;
import static io.peyvand.protocol.sdk.Waits.eventually;
import static io.peyvand.protocol.sdk.Waits.failureOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.peyvand.protocol.sdk.SubmitOutcome.Accepted;
import io.peyvand.protocol.v1.ChangeMembersRequest;
import io.peyvand.protocol.v1.CreateGroupRequest;
import io.peyvand.protocol.v1.Delivery;
import io.peyvand.protocol.v1.Envelope;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.GroupAddress;
import io.peyvand.protocol.v1.GroupDelivery;
import io.peyvand.protocol.v1.GroupInfo;
import io.peyvand.protocol.v1.GroupKind;
import io.peyvand.protocol.v1.HistoryRequest;
import io.peyvand.protocol.v1.JoinRequest;
import io.peyvand.protocol.v1.MemberChange;
import io.peyvand.protocol.v1.MembershipChange;
import io.peyvand.protocol.v1.Text;
import io.peyvand.protocol.v1.UserAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The client's group side against a real pekko-grpc server on loopback with scripted broker
 * behaviour: GroupDelivery frames handed over and acknowledged per group, the Groups calls checked
 * before sending and their refusals mapped back to error codes, posts through submit.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PeyvandClientGroupsTest {
  private static final UserAddress BOB = UserAddresses.parse("bale:bob");
  private static final UserAddress ALICE = UserAddresses.parse("eitaa:alice");
  private static final GroupAddress FAMILY =
      GroupAddress.newBuilder().setPlatformId("eitaa").setGroupId("family").build();
  private static final GroupAddress NEWS =
      GroupAddress.newBuilder().setPlatformId("bale").setGroupId("news").build();

  /** A group whose text form is that of the user bale:bob: a stream of its own all the same. */
  private static final GroupAddress BOB_THE_GROUP =
      GroupAddress.newBuilder().setPlatformId("bale").setGroupId("bob").build();

  @RegisterExtension final ScriptedBroker broker = ScriptedBroker.perClass("client-groups-test");

  private PeyvandClientBuilder client(DeliveryHandler handler) {
    return broker.client("client-groups-test", handler);
  }

  // group deliveries

  @Test
  void groupDeliveriesAreHandledOnceAndAcknowledgedCumulativelyPerGroup() throws Exception {
    List<GroupDelivery> handled = new CopyOnWriteArrayList<>();
    List<Delivery> direct = new CopyOnWriteArrayList<>();
    try (PeyvandClient client = connected(client(DeliveryHandler.of(direct::add, handled::add)))) {
      broker.push(ScriptedBroker.post(FAMILY, 1, false, "one"));
      broker.push(ScriptedBroker.post(FAMILY, 2, false, "two"));
      broker.push(
          GroupDelivery.newBuilder()
              .setGroup(FAMILY)
              .setSequence(3)
              .setChange(
                  MembershipChange.newBuilder().setUser(BOB).setKind(MembershipChange.Kind.JOINED))
              .build());
      broker.push(
          ScriptedBroker.post(NEWS, 8, false, "first seen at 8").toBuilder()
              .setAcknowledgedUpTo(7)
              .build());
      eventually("family acknowledged up to 3", () -> broker.acksOf(FAMILY).contains(3L));
      eventually("news acknowledged up to 8", () -> broker.acksOf(NEWS).contains(8L));
      assertEquals(
          List.of(1L, 2L, 3L, 8L),
          handled.stream().map(GroupDelivery::getSequence).sorted().toList());
      List<Long> familyAcks = broker.acksOf(FAMILY);
      assertEquals(
          familyAcks.stream().sorted().distinct().toList(),
          familyAcks,
          "cumulative: each acknowledgement higher than the last");
      assertEquals(List.of(), direct);
      assertEquals(List.of(), broker.acks, "no Acknowledge frame for a group");
    }
  }

  @Test
  void aGroupAndAMailboxOfTheSameTextFormAreAcknowledgedApart() throws Exception {
    try (PeyvandClient client = connected(client(DeliveryHandler.of(d -> {}, g -> {})))) {
      broker.push(
          ScriptedBroker.post(BOB_THE_GROUP, 5, false, "to the group").toBuilder()
              .setAcknowledgedUpTo(4)
              .build());
      broker.push(ScriptedBroker.message(BOB, 1, false, "to the user"));
      eventually(
          "both acknowledged",
          () -> broker.acksOf(BOB_THE_GROUP).contains(5L) && broker.acksOf(BOB).contains(1L));
      assertEquals(List.of(1L), broker.acksOf(BOB), "the user's mailbox is not at 5");
    }
  }

  @Test
  void aRedeliveryOfAHandledItemIsAcknowledgedAgainButNotHandedOverAgain() throws Exception {
    List<GroupDelivery> handled = new CopyOnWriteArrayList<>();
    try (PeyvandClient client = connected(client(DeliveryHandler.of(d -> {}, handled::add)))) {
      broker.push(ScriptedBroker.post(FAMILY, 1, false, "once"));
      eventually("acknowledged", () -> broker.acksOf(FAMILY).equals(List.of(1L)));
      broker.push(ScriptedBroker.post(FAMILY, 1, true, "once"));
      eventually("acknowledged again", () -> broker.acksOf(FAMILY).equals(List.of(1L, 1L)));
      assertEquals(1, handled.size());
    }
  }

  @Test
  void aFailedItemIsHandedOverAgainFlaggedWhenRedeliveredThenAcknowledged() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    List<Boolean> flags = new CopyOnWriteArrayList<>();
    DeliveryHandler handler =
        DeliveryHandler.withGroups(
            delivery -> CompletableFuture.completedFuture(null),
            delivery -> {
              flags.add(delivery.getRedelivery());
              return calls.incrementAndGet() == 1
                  ? CompletableFuture.failedFuture(new IllegalStateException("storage down"))
                  : CompletableFuture.completedFuture(null);
            });
    try (PeyvandClient client = connected(client(handler))) {
      broker.push(ScriptedBroker.post(FAMILY, 1, false, "fails first"));
      eventually("handled once", () -> calls.get() == 1);
      Thread.sleep(150);
      assertEquals(List.of(), broker.acksOf(FAMILY));
      broker.push(ScriptedBroker.post(FAMILY, 1, true, "fails first"));
      eventually(
          "acknowledged after the redelivery", () -> broker.acksOf(FAMILY).equals(List.of(1L)));
      assertEquals(List.of(false, true), flags, "the repeat is handed over flagged");
    }
  }

  @Test
  void anAdapterWrittenBeforeGroupsLeavesGroupItemsUnacknowledged() throws Exception {
    List<Delivery> handled = new CopyOnWriteArrayList<>();
    // A lambda: the handler of an adapter that knows nothing of groups.
    DeliveryHandler oldAdapter =
        delivery -> {
          handled.add(delivery);
          return CompletableFuture.completedFuture(null);
        };
    try (PeyvandClient client = connected(client(oldAdapter))) {
      broker.push(ScriptedBroker.post(FAMILY, 1, false, "not for an old adapter"));
      broker.push(ScriptedBroker.message(BOB, 1, false, "direct"));
      eventually("the direct message acknowledged", () -> broker.acksOf(BOB).contains(1L));
      Thread.sleep(150);
      assertEquals(1, handled.size());
      assertEquals(List.of(), broker.groupAcks, "a group item it cannot store is not lost");
    }
  }

  @Test
  void withoutAutomaticAcknowledgementTheAdapterAcknowledgesAGroupItself() throws Exception {
    List<GroupDelivery> handled = new CopyOnWriteArrayList<>();
    try (PeyvandClient client =
        connected(client(DeliveryHandler.of(d -> {}, handled::add)).autoAcknowledge(false))) {
      broker.push(ScriptedBroker.post(FAMILY, 5, false, "ack me yourself"));
      eventually("handled", () -> handled.size() == 1);
      Thread.sleep(100);
      assertEquals(List.of(), broker.groupAcks);
      client.acknowledge(FAMILY, 5);
      eventually("acknowledged", () -> broker.acksOf(FAMILY).equals(List.of(5L)));
    }
  }

  // posts

  @Test
  void aPostIsSubmittedAsAnEnvelopeWithItsGroupAndAnsweredWithTheGroupsSequence() throws Exception {
    broker.onSubmit = submit -> ScriptedBroker.accepted(submit, 42);
    try (PeyvandClient client = connected(client(delivery -> null))) {
      Envelope post =
          Envelope.newBuilder()
              .setMessageId("post-1")
              .setSender(BOB)
              .setGroup(FAMILY)
              .setClientTimestampMs(System.currentTimeMillis())
              .setText(Text.newBuilder().setBody("salam all"))
              .build();
      assertEquals(new Accepted("post-1", 42, 1, false), await(client.submit(post)));
      Envelope sent = broker.submits.get(0).getEnvelope();
      assertEquals(FAMILY, sent.getGroup());
      assertFalse(sent.hasRecipient());
    }
  }

  // group calls

  @Test
  void createGroupIsSentAndAnsweredWithTheGroupsInfoWithoutASession() throws Exception {
    CreateGroupRequest request =
        CreateGroupRequest.newBuilder()
            .setGroup(NEWS)
            .setActor(BOB)
            .setTitle("Bale news")
            .setKind(GroupKind.CHANNEL)
            .setOpen(true)
            .build();
    broker.onGroupCall =
        call ->
            CompletableFuture.completedFuture(
                GroupInfo.newBuilder()
                    .setGroup(NEWS)
                    .setKind(GroupKind.CHANNEL)
                    .setTitle("Bale news")
                    .setOwner(BOB)
                    .build());
    try (PeyvandClient client = client(delivery -> null).build()) {
      GroupInfo info = await(client.createGroup(request));
      assertEquals("Bale news", info.getTitle());
      assertEquals(List.of(request), broker.groupCalls);
      assertEquals(0, broker.hellos.size(), "a unary call needs no session");
    }
  }

  @Test
  void everyOperationReachesTheBrokerAsItsRequest() throws Exception {
    try (PeyvandClient client = connected(client(delivery -> null))) {
      await(client.join(FAMILY, BOB));
      await(client.leave(FAMILY, BOB));
      await(client.setTitle(NEWS, BOB, "Renamed"));
      await(client.getGroup(FAMILY));
      await(
          client.history(
              HistoryRequest.newBuilder().setGroup(FAMILY).setUser(BOB).setLimit(50).build()));
      assertEquals(
          List.of(
              "JoinRequest",
              "LeaveRequest",
              "SetTitleRequest",
              "GetGroupRequest",
              "HistoryRequest"),
          broker.groupCalls.stream().map(m -> m.getDescriptorForType().getName()).toList());
      assertEquals(
          JoinRequest.newBuilder().setGroup(FAMILY).setUser(BOB).build(), broker.groupCalls.get(0));
    }
  }

  @Test
  void anInvalidRequestIsRefusedBeforeSendingNamingTheField() throws Exception {
    ChangeMembersRequest.Builder request =
        ChangeMembersRequest.newBuilder().setGroup(NEWS).setActor(BOB);
    for (int i = 0; i < 1001; i++) {
      request.addChanges(
          MemberChange.newBuilder()
              .setUser(UserAddresses.parse("bale:u" + i))
              .setOp(MemberChange.Op.ADD));
    }
    try (PeyvandClient client = client(delivery -> null).build()) {
      CallRefusedException refused =
          assertInstanceOf(
              CallRefusedException.class, failureOf(client.changeMembers(request.build())));
      assertTrue(refused.local());
      assertEquals(ErrorCode.INVALID_ARGUMENT, refused.code());
      assertTrue(refused.getMessage().contains("changes has 1001 entries"), refused.getMessage());
      assertEquals(List.of(), broker.groupCalls, "nothing was sent");
    }
  }

  @Test
  void actingForAUserOfAnotherPlatformIsRefusedBeforeSending() throws Exception {
    try (PeyvandClient client = client(delivery -> null).build()) {
      CallRefusedException refused =
          assertInstanceOf(CallRefusedException.class, failureOf(client.join(FAMILY, ALICE)));
      assertEquals(ErrorCode.NOT_PERMITTED, refused.code());
      assertTrue(
          refused.error().getMessage().contains("user.platform_id is \"eitaa\""),
          refused.error().getMessage());
      assertEquals(List.of(), broker.groupCalls);
    }
  }

  @Test
  void aRefusalByTheBrokerCarriesItsErrorCodeAndMessage() throws Exception {
    broker.onGroupCall =
        call -> ScriptedBroker.groupRefusal(ErrorCode.UNKNOWN_GROUP, "eitaa:family does not exist");
    try (PeyvandClient client = client(delivery -> null).build()) {
      CallRefusedException refused =
          assertInstanceOf(CallRefusedException.class, failureOf(client.getGroup(FAMILY)));
      assertFalse(refused.local());
      assertEquals(ErrorCode.UNKNOWN_GROUP, refused.code());
      assertEquals("eitaa:family does not exist", refused.error().getMessage());
      assertFalse(refused.retryable());
      assertEquals(
          Status.Code.NOT_FOUND,
          ((StatusRuntimeException) refused.getCause()).getStatus().getCode());
    }
  }

  @Test
  void anUnansweredCallFailsAtTheCallTimeoutAndTheSessionLivesOn() throws Exception {
    broker.onGroupCall = call -> new CompletableFuture<>();
    List<Delivery> handled = new CopyOnWriteArrayList<>();
    try (PeyvandClient client =
        connected(client(DeliveryHandler.of(handled::add)).callTimeout(Duration.ofMillis(300)))) {
      StatusRuntimeException timedOut =
          assertInstanceOf(StatusRuntimeException.class, failureOf(client.getGroup(FAMILY)));
      assertEquals(Status.Code.DEADLINE_EXCEEDED, timedOut.getStatus().getCode());
      Thread.sleep(500); // the session is older than the call-timeout now
      broker.push(ScriptedBroker.message(BOB, 1, false, "still here"));
      eventually("delivered on the same session", () -> handled.size() == 1);
      assertTrue(client.isConnected());
      assertEquals(1, broker.hellos.size(), "the session has no deadline: never reopened");
    }
  }
}
