package io.peyvand.broker.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.broker.delivery.Deliver;
import io.peyvand.broker.model.Address;
import io.peyvand.broker.model.MailboxItem;
import io.peyvand.broker.model.Message;
import io.peyvand.broker.model.Status;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Acknowledgements are taken at once and stored with the mailbox's next write (PROTOCOL.md §5.4,
 * docs/DELIVERY-PATH.md step 2). The mailboxes here never tick (tick-interval of an hour), so what
 * is stored is only what a command wrote: the in-memory journal's events show it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CoalescedAcknowledgementsTest {
  private final MailboxKit kit = new MailboxKit("CoalescedAcknowledgementsTest", "");
  private final TestProbe<Deliver> bale = kit.bale;
  private final TestProbe<Deliver> eitaa = kit.eitaa;

  @AfterAll
  void stop() {
    kit.close();
  }

  private Deliver next(TestProbe<Deliver> session, Address mailbox) {
    return kit.next(session, Deliver.Stream.mailbox(mailbox));
  }

  @Test
  void anAcknowledgementIsAnsweredAtOnceAndStoredWithTheNextWrite() {
    Address alice = new Address("eitaa", "alice-1");
    Address bob = new Address("bale", "bob-1");
    ActorRef<UserMailbox.Command> mailbox = kit.spawn(bob);
    Message first = kit.text(alice, bob);
    kit.accept(mailbox, first, false);
    assertEquals(1, next(bale, bob).sequence());

    kit.ack(mailbox, 1);
    // The sender learns at once, before anything of the acknowledgement is stored.
    Status status = ((MailboxItem.StatusUpdate) next(eitaa, alice).item()).status();
    assertEquals(first.messageId(), status.messageId());
    assertEquals(Status.Kind.DELIVERED, status.kind());
    assertEquals(1, kit.stored(bob).size(), "only the message is stored: " + kit.stored(bob));

    kit.accept(mailbox, kit.text(alice, bob), false);
    List<Object> events = kit.stored(bob);
    assertEquals(3, events.size(), events.toString());
    assertEquals(
        new UserMailbox.ItemsAcknowledged(
            1, ((UserMailbox.ItemsAcknowledged) events.get(1)).atMs()),
        events.get(1));
    assertInstanceOf(UserMailbox.MessageAccepted.class, events.get(2));
    Deliver second = next(bale, bob);
    assertEquals(2, second.sequence());
    assertEquals(1, second.acknowledgedUpTo(), "the cursor the platform sees moved at once");
    kit.testKit.stop(mailbox);
  }

  @Test
  void acknowledgementsNotYetStoredWhenTheMailboxStopsAreRedeliveredFlagged() {
    Address alice = new Address("eitaa", "alice-2");
    Address bob = new Address("bale", "bob-2");
    ActorRef<UserMailbox.Command> mailbox = kit.spawn(bob);
    kit.accept(mailbox, kit.text(alice, bob), false);
    kit.accept(mailbox, kit.text(alice, bob), false);
    assertEquals(1, next(bale, bob).sequence());
    assertEquals(2, next(bale, bob).sequence());
    kit.ack(mailbox, 2);
    assertFalse(kit.stored(bob).stream().anyMatch(e -> e instanceof UserMailbox.ItemsAcknowledged));

    // A crash: the actor stops without a word (no passivation, which would store them).
    kit.testKit.stop(mailbox);
    ActorRef<UserMailbox.Command> again = kit.spawn(bob);
    again.tell(UserMailbox.WakeUp.INSTANCE);
    Deliver first = next(bale, bob);
    assertEquals(1, first.sequence());
    assertTrue(first.redelivery(), "pushed before the crash: flagged");
    Deliver second = next(bale, bob);
    assertEquals(2, second.sequence());
    assertTrue(second.redelivery());
    // The platform acknowledges them again, and this time the passivation stores it.
    kit.ack(again, 2);
    again.tell(UserMailbox.Passivate.INSTANCE);
    TestProbe<Object> watcher = kit.testKit.createTestProbe();
    watcher.expectTerminated(again, MailboxKit.WAIT);
    assertTrue(
        kit.stored(bob).stream()
            .anyMatch(e -> e instanceof UserMailbox.ItemsAcknowledged a && a.upToSequence() == 2),
        kit.stored(bob).toString());
  }
}
