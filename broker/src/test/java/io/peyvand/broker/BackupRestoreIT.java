package io.peyvand.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.persistence.backup.BackupChecksums;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import io.peyvand.protocol.sdk.DeliveryHandler;
import io.peyvand.protocol.sdk.PeyvandClient;
import io.peyvand.protocol.sdk.SubmitOutcome;
import io.peyvand.protocol.v1.Delivery;
import io.peyvand.protocol.v1.Envelope;
import io.peyvand.protocol.v1.Text;
import io.peyvand.protocol.v1.UserAddress;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/**
 * The backup and restore drill of CLUSTER.md against the real broker and Cassandra, through the
 * commands operators run ({@code ./peyvand backup} and {@code restore}, in-process): messages are
 * accepted, the keyspace and the CA are backed up while the broker runs, more messages are
 * accepted, and then
 *
 * <ol>
 *   <li>a restore over the intact keyspace adds nothing and undoes nothing: every message, from
 *       before and after the backup, is delivered once;
 *   <li>after the keyspace is dropped and the CA's directory deleted (the data lost), a restore
 *       brings back the CA and every message accepted before the backup, which are delivered again
 *       under their message ids; those accepted after it are gone, the backup being the recovery
 *       point.
 * </ol>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BackupRestoreIT {
  @RegisterExtension static final CassandraKeyspace cassandra = new CassandraKeyspace();
  private static final char[] PASSWORD = "backup-drill".toCharArray();
  private static final int BEFORE = 30;
  private static final int AFTER = 10;

  private TestPki pki;
  private Path config;

  @BeforeAll
  void createCaAndConfiguration() throws IOException {
    pki = TestPki.create("BackupRestoreIT", PASSWORD);
    // The platforms keep their own certificates: they survive the broker's data loss.
    pki.platform("bale");
    pki.platform("eitaa");
    config = pki.directory().resolve("broker.conf");
    Files.writeString(
        config,
        """
        pekko.persistence.cassandra.journal.keyspace = %1$s
        pekko.persistence.cassandra.snapshot.keyspace = %1$s
        datastax-java-driver.basic.contact-points = ["%2$s"]
        peyvand.cassandra.embedded.enabled = off
        peyvand.cassandra.schema.replication { strategy = "SimpleStrategy", factor = 1 }
        peyvand.pki.directory = "%3$s"
        """
            .formatted(
                cassandra.keyspace(),
                cassandra.node().settings().cqlContactPoint(),
                pki.layout().caCertificate().getParent()));
  }

  @AfterAll
  void deleteCa() {
    pki.close();
  }

  @Test
  void messagesAcceptedBeforeABackupAreDeliveredAfterTheDataIsLostAndRestored() throws Exception {
    Path backup = pki.directory().resolve("backup");
    List<String> before = ids("before", BEFORE);
    List<String> after = ids("after", AFTER);
    try (TestBroker node = start()) {
      submit(node, before);
      Run made = run("backup", "--to", backup.toString());
      assertEquals(0, made.status, made.toString());
      assertTrue(made.out.contains("Backup written to " + backup), made.out);
      submit(node, after);
    }
    assertTrue(Files.isRegularFile(backup.resolve("pki/ca.crt")), "the CA is in the backup");
    assertTrue(BackupChecksums.verify(backup) > 2, "the backup's files are listed");

    // 1. A restore over the intact keyspace: nothing lost, nothing repeated.
    Run merged = run("restore", "--from", backup.toString());
    assertEquals(0, merged.status, merged.toString());
    assertTrue(merged.out.contains("already holds every file"), merged.out);
    assertEquals(union(before, after), deliveredOnce(), "after a restore over intact data");

    // 2. The data lost: the keyspace and the CA's directory.
    cassandra.session().execute("DROP KEYSPACE " + cassandra.keyspace());
    deleteTree(pki.layout().caCertificate().getParent());
    Run restored = run("restore", "--from", backup.toString());
    assertEquals(0, restored.status, restored.toString());
    assertTrue(restored.out.contains("imported"), restored.out);
    assertTrue(Files.isRegularFile(pki.layout().caCertificate()), "the CA is back");
    assertEquals(
        new TreeSet<>(before),
        deliveredOnce(),
        "after the data was lost: what the backup held, and only that");
  }

  @Test
  void aRestoreRefusesABackupThatDoesNotMatchItsChecksumsOrAnotherKeyspace() throws Exception {
    Path backup = pki.directory().resolve("tampered");
    assertEquals(0, run("backup", "--no-pki", "--to", backup.toString()).status);
    Path data;
    try (Stream<Path> files = Files.walk(backup.resolve("cassandra"))) {
      data = files.filter(f -> f.toString().endsWith("-Data.db")).findFirst().orElseThrow();
    }
    Files.write(data, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
    Run refused = run("restore", "--from", backup.toString());
    assertEquals(1, refused.status, refused.toString());
    assertTrue(
        refused.err.contains("does not match its SHA256SUMS")
            && refused.err.contains(backup.relativize(data) + " has changed"),
        refused.err);

    Path other = pki.directory().resolve("other.conf");
    Files.writeString(
        other,
        "include file(\"%s\")\npekko.persistence.cassandra.journal.keyspace = elsewhere\n"
            .formatted(config));
    Path clean = pki.directory().resolve("clean");
    assertEquals(0, run("backup", "--no-pki", "--to", clean.toString()).status);
    Run wrongKeyspace = run("restore", "--config", other.toString(), "--from", clean.toString());
    assertEquals(1, wrongKeyspace.status, wrongKeyspace.toString());
    assertTrue(wrongKeyspace.err.contains("restore with the configuration"), wrongKeyspace.err);

    Run notEmpty = run("backup", "--to", clean.toString());
    assertEquals(1, notEmpty.status, notEmpty.toString());
    assertTrue(notEmpty.err.contains("is not empty"), notEmpty.err);
  }

  private TestBroker start() throws Exception {
    return TestBroker.start("BackupRestoreIT", cassandra, TestBroker.BALE_AND_EITAA, pki);
  }

  /** Accepts every message, eitaa's alice to bale's bob. */
  private static void submit(TestBroker node, List<String> ids) throws Exception {
    try (PeyvandClient eitaa =
        node.sdk("eitaa")
            .sessionName("eitaa-drill")
            .deliveryHandler(DeliveryHandler.of(statuses -> {}))
            .build()) {
      eitaa.connect().toCompletableFuture().get(30, TimeUnit.SECONDS);
      for (String id : ids) {
        SubmitOutcome outcome =
            eitaa.submit(text(id)).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertTrue(outcome instanceof SubmitOutcome.Accepted, id + ": " + outcome);
      }
    }
  }

  /**
   * Starts the broker, connects bale's adapter and collects what it delivers until nothing new has
   * come for 5 s; checks that no message was stored twice (a second sequence) and that a sequence
   * repeated is flagged as a redelivery; returns the message ids.
   */
  private Set<String> deliveredOnce() throws Exception {
    ConcurrentLinkedQueue<Delivery> seen = new ConcurrentLinkedQueue<>();
    try (TestBroker node = start();
        PeyvandClient bale =
            node.sdk("bale")
                .sessionName("bale-drill")
                .deduplicate(false)
                .deliveryHandler(DeliveryHandler.of(seen::add))
                .build()) {
      bale.connect().toCompletableFuture().get(30, TimeUnit.SECONDS);
      long quietSince = System.nanoTime();
      int count = 0;
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (System.nanoTime() - quietSince < Duration.ofSeconds(5).toNanos()
          && System.nanoTime() < deadline) {
        Thread.sleep(200);
        if (seen.size() != count) {
          count = seen.size();
          quietSince = System.nanoTime();
        }
      }
    }
    Set<String> ids = new TreeSet<>();
    Set<Long> sequences = new TreeSet<>();
    for (Delivery d : seen) {
      if (d.hasMessage() && sequences.add(d.getSequence())) {
        assertTrue(ids.add(d.getMessage().getMessageId()), "stored twice: " + d);
      } else if (d.hasMessage()) {
        assertTrue(d.getRedelivery(), "sequence " + d.getSequence() + " came twice unflagged");
      }
    }
    assertFalse(ids.isEmpty(), "nothing was delivered");
    return ids;
  }

  private record Run(int status, String out, String err) {}

  /** {@code ./peyvand <command> --config <config> --jmx <the node's> <args>}, in-process. */
  private Run run(String command, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> all = new ArrayList<>(List.of(command));
    if (!List.of(args).contains("--config")) {
      all.addAll(List.of("--config", config.toString()));
    }
    all.addAll(List.of("--jmx", "127.0.0.1:" + cassandra.node().settings().jmxPort()));
    all.addAll(List.of(args));
    int status =
        new CommandLine(new Main())
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err))
            .execute(all.toArray(String[]::new));
    System.out.printf("%s: %d%n%s%n%s%n", all, status, out, err);
    return new Run(status, out.toString(), err.toString());
  }

  private static List<String> ids(String prefix, int count) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(prefix + "-" + i);
    }
    return ids;
  }

  private static Set<String> union(List<String> a, List<String> b) {
    Set<String> all = new TreeSet<>(a);
    all.addAll(b);
    return all;
  }

  private static Envelope text(String id) {
    return Envelope.newBuilder()
        .setMessageId(id)
        .setSender(UserAddress.newBuilder().setPlatformId("eitaa").setUserId("alice"))
        .setRecipient(UserAddress.newBuilder().setPlatformId("bale").setUserId("bob"))
        .setClientTimestampMs(System.currentTimeMillis())
        .setText(Text.newBuilder().setBody("salam " + id))
        .build();
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
