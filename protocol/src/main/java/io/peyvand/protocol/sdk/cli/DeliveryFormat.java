package io.peyvand.protocol.sdk.cli;

import io.peyvand.protocol.sdk.UserAddresses;
import io.peyvand.protocol.v1.Delivery;
import io.peyvand.protocol.v1.Envelope;
import io.peyvand.protocol.v1.MessageStatus;

/**
 * One line per delivery, as {@code listen} prints it: {@code bale:bob #12 from eitaa:alice: salam}
 * or {@code eitaa:alice #3 status DELIVERED of message m-123 to bale:bob}, with {@code
 * (redelivery)} appended when the broker flagged it.
 */
final class DeliveryFormat {
  private DeliveryFormat() {}

  static String line(Delivery delivery) {
    String head = UserAddresses.format(delivery.getMailbox()) + " #" + delivery.getSequence();
    String body =
        switch (delivery.getItemCase()) {
          case MESSAGE ->
              " from "
                  + UserAddresses.format(delivery.getMessage().getSender())
                  + ": "
                  + content(delivery.getMessage());
          case STATUS -> " status " + status(delivery.getStatus());
          case ITEM_NOT_SET -> " (empty delivery)";
        };
    return head + body + (delivery.getRedelivery() ? " (redelivery)" : "");
  }

  private static String status(MessageStatus status) {
    return status.getKind()
        + " of message "
        + status.getMessageId()
        + " to "
        + UserAddresses.format(status.getRecipient())
        + (status.getKind() == MessageStatus.Kind.FAILED ? " (" + status.getFailure() + ")" : "");
  }

  static String content(Envelope envelope) {
    String reply =
        envelope.getReplyToMessageId().isEmpty()
            ? ""
            : "[reply to " + envelope.getReplyToMessageId() + "] ";
    return reply
        + switch (envelope.getContentCase()) {
          case TEXT -> oneLine(envelope.getText().getBody());
          case EDIT ->
              "[edit of "
                  + envelope.getEdit().getTargetMessageId()
                  + "] "
                  + oneLine(envelope.getEdit().getNewBody());
          case DELETE -> "[delete of " + envelope.getDelete().getTargetMessageId() + "]";
          case REACTION ->
              "[reaction "
                  + envelope.getReaction().getEmoji()
                  + (envelope.getReaction().getRemove() ? " removed from " : " to ")
                  + envelope.getReaction().getTargetMessageId()
                  + "]";
          case MEDIA ->
              "[media "
                  + envelope.getMedia().getMimeType()
                  + ", "
                  + envelope.getMedia().getSizeBytes()
                  + " bytes] "
                  + envelope.getMedia().getUrl()
                  + (envelope.getMedia().getCaption().isEmpty()
                      ? ""
                      : " " + oneLine(envelope.getMedia().getCaption()));
          case ENCRYPTED ->
              "[encrypted "
                  + envelope.getEncrypted().getScheme()
                  + ", "
                  + envelope.getEncrypted().getCiphertext().size()
                  + " bytes]";
          case CALL_RECORD ->
              "[call "
                  + envelope.getCallRecord().getCallId()
                  + " from "
                  + UserAddresses.format(envelope.getCallRecord().getCaller())
                  + " to "
                  + UserAddresses.format(envelope.getCallRecord().getCallee())
                  + ", "
                  + CallFormat.reason(envelope.getCallRecord().getReason())
                  + "]";
          case CONTENT_NOT_SET -> "[no content]";
        };
  }

  /** Line breaks shown as \n, so that each delivery stays on one line. */
  static String oneLine(String text) {
    return text.replace("\r", "\\r").replace("\n", "\\n");
  }
}
