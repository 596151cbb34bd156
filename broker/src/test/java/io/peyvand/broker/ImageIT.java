package io.peyvand.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import io.peyvand.persistence.testkit.Ports;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The container image ({@code ./peyvand image}, cluster-config/image/build-image.sh) built from
 * this build's jars and read as a registry or a container runtime reads an OCI image layout: its
 * index, manifest and configuration (entrypoint, non-root user, the broker's ports, labels), its
 * layers (the base holds the user and a Java 17 runtime; the application layer the jars and the
 * deployables), and the broker started from the image's layers: its entrypoint, with the image's
 * paths under a directory here and this JVM's java, is the command of a broker node that must
 * become ready against the test JVM's Cassandra, over mutual TLS. No container engine is needed:
 * the layers are a classpath.
 *
 * <p>Needs mmdebstrap and umoci (Debian packages; .ci/run installs them). The Debian base is built
 * once and kept in ~/.cache/peyvand-image (a few minutes the first time); later builds take
 * seconds.
 */
class ImageIT {
  @RegisterExtension static final CassandraKeyspace cassandra = new CassandraKeyspace();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path SCRIPT = Path.of("..", "cluster-config", "image", "build-image.sh");
  private static final String USER = "10001:10001";

  @Test
  void theImageRunsAsAnUnprivilegedUserDeclaresTheBrokersPortsAndItsLayersRunTheBroker()
      throws Exception {
    Path target = Path.of("target").toAbsolutePath();
    Path jar = brokerJar(target);
    String version =
        jar.getFileName().toString().replaceFirst("^broker-", "").replaceFirst("\\.jar$", "");
    Path image = target.resolve("image").resolve("peyvand-broker-" + version + ".oci.tar");
    Files.createDirectories(image.getParent());
    run(
        Limit.BUILD,
        "bash",
        SCRIPT.toString(),
        "--out",
        image.toString(),
        "--classpath-file",
        target.resolve("runtime.classpath").toString(),
        "--app-jar",
        jar.toString(),
        "--conf-dir",
        Path.of("..", "cluster-config", "conf").toString(),
        "--version",
        version,
        "--revision",
        "ImageIT");

    Path layout = Files.createTempDirectory(target, "image-layout");
    run(Limit.STEP, "tar", "-xf", image.toString(), "-C", layout.toString());
    JsonNode index = read(layout.resolve("index.json"));
    assertEquals(1, index.path("manifests").size(), "one image in the layout: " + index);
    assertEquals(
        version,
        index
            .path("manifests")
            .get(0)
            .path("annotations")
            .path("org.opencontainers.image.ref.name")
            .asText(),
        "tagged with the version");
    JsonNode manifest = blob(layout, index.path("manifests").get(0));
    JsonNode configBlob = blob(layout, manifest.path("config"));
    JsonNode config = configBlob.path("config");

    assertEquals(USER, config.path("User").asText(), "runs as the unprivileged user peyvand");
    assertEquals(Set.of(ports()), names(config.path("ExposedPorts")), "the broker's ports");
    List<String> entrypoint = strings(config.path("Entrypoint"));
    assertEquals("java", entrypoint.get(0));
    assertTrue(
        entrypoint.contains("-XX:MaxRAMPercentage=75"),
        "the heap follows the container's memory limit: " + entrypoint);
    assertTrue(entrypoint.contains("-XX:+ExitOnOutOfMemoryError"), entrypoint.toString());
    assertEquals(Main.class.getName(), entrypoint.get(entrypoint.size() - 1));
    assertEquals(
        List.of("run", "--config", "/etc/peyvand/production.conf"), strings(config.path("Cmd")));
    JsonNode labels = config.path("Labels");
    assertEquals(version, labels.path("org.opencontainers.image.version").asText());
    assertEquals("Peyvand broker", labels.path("org.opencontainers.image.title").asText());
    assertEquals("linux", configBlob.path("os").asText());
    assertEquals("amd64", configBlob.path("architecture").asText());

    JsonNode layers = manifest.path("layers");
    assertEquals(3, layers.size(), "base, libraries, application: " + layers);
    assertEquals(3, configBlob.path("rootfs").path("diff_ids").size());
    Path base = blobPath(layout, layers.get(0));
    String passwd = extractOne(base, "./etc/passwd");
    assertTrue(
        passwd.contains("peyvand:x:10001:10001:"), "the base defines the image's user: " + passwd);
    String baseFiles = run(Limit.STEP, "tar", "-tzf", base.toString());
    assertTrue(
        baseFiles.contains("./usr/lib/jvm/java-17-openjdk-amd64/bin/java"),
        "the base holds a Java 17 runtime");

    Path root = Files.createTempDirectory(target, "image-root");
    for (int i = 1; i < layers.size(); i++) {
      run(
          Limit.STEP,
          "tar",
          "-xzf",
          blobPath(layout, layers.get(i)).toString(),
          "-C",
          root.toString());
    }
    assertTrue(Files.isRegularFile(root.resolve("opt/peyvand/app/broker.jar")));
    assertTrue(Files.isRegularFile(root.resolve("etc/peyvand/production.conf")));
    try (Stream<Path> jars = Files.list(root.resolve("opt/peyvand/lib"))) {
      assertTrue(jars.count() > 50, "the broker's libraries are in their own layer");
    }

    // The entrypoint, with the image's paths under root and this JVM's java; the heap sized for
    // this test, since this machine's memory is not a container's limit.
    Path home = Files.createTempDirectory(target, "image-home");
    List<String> command = new ArrayList<>(List.of(BrokerProcess.java(), "-Xmx512m"));
    for (String arg : entrypoint.subList(1, entrypoint.size())) {
      if (!arg.contains("RAMPercentage")) {
        command.add(
            arg.replace("/opt/peyvand", root.resolve("opt/peyvand").toString())
                .replace("-Dpeyvand.home=/var/lib/peyvand", "-Dpeyvand.home=" + home));
      }
    }
    String nodeConfig =
        """
        pekko.persistence.cassandra.journal.keyspace = %1$s
        pekko.persistence.cassandra.snapshot.keyspace = %1$s
        datastax-java-driver.basic.contact-points = ["%2$s"]
        peyvand.platforms.bootstrap = [{ id = "bale", display-name = "Bale" }]
        """
            .formatted(cassandra.keyspace(), cassandra.node().settings().cqlContactPoint());
    try (BrokerProcess node =
        BrokerProcess.startWith(
            target.resolve("image-run"),
            "from-image",
            nodeConfig,
            Ports.free(),
            Ports.free(),
            command)) {
      assertTrue(node.health().ready(), "the broker from the image's layers is ready");
      assertTrue(
          node.metrics().contains("jvm_heap_used_bytes"),
          "its /metrics answers: " + node.metrics());
    }
  }

  /** The ports the image declares: the broker's defaults in reference.conf. */
  private static String[] ports() {
    Config reference = ConfigFactory.defaultReference();
    return new String[] {
      reference.getInt("peyvand.grpc.port") + "/tcp",
      reference.getInt("peyvand.http.port") + "/tcp",
      reference.getInt("pekko.remote.artery.canonical.port") + "/tcp",
      reference.getInt("pekko.management.http.port") + "/tcp"
    };
  }

  private static Path brokerJar(Path target) throws IOException {
    try (Stream<Path> files = Files.list(target)) {
      return files
          .filter(p -> p.getFileName().toString().matches("broker-.*\\.jar"))
          .filter(p -> !p.getFileName().toString().matches(".*-(tests|sources|javadoc)\\.jar"))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no broker jar in " + target + ": mvn package"));
    }
  }

  private static JsonNode read(Path file) throws IOException {
    return JSON.readTree(file.toFile());
  }

  private static Path blobPath(Path layout, JsonNode descriptor) {
    String[] digest = descriptor.path("digest").asText().split(":", 2);
    return layout.resolve("blobs").resolve(digest[0]).resolve(digest[1]);
  }

  private static JsonNode blob(Path layout, JsonNode descriptor) throws IOException {
    return read(blobPath(layout, descriptor));
  }

  private static Set<String> names(JsonNode object) {
    Set<String> names = new TreeSet<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }

  private static String extractOne(Path layer, String member) throws Exception {
    return run(Limit.STEP, "tar", "-xzOf", layer.toString(), member);
  }

  /** How long a step may take: building the image the first time builds the Debian base. */
  private enum Limit {
    STEP(2),
    BUILD(20);

    final long minutes;

    Limit(long minutes) {
      this.minutes = minutes;
    }
  }

  /** Runs a command; its output, or a failure with the output when it fails. */
  private static String run(Limit limit, String... command) throws Exception {
    Path output = Files.createTempFile("image-it", ".out");
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      boolean ended = process.waitFor(limit.minutes, TimeUnit.MINUTES);
      if (!ended) {
        process.destroyForcibly();
      }
      String text = Files.readString(output, StandardCharsets.UTF_8);
      assertTrue(ended, String.join(" ", command) + " did not end in " + limit.minutes + " min");
      assertEquals(
          0,
          process.exitValue(),
          String.join(" ", command)
              + " failed"
              + (process.exitValue() == 3 ? " (install mmdebstrap and umoci)" : "")
              + ":\n"
              + tail(text));
      return text;
    } finally {
      Files.deleteIfExists(output);
    }
  }

  private static String tail(String text) {
    return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
  }
}
