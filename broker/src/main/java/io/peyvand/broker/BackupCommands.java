package io.peyvand.broker;

import com.datastax.oss.driver.api.core.CqlSession;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import io.peyvand.broker.pki.PkiSettings;
import io.peyvand.persistence.backup.BackupChecksums;
import io.peyvand.persistence.backup.CassandraJmx;
import io.peyvand.persistence.backup.KeyspaceBackup;
import io.peyvand.persistence.backup.KeyspaceBackup.NodeFiles;
import io.peyvand.persistence.cassandra.CassandraNodeSettings;
import io.peyvand.persistence.schema.SchemaMigrator;
import io.peyvand.persistence.schema.SchemaSettings;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.pekko.stream.connectors.cassandra.DriverConfigLoaderFromConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./peyvand backup} and {@code restore} (under {@code ./peyvand cluster backup|restore} for
 * the local cluster): the broker's keyspaces from Cassandra nodes on this host, and the PKI's
 * directory (its CA), into one directory with a manifest ({@code backup.conf}) and checksums
 * ({@code SHA256SUMS}); and back. Cassandra keeps everything the broker holds; the broker nodes
 * keep nothing of their own. CLUSTER.md, "Backup and restore", walks through a drill.
 */
public final class BackupCommands {
  static final String MANIFEST = "backup.conf";
  static final String PKI = "pki";
  static final int FORMAT = 1;

  private BackupCommands() {}

  /** Options of both commands: which configuration, which Cassandra nodes. */
  static class Target {
    @Option(
        names = "--config",
        paramLabel = "FILE",
        description =
            "The brokers' configuration: its keyspaces, its driver settings (contact points, TLS)"
                + " and peyvand.pki.directory (default cluster-config/conf/dev.conf).")
    File config;

    @Option(
        names = "--jmx",
        paramLabel = "HOST:PORT",
        split = ",",
        description =
            "JMX endpoint of each Cassandra node, in a fixed order (a restore maps the backup's"
                + " node-K to the K-th); the nodes run on this host. Default: 127.0.0.1 and"
                + " peyvand.cassandra.embedded.jmx-port.")
    List<String> jmx;

    Config load() {
      return Main.load(config != null ? config : Main.deployable("dev.conf").toFile(), Map.of());
    }

    List<CassandraJmx> connect(Config config) {
      List<String> endpoints =
          jmx != null && !jmx.isEmpty()
              ? jmx
              : List.of("127.0.0.1:" + config.getInt("peyvand.cassandra.embedded.jmx-port"));
      List<CassandraJmx> nodes = new ArrayList<>();
      try {
        for (String endpoint : endpoints) {
          nodes.add(CassandraJmx.connect(endpoint));
        }
        return nodes;
      } catch (RuntimeException e) {
        nodes.forEach(CassandraJmx::close);
        throw e;
      }
    }
  }

  static List<String> keyspaces(Config config) {
    SchemaSettings schema = SchemaSettings.fromConfig(config);
    return List.copyOf(new TreeSet<>(List.of(schema.keyspace(), schema.snapshotKeyspace())));
  }

  @Command(
      name = "backup",
      mixinStandardHelpOptions = true,
      description = {
        "Back up the broker's keyspaces (a flushed snapshot on every Cassandra node, copied off"
            + " the node and then cleared) and the PKI's directory into a new directory.",
        "Online: brokers and Cassandra keep running; what was acknowledged before it starts is in"
            + " it."
      })
  static final class Backup implements Callable<Integer> {
    @CommandLine.Mixin Target target = new Target();
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--to",
        paramLabel = "DIR",
        description = "A new directory for the backup (default data/backups/<UTC time>).")
    Path to;

    @Option(names = "--no-pki", description = "Leave the PKI's directory out.")
    boolean noPki;

    @Override
    public Integer call() throws Exception {
      return refusing(spec, "backup", this::backup);
    }

    private int backup() {
      Config config = target.load();
      Instant now = Instant.now();
      String stamp =
          DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(now);
      Path dir = to != null ? to : Path.of("data", "backups", stamp);
      if (Files.exists(dir) && !isEmptyDirectory(dir)) {
        throw new IllegalArgumentException(
            dir + " exists and is not empty: a backup goes into a new directory");
      }
      List<String> keyspaces = keyspaces(config);
      createPrivateDirectory(dir);
      List<NodeFiles> nodes;
      List<CassandraJmx> jmx = target.connect(config);
      try {
        nodes = KeyspaceBackup.take(jmx, keyspaces, dir, "peyvand-backup-" + stamp);
        String cassandraVersion = jmx.get(0).releaseVersion();
        Path pki = PkiSettings.fromConfig(config).directory();
        boolean withPki = !noPki && Files.isDirectory(pki);
        if (withPki) {
          copyTree(pki, dir.resolve(PKI));
        }
        writeManifest(dir, now, cassandraVersion, keyspaces, nodes, withPki ? pki : null);
      } finally {
        jmx.forEach(CassandraJmx::close);
      }
      int files = BackupChecksums.write(dir);
      PrintWriter out = spec.commandLine().getOut();
      out.printf("Backup written to %s (%d files, SHA256SUMS)%n", dir, files);
      for (NodeFiles node : nodes) {
        out.printf(
            "  cassandra node-%d (%s, host %s): %d SSTables of %d tables%n",
            node.index(), node.endpoint(), node.hostId(), node.files(), node.tables().size());
      }
      out.printf(
          "  keyspaces %s; PKI: %s%n",
          keyspaces,
          Files.isDirectory(dir.resolve(PKI))
              ? "the CA's directory (keep this backup secret)"
              : "no");
      return 0;
    }
  }

  @Command(
      name = "restore",
      mixinStandardHelpOptions = true,
      description = {
        "Restore a backup of ./peyvand backup: checks its SHA256SUMS, puts back the PKI files that"
            + " are missing, applies the schema and imports every node's SSTables.",
        "Stop the broker nodes first (Cassandra runs): a running broker would not see what comes"
            + " back until its entities restart. A restore adds to what the tables hold: rows"
            + " written since the backup stay."
      },
      exitCodeListHeading = "%nExit status:%n",
      exitCodeList = {
        "0:restored",
        "1:refused before any change (a backup that does not verify, other keyspaces, another"
            + " CA), or a node failed an import (the reason is printed)"
      })
  static final class Restore implements Callable<Integer> {
    /** What to restore: both, or one part (the local cluster needs the CA before Cassandra). */
    enum Part {
      pki,
      cassandra
    }

    @CommandLine.Mixin Target target = new Target();
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--from",
        paramLabel = "DIR",
        required = true,
        description = "The backup's directory.")
    Path from;

    @Option(
        names = "--only",
        paramLabel = "PART",
        description = "Restore one part only: ${COMPLETION-CANDIDATES}.")
    Part only;

    @Override
    public Integer call() throws Exception {
      return refusing(spec, "restore", this::restore);
    }

    private int restore() {
      Config config = target.load();
      int checked = BackupChecksums.verify(from);
      Config manifest = readManifest(from);
      List<String> keyspaces = keyspaces(config);
      List<String> backedUp = manifest.getStringList("keyspaces");
      if (!new TreeSet<>(backedUp).equals(new TreeSet<>(keyspaces))) {
        throw new IllegalArgumentException(
            "the backup holds keyspaces "
                + backedUp
                + " but this configuration uses "
                + keyspaces
                + ": restore with the configuration the backup was taken with");
      }
      PrintWriter out = spec.commandLine().getOut();
      out.printf(
          "Backup %s of %s verified (%d files)%n", from, manifest.getString("created"), checked);
      if (only != Part.cassandra) {
        restorePki(from, PkiSettings.fromConfig(config).directory(), out);
      }
      if (only != Part.pki) {
        restoreCassandra(config, out);
      }
      return 0;
    }

    private void restoreCassandra(Config config, PrintWriter out) {
      List<CassandraJmx> jmx = target.connect(config);
      try (CqlSession session = session(config)) {
        List<Integer> applied =
            new SchemaMigrator(session, SchemaSettings.fromConfig(config)).migrate();
        if (!applied.isEmpty()) {
          out.printf("  schema: applied migrations %s%n", applied);
        }
        session.refreshSchema();
        for (NodeFiles node : KeyspaceBackup.restore(from, jmx, session)) {
          out.printf(
              "  cassandra node-%d (%s): imported %d SSTables into %d tables%n",
              node.index(), node.endpoint(), node.files(), node.tables().size());
        }
      } finally {
        jmx.forEach(CassandraJmx::close);
      }
      out.println("Restored. Start the broker nodes.");
    }
  }

  /**
   * Puts back the backup's PKI files that {@code pki} lacks; never overwrites one (a newer
   * revocation list stays), and refuses a directory holding another CA.
   */
  static void restorePki(Path backup, Path pki, PrintWriter out) {
    Path source = backup.resolve(PKI);
    if (!Files.isDirectory(source)) {
      out.println("  pki: not in this backup");
      return;
    }
    Path ca = Path.of("ca.crt");
    if (Files.isRegularFile(pki.resolve(ca))
        && !Arrays.equals(read(pki.resolve(ca)), read(source.resolve(ca)))) {
      throw new IllegalStateException(
          pki
              + " holds another CA than the backup's: move it away to restore the backup's CA, or"
              + " restore with --only cassandra to keep it");
    }
    List<Path> restored = new ArrayList<>();
    for (Path file : KeyspaceBackup.files(source)) {
      Path destination = pki.resolve(source.relativize(file));
      if (!Files.exists(destination)) {
        try {
          createPrivateDirectory(destination.getParent());
          Files.copy(file, destination, StandardCopyOption.COPY_ATTRIBUTES);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot restore " + destination + ": " + e, e);
        }
        restored.add(source.relativize(file));
      }
    }
    out.printf(
        "  pki: %s%n",
        restored.isEmpty()
            ? pki + " already holds every file of the backup"
            : "restored " + restored.size() + " file(s) into " + pki + ": " + restored);
  }

  /** A driver session from the configuration's datastax-java-driver (contact points, TLS). */
  static CqlSession session(Config config) {
    Config driver = config;
    if (config.getBoolean("peyvand.cassandra.embedded.enabled")) {
      // As runBroker does: the embedded node's port is the contact point.
      driver =
          config.withValue(
              "datastax-java-driver.basic.contact-points",
              ConfigValueFactory.fromIterable(
                  List.of(CassandraNodeSettings.fromConfig(config).cqlContactPoint())));
    }
    return CqlSession.builder()
        .withConfigLoader(
            new DriverConfigLoaderFromConfig(driver.getConfig("datastax-java-driver")))
        .build();
  }

  private static void writeManifest(
      Path dir,
      Instant created,
      String cassandraVersion,
      List<String> keyspaces,
      List<NodeFiles> nodes,
      Path pki) {
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("format", FORMAT);
    manifest.put("created", created.toString());
    manifest.put(
        "broker-version", String.valueOf(Main.class.getPackage().getImplementationVersion()));
    manifest.put("cassandra-version", cassandraVersion);
    manifest.put("keyspaces", keyspaces);
    List<Map<String, Object>> nodeList = new ArrayList<>();
    for (NodeFiles node : nodes) {
      Map<String, Object> n = new LinkedHashMap<>();
      n.put("folder", KeyspaceBackup.CASSANDRA + "/node-" + node.index());
      n.put("jmx", node.endpoint());
      n.put("host-id", node.hostId());
      n.put("sstables", node.tables());
      nodeList.add(n);
    }
    manifest.put("cassandra-nodes", nodeList);
    manifest.put("pki", pki == null ? "" : pki.toAbsolutePath().toString());
    String text =
        "# A backup of ./peyvand backup: restore it with ./peyvand restore --from <this directory>\n"
            + ConfigValueFactory.fromMap(manifest)
                .render(ConfigRenderOptions.defaults().setOriginComments(false).setJson(false));
    try {
      Files.writeString(dir.resolve(MANIFEST), text);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve(MANIFEST) + ": " + e, e);
    }
  }

  static Config readManifest(Path dir) {
    Config manifest = ConfigFactory.parseFile(dir.resolve(MANIFEST).toFile());
    if (!manifest.hasPath("format") || manifest.getInt("format") != FORMAT) {
      throw new IllegalArgumentException(
          dir.resolve(MANIFEST)
              + " is not a backup manifest of format "
              + FORMAT
              + " (a backup of another version of Peyvand?)");
    }
    return manifest;
  }

  /** A directory only its owner reads: a backup holds the CA's private key and every message. */
  private static void createPrivateDirectory(Path dir) {
    try {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir + ": " + e, e);
    }
  }

  private static void copyTree(Path from, Path to) {
    for (Path file : KeyspaceBackup.files(from)) {
      Path destination = to.resolve(from.relativize(file));
      try {
        createPrivateDirectory(destination.getParent());
        Files.copy(file, destination, StandardCopyOption.COPY_ATTRIBUTES);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot copy " + file + ": " + e, e);
      }
    }
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e, e);
    }
  }

  private static boolean isEmptyDirectory(Path dir) {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Runs a command's work; a refusal (bad input, an unreachable node, a backup that does not
   * verify) prints its reason and exits 1 instead of a stack trace.
   */
  static int refusing(CommandLine.Model.CommandSpec spec, String what, Callable<Integer> work)
      throws Exception {
    try {
      return work.call();
    } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
      spec.commandLine().getErr().println(what + " failed: " + e.getMessage());
      return 1;
    } finally {
      spec.commandLine().getOut().flush();
      spec.commandLine().getErr().flush();
    }
  }
}
