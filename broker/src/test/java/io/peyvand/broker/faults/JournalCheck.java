package io.peyvand.broker.faults;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.uuid.Uuids;
import com.google.protobuf.InvalidProtocolBufferException;
import io.peyvand.persistence.stored.v1.ItemsAcknowledged;
import io.peyvand.persistence.stored.v1.MessageAccepted;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * "No mailbox active on two nodes at once", read from the journal: for every mailbox (persistence
 * id {@code UserMailbox|platform:user}, UserMailbox) the rows of {@code <keyspace>.messages} have
 * contiguous sequence numbers, no sequence number twice, and writer incarnations (writer_uuid, one
 * per entity start) that never interleave: A..A B..B, never back to A after B. Two live
 * incarnations writing the same mailbox would break one of these. Rows below a snapshot may have
 * been deleted, so contiguity is checked from the lowest sequence number still stored.
 */
final class JournalCheck {
  private JournalCheck() {}

  /**
   * A row holding a message: its journal sequence number and the mailbox's item sequence of the
   * message (the {@code sequence} of deliveries; -1 if the row is not a MessageAccepted).
   */
  record Stored(long sequenceNr, long item) {
    @Override
    public String toString() {
      return "journal seq " + sequenceNr + " (item " + item + ")";
    }
  }

  /** What the check found. */
  record Report(int mailboxes, long rows, int maxWriters, List<String> violations) {}

  /**
   * Where a message is in its recipient's journal: each row of {@code UserMailbox|recipient} whose
   * event bytes contain the message id; empty if none does.
   */
  static List<Stored> find(
      CqlSession session, String keyspace, String recipient, String messageId) {
    List<Stored> found = new ArrayList<>();
    byte[] id = messageId.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    for (Row row :
        session.execute(
            SimpleStatement.newInstance(
                "SELECT sequence_nr, writer_uuid,"
                    + " event FROM "
                    + keyspace
                    + ".messages WHERE persistence_id = ? AND partition_nr = 0",
                "UserMailbox|" + recipient))) {
      java.nio.ByteBuffer event = row.getByteBuffer("event");
      byte[] bytes = new byte[event == null ? 0 : event.remaining()];
      if (event != null) {
        event.duplicate().get(bytes);
      }
      if (indexOf(bytes, id) >= 0) {
        long item = -1;
        try {
          item = MessageAccepted.parseFrom(bytes).getSequence();
        } catch (InvalidProtocolBufferException notAMessage) {
          // another event that mentions the id (a status): no item sequence of its own here
        }
        found.add(new Stored(row.getLong("sequence_nr"), item));
      }
    }
    return found;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /**
   * The rows of {@code UserMailbox|recipient} from sequence {@code from} on (at most {@code
   * limit}), one line each: sequence, write time, writer, and the event (the message id, or the
   * acknowledged sequence): what a lost message's mailbox held around it.
   */
  static List<String> rows(
      CqlSession session, String keyspace, String recipient, long from, int limit) {
    List<String> lines = new ArrayList<>();
    for (Row row :
        session.execute(
            SimpleStatement.newInstance(
                "SELECT sequence_nr, timestamp,"
                    + " writer_uuid, ser_manifest, event FROM "
                    + keyspace
                    + ".messages WHERE persistence_id"
                    + " = ? AND partition_nr = 0 AND sequence_nr >= ? LIMIT ?",
                "UserMailbox|" + recipient,
                from,
                limit))) {
      ByteBuffer event = row.getByteBuffer("event");
      String manifest = row.getString("ser_manifest");
      String what;
      try {
        byte[] bytes = new byte[event.remaining()];
        event.duplicate().get(bytes);
        what =
            switch (manifest) {
              case "mailbox-message-accepted" -> {
                MessageAccepted accepted = MessageAccepted.parseFrom(bytes);
                yield "item "
                    + accepted.getSequence()
                    + " message "
                    + accepted.getMessage().getMessageId();
              }
              case "mailbox-acknowledged" ->
                  "acknowledged up to " + ItemsAcknowledged.parseFrom(bytes).getUpToSequence();
              default -> manifest;
            };
      } catch (InvalidProtocolBufferException | RuntimeException e) {
        what = manifest + " (" + e + ")";
      }
      UUID time = row.getUuid("timestamp");
      lines.add(
          row.getLong("sequence_nr")
              + " at "
              + (time == null ? "?" : Instant.ofEpochMilli(Uuids.unixTimestamp(time)))
              + " by "
              + row.getString("writer_uuid").substring(0, 8)
              + ": "
              + what);
    }
    return lines;
  }

  static Report check(CqlSession session, String keyspace) {
    Map<String, TreeMap<Long, List<String>>> byMailbox = new HashMap<>();
    long rows = 0;
    for (Row row :
        session.execute(
            SimpleStatement.newInstance(
                    "SELECT persistence_id,"
                        + " sequence_nr, writer_uuid FROM "
                        + keyspace
                        + ".messages")
                .setPageSize(5000))) {
      String id = row.getString("persistence_id");
      if (id == null || !id.startsWith("UserMailbox|")) {
        continue;
      }
      rows++;
      byMailbox
          .computeIfAbsent(id, k -> new TreeMap<>())
          .computeIfAbsent(row.getLong("sequence_nr"), k -> new ArrayList<>())
          .add(row.getString("writer_uuid"));
    }
    List<String> violations = new ArrayList<>();
    int maxWriters = 0;
    for (Map.Entry<String, TreeMap<Long, List<String>>> mailbox : byMailbox.entrySet()) {
      String id = mailbox.getKey();
      long expected = mailbox.getValue().firstKey();
      String current = null;
      Set<String> finished = new HashSet<>();
      for (Map.Entry<Long, List<String>> seq : mailbox.getValue().entrySet()) {
        if (seq.getKey() != expected) {
          violations.add(id + ": sequence gap " + expected + ".." + (seq.getKey() - 1));
        }
        expected = seq.getKey() + 1;
        if (seq.getValue().size() > 1) {
          violations.add(
              id
                  + ": sequence "
                  + seq.getKey()
                  + " written "
                  + seq.getValue().size()
                  + " times, by "
                  + seq.getValue());
        }
        String writer = seq.getValue().get(0);
        if (!writer.equals(current)) {
          if (finished.contains(writer)) {
            violations.add(
                id
                    + ": writer "
                    + writer
                    + " wrote again at "
                    + seq.getKey()
                    + " after another incarnation ("
                    + current
                    + ")");
          }
          if (current != null) {
            finished.add(current);
          }
          current = writer;
        }
      }
      maxWriters = Math.max(maxWriters, finished.size() + 1);
    }
    return new Report(byMailbox.size(), rows, maxWriters, violations);
  }
}
