package io.peyvand.protocol.sdk;

/**
 * A submit got no final answer: its attempts ran out on lost sessions, its submit-timeout passed,
 * or the client was closed. The broker may or may not have accepted it; resubmitting the same
 * envelope (same message_id) is safe and is answered duplicate if it had been accepted.
 */
public final class NotAnsweredException extends PeyvandException {
  public NotAnsweredException(String message) {
    super(message);
  }
}
