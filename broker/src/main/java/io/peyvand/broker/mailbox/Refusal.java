package io.peyvand.broker.mailbox;

/** Why a mailbox refused a command; mapped to the protocol's error codes at the edges. */
public enum Refusal {
  /** Not opted in, or the sender is blocked: deliberately not told apart. */
  RECIPIENT_NOT_ACCEPTING,
  /** The recipient's platform cannot honour the content (the message names what). */
  CAPABILITY_NOT_SUPPORTED,
  /** An acknowledgement or receipt for a sequence never delivered. */
  UNKNOWN_SEQUENCE,
  /** A platform acted on a mailbox that is not one of its users'. */
  NOT_PERMITTED,
  /** Storage did not confirm in time; retry with the same message id. */
  UNAVAILABLE
}
