package io.peyvand.protocol.sdk;

/**
 * A submit got no final answer: its attempts ran out on lost sessions, its submit-timeout passed,
 * or the client was closed. The broker may or may not have accepted it; resubmitting the same
 * envelope (same message_id) is safe and is answered duplicate if it had been accepted.
 *
 * <p>Also a step of a call ({@link PeyvandClient#call}) that got no CallResult: not sent because no
 * session was open (the message says "not sent"), or sent on a session that ended before the
 * answer, or unanswered within call-timeout, or the client was closed. The SDK never sends a call
 * request twice.
 */
public final class NotAnsweredException extends PeyvandException {
  public NotAnsweredException(String message) {
    super(message);
  }
}
