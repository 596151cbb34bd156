package io.peyvand.broker.calls;

import io.peyvand.broker.model.Message;
import java.util.concurrent.CompletionStage;

/**
 * Stores a missed-call record in a user's mailbox, as a message the broker submits: completes true
 * once the mailbox stored it or refused it for good (the user does not accept messages from the
 * other side), false when it could not tell (retry). Given to {@link Call} by the wiring, so that
 * the call entity does not know the mailbox entity.
 */
public interface CallRecords {
  CompletionStage<Boolean> store(Message record);
}
