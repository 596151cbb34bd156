package io.peyvand.broker.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.broker.delivery.Deliver;
import io.peyvand.broker.model.Address;
import io.peyvand.broker.model.Message;
import io.peyvand.broker.model.Status;
import io.peyvand.broker.model.StatusNotice;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Statuses by recipient (PROTOCOL.md §6.3, docs/DELIVERY-PATH.md step 4): a message accepted for a
 * sender's platform that declared the capability owes its statuses to that platform directly, as
 * items of the recipient mailbox's status stream for it. The mailboxes here never tick
 * (tick-interval of an hour), so what is stored is only what a command or the flush wrote.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StatusesByRecipientTest {
  private final MailboxKit kit =
      new MailboxKit("StatusesByRecipientTest", "peyvand.mailbox.status-flush-after = 50ms");
  private final TestProbe<Deliver> bale = kit.bale;
  private final TestProbe<Deliver> eitaa = kit.eitaa;

  @AfterAll
  void stop() {
    kit.close();
  }

  private UserMailbox.Outcome ackStatuses(
      ActorRef<UserMailbox.Command> mailbox, String platform, long upTo) {
    TestProbe<UserMailbox.Outcome> reply = kit.testKit.createTestProbe();
    mailbox.tell(new UserMailbox.AcknowledgeStatuses(platform, upTo, reply.ref()));
    return reply.receiveMessage(MailboxKit.WAIT);
  }

  /** Nothing of {@code stream} reaches {@code session} within 300 ms; others are ignored. */
  /**
   * {@code mailbox} accepts {@code message} (statuses by recipient or not), pushes it to Bale's
   * session and has it acknowledged there: the recipient's side of one message.
   */
  private void deliveredAndAcknowledged(
      ActorRef<UserMailbox.Command> mailbox, Message message, boolean byRecipient) {
    kit.accept(mailbox, message, byRecipient);
    kit.next(bale, Deliver.Stream.mailbox(message.recipient()));
    kit.ack(mailbox, 1);
  }

  private static void expectNone(TestProbe<Deliver> session, Deliver.Stream stream) {
    long deadline = System.nanoTime() + Duration.ofMillis(300).toNanos();
    for (long left = 300_000_000; left > 0; left = deadline - System.nanoTime()) {
      Deliver pushed;
      try {
        pushed = session.receiveMessage(Duration.ofNanos(left));
      } catch (AssertionError timeout) {
        return;
      }
      assertFalse(pushed.stream().equals(stream), "pushed: " + pushed);
    }
  }

  @Test
  void statusesComeFromTheRecipientsMailboxOnceTheAcknowledgementIsStored() {
    Address alice = new Address("eitaa", "alice-1");
    Address bob = new Address("bale", "bob-1");
    ActorRef<UserMailbox.Command> mailbox = kit.spawn(bob);
    Message first = kit.text(alice, bob);
    Message second = kit.text(alice, bob);
    kit.accept(mailbox, first, true);
    kit.accept(mailbox, second, true);
    kit.next(bale, Deliver.Stream.mailbox(bob));
    kit.next(bale, Deliver.Stream.mailbox(bob));

    kit.ack(mailbox, 2);
    Deliver delivered = kit.next(eitaa, Deliver.Stream.statuses(bob));
    // Pushed only once the acknowledgement that numbered it is stored (within the flush delay).
    assertTrue(
        kit.stored(bob).stream()
            .anyMatch(e -> e instanceof UserMailbox.ItemsAcknowledged a && a.upToSequence() == 2),
        kit.stored(bob).toString());
    assertEquals(1, delivered.sequence());
    assertFalse(delivered.redelivery());
    StatusNotice notice = (StatusNotice) delivered.item();
    assertEquals(alice, notice.sender());
    assertEquals(
        new Status(
            first.messageId(),
            bob,
            Status.Kind.DELIVERED,
            Status.Failure.NONE,
            1,
            notice.status().atMs()),
        notice.status());
    Deliver next = kit.next(eitaa, Deliver.Stream.statuses(bob));
    assertEquals(2, next.sequence());
    assertEquals(second.messageId(), ((StatusNotice) next.item()).status().messageId());

    // A read receipt owes READ statuses: the stream goes on.
    TestProbe<UserMailbox.Outcome> read = kit.testKit.createTestProbe();
    mailbox.tell(new UserMailbox.MarkRead("bale", 1, read.ref()));
    assertEquals(new UserMailbox.Done(1), read.receiveMessage(MailboxKit.WAIT));
    Deliver readStatus = kit.next(eitaa, Deliver.Stream.statuses(bob));
    assertEquals(3, readStatus.sequence());
    assertEquals(Status.Kind.READ, ((StatusNotice) readStatus.item()).status().kind());

    // The sender's mailbox took no part: nothing stored, nothing pushed from it.
    assertEquals(List.of(), kit.stored(alice));
    expectNone(eitaa, Deliver.Stream.mailbox(alice));
    kit.testKit.stop(mailbox);
  }

  @Test
  void messagesOfPlatformsWithoutTheCapabilityKeepTheirStatusesInTheSendersMailbox() {
    Address alice = new Address("eitaa", "alice-2");
    Address bob = new Address("bale", "bob-2");
    ActorRef<UserMailbox.Command> mailbox = kit.spawn(bob);
    Message message = kit.text(alice, bob);
    deliveredAndAcknowledged(mailbox, message, false);
    Deliver status = kit.next(eitaa, Deliver.Stream.mailbox(alice));
    assertEquals(1, status.sequence(), "the sender's mailbox stored and pushed it");
    assertTrue(kit.stored(alice).stream().anyMatch(e -> e instanceof UserMailbox.StatusAccepted));
    kit.testKit.stop(mailbox);
  }

  @Test
  void statusAcknowledgementsAreStoredLaterAndAStopRedeliversTheStatusesFlaggedInPlace() {
    Address alice = new Address("eitaa", "alice-3");
    Address bob = new Address("bale", "bob-3");
    ActorRef<UserMailbox.Command> mailbox = kit.spawn(bob);
    Message message = kit.text(alice, bob);
    deliveredAndAcknowledged(mailbox, message, true);
    assertEquals(1, kit.next(eitaa, Deliver.Stream.statuses(bob)).sequence());
    assertEquals(new UserMailbox.Done(1), ackStatuses(mailbox, "eitaa", 1));
    assertFalse(
        kit.stored(bob).stream().anyMatch(e -> e instanceof UserMailbox.StatusesAcknowledged),
        "taken at once, stored with the next write");

    // A crash before the next write: the status comes again, flagged, at the same position.
    kit.testKit.stop(mailbox);
    ActorRef<UserMailbox.Command> again = kit.spawn(bob);
    again.tell(UserMailbox.WakeUp.INSTANCE);
    Deliver repeated = kit.next(eitaa, Deliver.Stream.statuses(bob));
    assertEquals(1, repeated.sequence());
    assertTrue(repeated.redelivery());
    assertEquals(message.messageId(), ((StatusNotice) repeated.item()).status().messageId());

    assertEquals(new UserMailbox.Done(1), ackStatuses(again, "eitaa", 1));
    again.tell(UserMailbox.Passivate.INSTANCE);
    kit.testKit.createTestProbe().expectTerminated(again, MailboxKit.WAIT);
    assertTrue(
        kit.stored(bob).stream()
            .anyMatch(
                e ->
                    e instanceof UserMailbox.StatusesAcknowledged a
                        && a.platformId().equals("eitaa")
                        && a.upToSequence() == 1),
        kit.stored(bob).toString());

    // Drained: woken again, it pushes nothing more.
    ActorRef<UserMailbox.Command> third = kit.spawn(bob);
    third.tell(UserMailbox.WakeUp.INSTANCE);
    expectNone(eitaa, Deliver.Stream.statuses(bob));
    // A repeated acknowledgement (the platform's own lost its answer) is taken, not refused,
    // though this incarnation pushed nothing of the stream.
    assertEquals(new UserMailbox.Done(1), ackStatuses(third, "eitaa", 1));
    kit.testKit.stop(third);
  }

  @Test
  void aStatusAcknowledgementBeyondWhatWasSentIsRefused() {
    Address alice = new Address("eitaa", "alice-4");
    Address bob = new Address("bale", "bob-4");
    ActorRef<UserMailbox.Command> mailbox = kit.spawn(bob);
    UserMailbox.Refused none =
        assertInstanceOf(UserMailbox.Refused.class, ackStatuses(mailbox, "eitaa", 1));
    assertEquals(Refusal.UNKNOWN_SEQUENCE, none.reason());
    deliveredAndAcknowledged(mailbox, kit.text(alice, bob), true);
    kit.next(eitaa, Deliver.Stream.statuses(bob));
    UserMailbox.Refused beyond =
        assertInstanceOf(UserMailbox.Refused.class, ackStatuses(mailbox, "eitaa", 2));
    assertTrue(beyond.message().contains("the highest sent is 1"), beyond.message());
    // Another platform has no stream here: nothing of eitaa's can be acknowledged by it.
    assertInstanceOf(UserMailbox.Refused.class, ackStatuses(mailbox, "soroush", 1));
    kit.testKit.stop(mailbox);
  }
}
