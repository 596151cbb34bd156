package io.peyvand.broker.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.broker.mailbox.MailboxState.NotificationKey;
import io.peyvand.broker.model.Address;
import io.peyvand.broker.model.Content;
import io.peyvand.broker.model.Message;
import io.peyvand.broker.model.Status;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The mailbox's state alone, event by event: what is pending, what is owed to whom (the senders'
 * mailboxes or the senders' platforms' status streams), deduplication and its bounds, consent and
 * blocks, and the snapshot's round trip.
 */
class MailboxStateTest {
  private static final Address ALI = new Address("bale", "ali");
  private static final Address SARA = new Address("eitaa", "sara");
  private static final Address REZA = new Address("rubika", "reza");
  private static final MailboxState.Limits LIMITS =
      new MailboxState.Limits(Duration.ofMinutes(10), 3);
  private static final long T0 = 1_000_000;

  private final MailboxState state = new MailboxState(LIMITS);

  private static Message from(Address sender, String id) {
    return new Message(id, sender, ALI, T0, "", new Content.Text("salam"));
  }

  private void accept(long sequence, Address sender, String id, boolean byRecipient) {
    state.apply(
        new UserMailbox.MessageAccepted(sequence, from(sender, id), T0 + sequence, byRecipient));
  }

  @Test
  void anAcknowledgedMessageIsOwedDeliveredToItsSendersMailboxAndAReadOneRead() {
    accept(1, SARA, "m1", false);
    accept(2, REZA, "m2", false);
    assertEquals(List.of(1L, 2L), List.copyOf(state.pending().keySet()));
    assertTrue(state.hasWork());

    state.apply(new UserMailbox.ItemsAcknowledged(1, T0 + 10));
    assertEquals(List.of(2L), List.copyOf(state.pending().keySet()));
    assertEquals(1, state.acknowledgedUpTo());
    NotificationKey delivered = new NotificationKey(1, Status.Kind.DELIVERED);
    assertEquals(
        Map.of(delivered, new MailboxState.Notification(SARA, "m1", Status.Failure.NONE, T0 + 10)),
        state.outbox());

    state.apply(new UserMailbox.MessagesRead(1, T0 + 20));
    assertTrue(state.outbox().containsKey(new NotificationKey(1, Status.Kind.READ)));
    assertEquals(1, state.readUpTo());

    state.apply(
        new UserMailbox.NotificationsConfirmed(
            List.of(delivered, new NotificationKey(1, Status.Kind.READ))));
    assertTrue(state.outbox().isEmpty());
    assertTrue(state.hasWork(), "message 2 is still pending");
    state.apply(new UserMailbox.ItemsAcknowledged(2, T0 + 30));
    state.apply(
        new UserMailbox.NotificationsConfirmed(
            List.of(new NotificationKey(2, Status.Kind.DELIVERED))));
    assertFalse(state.hasWork());
  }

  @Test
  void statusesByRecipientGoToTheSendersPlatformsStreamNumberedForEver() {
    accept(1, SARA, "m1", true);
    accept(2, SARA, "m2", true);
    accept(3, REZA, "m3", false);
    state.apply(new UserMailbox.ItemsAcknowledged(3, T0 + 10));

    assertEquals(
        Set.of(new NotificationKey(3, Status.Kind.DELIVERED)),
        state.outbox().keySet(),
        "only the message without statuses by recipient");
    MailboxState.StatusStream eitaa = state.statusStreams().get("eitaa");
    assertEquals(2, eitaa.last());
    assertEquals(List.of(1L, 2L), List.copyOf(eitaa.owed().keySet()));
    assertEquals("m2", eitaa.owed().get(2L).notification().messageId());
    assertEquals(3, state.owedStatuses());

    state.apply(new UserMailbox.StatusesAcknowledged("eitaa", 2, T0 + 20));
    assertTrue(eitaa.owed().isEmpty());
    assertEquals(2, eitaa.acknowledgedUpTo());
    state.apply(new UserMailbox.MessagesRead(2, T0 + 30));
    assertEquals(
        List.of(3L, 4L), List.copyOf(eitaa.owed().keySet()), "READ statuses continue the count");
  }

  @Test
  void anExpiredMessageIsOwedFailedAndCanNoLongerBeRead() {
    accept(1, SARA, "m1", false);
    state.apply(new UserMailbox.ItemsExpired(1, T0 + 10));
    assertEquals(
        new MailboxState.Notification(SARA, "m1", Status.Failure.RETENTION_EXPIRED, T0 + 10),
        state.outbox().get(new NotificationKey(1, Status.Kind.FAILED)));
    state.apply(new UserMailbox.MessagesRead(1, T0 + 20));
    assertFalse(state.outbox().containsKey(new NotificationKey(1, Status.Kind.READ)));
  }

  @Test
  void duplicatesAreRememberedWithinTheWindowAndTheBound() {
    accept(1, SARA, "m1", false);
    assertEquals(
        Optional.of(new MailboxState.Accepted(1, T0 + 1)), state.acceptedMessage(SARA, "m1"));
    assertTrue(state.acceptedMessage(REZA, "m1").isEmpty(), "the id is the sender's");
    accept(2, SARA, "m2", false);
    accept(3, SARA, "m3", false);
    accept(4, SARA, "m4", false);
    assertTrue(state.acceptedMessage(SARA, "m1").isEmpty(), "beyond the bound of 3 entries");
    assertTrue(state.acceptedMessage(SARA, "m4").isPresent());
    long later = T0 + Duration.ofMinutes(11).toMillis();
    state.apply(new UserMailbox.MessageAccepted(5, from(REZA, "r1"), later, false));
    assertTrue(state.acceptedMessage(SARA, "m4").isEmpty(), "older than the 10-minute window");
    assertTrue(state.acceptedMessage(REZA, "r1").isPresent());
  }

  @Test
  void consentFollowsThePlatformsDefaultUntilTheUserSaysAndBlocksAlwaysWin() {
    assertTrue(state.accepts(SARA, true));
    assertFalse(state.accepts(SARA, false));
    state.apply(new UserMailbox.ConsentChanged(true));
    assertTrue(state.accepts(SARA, false), "the user's own choice wins over the default");
    state.apply(new UserMailbox.SenderBlockChanged(SARA, true));
    assertFalse(state.accepts(SARA, true));
    assertTrue(state.accepts(REZA, true));
    assertEquals(1, state.blockedCount());
    state.apply(new UserMailbox.SenderBlockChanged(SARA, false));
    assertTrue(state.accepts(SARA, true));
  }

  @Test
  void aSnapshotRestoresAStateThatBehavesAlike() {
    accept(1, SARA, "m1", true);
    accept(2, REZA, "m2", false);
    state.apply(new UserMailbox.ItemsAcknowledged(1, T0 + 10));
    state.apply(new UserMailbox.SenderBlockChanged(REZA, true));
    MailboxState restored = MailboxState.fromSnapshot(LIMITS, state.toSnapshot());
    assertEquals(state.toSnapshot(), restored.toSnapshot());

    for (MailboxState s : List.of(state, restored)) {
      s.apply(new UserMailbox.ItemsAcknowledged(2, T0 + 20));
      s.apply(new UserMailbox.MessagesRead(2, T0 + 30));
    }
    assertEquals(state.toSnapshot(), restored.toSnapshot());
    assertEquals(2, restored.statusStreams().get("eitaa").last(), "m1's DELIVERED and READ");
  }

  @Test
  void aRememberedIdIsAnotherSendersUntilTheAskerHasOneOfItsOwnOrItIsForgotten() {
    Address soroush = new Address("soroush", "sima");
    accept(1, SARA, "m1", false);
    assertTrue(state.rememberedOnlyFromOthers(REZA, "m1"), "Sara's message, not Reza's");
    assertFalse(state.rememberedOnlyFromOthers(SARA, "m1"), "Sara's own");
    assertFalse(state.rememberedOnlyFromOthers(REZA, "never-sent"), "nobody's that is known");
    accept(2, REZA, "m1", false);
    assertFalse(state.rememberedOnlyFromOthers(REZA, "m1"), "now Reza has an m1 of his own too");
    assertTrue(state.rememberedOnlyFromOthers(soroush, "m1"));

    MailboxState restored = MailboxState.fromSnapshot(LIMITS, state.toSnapshot());
    assertTrue(restored.rememberedOnlyFromOthers(soroush, "m1"), "known again from a snapshot");
    assertFalse(restored.rememberedOnlyFromOthers(REZA, "m1"));

    // The bound is 3 entries: Sara's m1 goes first, then Reza's.
    accept(3, SARA, "m3", false);
    accept(4, SARA, "m4", false);
    assertTrue(state.rememberedOnlyFromOthers(SARA, "m1"), "only Reza's m1 is remembered");
    assertFalse(state.rememberedOnlyFromOthers(REZA, "m1"));
    accept(5, SARA, "m5", false);
    assertFalse(state.rememberedOnlyFromOthers(SARA, "m1"), "no m1 remembered at all");
    assertFalse(state.rememberedOnlyFromOthers(soroush, "m1"));
  }
}
