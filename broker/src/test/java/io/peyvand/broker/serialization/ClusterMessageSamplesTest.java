package io.peyvand.broker.serialization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.typesafe.config.ConfigFactory;
import io.peyvand.broker.entity.ClusterMessage;
import io.peyvand.broker.serialization.ClusterMessageExamples.Example;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import scala.util.Try;

/**
 * Stored samples of every message that may cross broker nodes, so that a change which would break a
 * rolling upgrade (a node of version N+1 unable to read what a node of version N sends) fails the
 * build. The counterpart of {@link StoredEventSerializerTest} for cross-node messages.
 *
 * <p>The cross-node types are found, not listed ({@link CrossNodeTypes}): every concrete class of
 * the broker bound in {@code pekko.actor.serialization-bindings} to a serializer other than the
 * stored events' (today {@link ClusterMessage}, to Jackson CBOR), and every type named as {@code
 * ActorRef<T>} in one of them that is not itself bound (a reply Pekko serializes, such as {@code
 * Done}). Each needs an example in {@link ClusterMessageExamples}, and so does every implementation
 * of an interface that such a message carries in a field (each kind of Content, StreamItem,
 * GroupItem, ...). The names nodes address each other's actors by (entity types, Receptionist keys,
 * replicated data keys) are kept too ({@link #NAMES}).
 *
 * <p>The samples are in {@value #SAMPLES}, one line per sample: the example's name, the serializer
 * id, the manifest ({@code -} for none) and the bytes in hex, as the version that added the line
 * serialized the example with the actor system's real serializers. Every line must still read back,
 * with the current code, to its example (compared field by field, byte arrays by content), and the
 * serializer id and manifest the current code picks for an example must be those of its last line:
 * a renamed or moved class, a renamed record component, a changed type id or binding fails here.
 *
 * <p>Never edit or remove a line (a type's lines go only with the type itself, two versions after
 * its replacement). To add samples (a new message type, a new example): add the example to {@link
 * ClusterMessageExamples} under a new name, run
 *
 * <pre>
 * mvn -B -o test -pl broker -Dtest=ClusterMessageSamplesTest -Dpeyvand.samples.write=true
 * </pre>
 *
 * and append the lines it writes (to the console and to {@code
 * broker/target/cluster-message-samples.missing}) at the end of {@value #SAMPLES}. To change a
 * message: add a component (old nodes ignore it, new ones read it as null/0 from old ones; the
 * example keeps the old value) and keep the class name; or add a new type, keep reading the old one
 * for one version, and add the new one's sample. A deliberate change of manifest (a class renamed
 * with a Jackson migration that still reads the old name) adds a new line for the same example,
 * after the old one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterMessageSamplesTest {
  static final String SAMPLES = "cluster-message-samples.txt";
  private static final String WRITE = "peyvand.samples.write";

  private final ActorTestKit testKit =
      ActorTestKit.create(
          "ClusterMessageSamplesTest",
          ConfigFactory.parseString("pekko.remote.artery.canonical.port = 0")
              .withFallback(ConfigFactory.load()));
  private final Serialization serialization = SerializationExtension.get(testKit.system());
  private final List<Example> examples = ClusterMessageExamples.all(testKit.system());

  @AfterAll
  void stop() {
    testKit.shutdownTestKit();
  }

  /** A stored sample: a line of {@value #SAMPLES}. */
  record Sample(String name, int serializerId, String manifest, byte[] bytes) {
    static Sample parse(String line) {
      String[] parts = line.split(" ");
      assertEquals(4, parts.length, "a sample is 'name serializer-id manifest hex': " + line);
      return new Sample(
          parts[0],
          Integer.parseInt(parts[1]),
          parts[2].equals("-") ? "" : parts[2],
          parts[3].equals("-") ? new byte[0] : HexFormat.of().parseHex(parts[3]));
    }

    String line() {
      return String.join(
          " ",
          name,
          Integer.toString(serializerId),
          manifest.isEmpty() ? "-" : manifest,
          bytes.length == 0 ? "-" : HexFormat.of().formatHex(bytes));
    }
  }

  @Test
  void everyCrossNodeTypeHasAnExample() {
    Set<Class<?>> sent = new HashSet<>();
    Set<Class<?>> reached = new HashSet<>();
    for (Example example : examples) {
      sent.add(typeOf(example.value()));
      reach(example.value(), value -> reached.add(typeOf(value)));
    }
    CrossNodeTypes types = CrossNodeTypes.find(testKit.system().settings().config());
    List<String> missing = new ArrayList<>();
    // Assignable, not equal: Pekko's Done is an instance of its subclass Done$.
    for (Class<?> type : types.messages()) {
      if (sent.stream().noneMatch(type::isAssignableFrom)) {
        missing.add(type.getName() + " (a message)");
      }
    }
    for (Class<?> type : types.carried()) {
      if (reached.stream().noneMatch(type::isAssignableFrom)) {
        missing.add(type.getName() + " (carried in a message's field)");
      }
    }
    if (!missing.isEmpty()) {
      fail(
          "These types may cross broker nodes but no example has one, so no stored sample shows"
              + " what this version sends: add an example of each to ClusterMessageExamples, then"
              + " store its sample (see ClusterMessageSamplesTest's Javadoc: run it with -D"
              + WRITE
              + "=true and append the lines it writes to "
              + SAMPLES
              + "):\n  "
              + String.join("\n  ", missing));
    }
  }

  @Test
  void everyExampleHasAStoredSample() throws IOException {
    Set<String> stored =
        stored().stream().map(Sample::name).collect(Collectors.toCollection(HashSet::new));
    Set<String> names = new HashSet<>();
    List<Sample> missing = new ArrayList<>();
    for (Example example : examples) {
      assertTrue(names.add(example.name()), "example name used twice: " + example.name());
      if (!stored.contains(example.name())) {
        Serializer serializer = serialization.findSerializerFor(example.value());
        missing.add(
            new Sample(
                example.name(),
                serializer.identifier(),
                Serializers.manifestFor(serializer, example.value()),
                serialization.serialize(example.value()).get()));
      }
    }
    if (missing.isEmpty()) {
      return;
    }
    String lines = missing.stream().map(Sample::line).collect(Collectors.joining("\n"));
    if (Boolean.getBoolean(WRITE)) {
      Path out = Path.of("target", "cluster-message-samples.missing");
      Files.createDirectories(out.getParent());
      Files.writeString(out, lines + "\n");
      System.out.println("Lines to append to " + SAMPLES + " (also in " + out + "):\n" + lines);
    }
    fail(
        missing.size()
            + " examples have no stored sample: "
            + missing.stream().map(Sample::name).toList()
            + ". Run this test with -D"
            + WRITE
            + "=true and append the lines it writes to broker/target/"
            + "cluster-message-samples.missing to broker/src/test/resources/io/peyvand/broker/"
            + "serialization/"
            + SAMPLES
            + " (never edit a line that is there).");
  }

  @Test
  void storedSamplesStillReadBackAsTheirExamples() {
    Map<String, Object> byName = new HashMap<>();
    examples.forEach(example -> byName.put(example.name(), example.value()));
    List<Sample> samples = stored();
    assertTrue(samples.size() >= examples.size() / 2, "the samples file was read");
    for (Sample sample : samples) {
      Object example = byName.get(sample.name());
      assertNotNull(
          example,
          "stored sample "
              + sample.name()
              + " has no example: examples are never removed (the old bytes must still read)");
      Try<Object> read =
          serialization.deserialize(sample.bytes(), sample.serializerId(), sample.manifest());
      if (read.isFailure()) {
        throw new AssertionError(
            "stored sample "
                + sample.name()
                + " ("
                + sample.manifest()
                + ") no longer reads: a node of this version could not read it from a node of the"
                + " version that stored it: "
                + read.failed().get(),
            read.failed().get());
      }
      assertEquals(
          fields(example),
          fields(read.get()),
          "stored sample "
              + sample.name()
              + " reads back as something else than its example: a node of this version would"
              + " misread it from a node of the version that stored it");
    }
  }

  @Test
  void everyExampleKeepsTheSerializerAndManifestOfItsSample() {
    Map<String, Sample> latest = new HashMap<>();
    stored().forEach(sample -> latest.put(sample.name(), sample));
    List<String> changed = new ArrayList<>();
    for (Example example : examples) {
      Sample sample = latest.get(example.name());
      if (sample == null) {
        continue; // everyExampleHasAStoredSample tells
      }
      Serializer serializer = serialization.findSerializerFor(example.value());
      String manifest = Serializers.manifestFor(serializer, example.value());
      if (serializer.identifier() != sample.serializerId() || !manifest.equals(sample.manifest())) {
        changed.add(
            example.name()
                + ": stored "
                + sample.serializerId()
                + " "
                + sample.manifest()
                + ", now "
                + serializer.identifier()
                + " "
                + manifest);
      }
    }
    assertTrue(
        changed.isEmpty(),
        "a node of the previous version could not read these, as it knows no such serializer or"
            + " manifest (a renamed or moved class, a changed binding):\n  "
            + String.join("\n  ", changed));
  }

  /**
   * The names nodes address each other's actors by: a sharded entity type's (the region of a
   * renamed type on a new node never meets the old nodes' one), a Receptionist key's (for platform
   * "bale"), a replicated data key's. Never change one; add a new name here when one is added.
   */
  private static final Set<String> NAMES =
      Set.of(
          "entity AuditLog",
          "entity Call",
          "entity CallPair",
          "entity CertificateRevocations",
          "entity ChannelSubscribers",
          "entity Group",
          "entity KeyDirectory",
          "entity Lookups",
          "entity Platform",
          "entity UserMailbox",
          "receptionist peyvand-sessions-bale",
          "receptionist peyvand-ringing-bale",
          "ddata peyvand-platforms");

  @Test
  void everyNameOtherNodesAddressIsTheStoredOne() {
    assertEquals(
        new TreeSet<>(NAMES),
        CrossNodeTypes.addressedNames(),
        "a name other nodes address (entity type, Receptionist key, replicated data key) changed,"
            + " which a node of the previous version would not find; a new one is added to NAMES");
  }

  /** The samples of {@value #SAMPLES}, in the order of its lines. */
  static List<Sample> stored() {
    InputStream in = ClusterMessageSamplesTest.class.getResourceAsStream(SAMPLES);
    assertNotNull(in, SAMPLES + " is on the test classpath");
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      return reader
          .lines()
          .map(String::strip)
          .filter(line -> !line.isEmpty() && !line.startsWith("#"))
          .map(Sample::parse)
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * What a value means, to compare: a record as its class and its components, a byte array as its
   * hex (records compare arrays by identity), collections element by element.
   */
  static Object fields(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof byte[] bytes) {
      return HexFormat.of().formatHex(bytes);
    }
    if (value instanceof List<?> list) {
      return list.stream().map(ClusterMessageSamplesTest::fields).toList();
    }
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> out = new HashMap<>();
      map.forEach((k, v) -> out.put(fields(k), fields(v)));
      return out;
    }
    if (value instanceof Optional<?> optional) {
      return optional.map(ClusterMessageSamplesTest::fields);
    }
    if (value.getClass().isRecord()) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("class", value.getClass().getName());
      for (RecordComponent component : value.getClass().getRecordComponents()) {
        out.put(component.getName(), fields(component(value, component)));
      }
      return out;
    }
    return value;
  }

  /** Calls {@code consumer} with {@code value} and every value inside it. */
  private static void reach(Object value, Consumer<Object> consumer) {
    if (value == null) {
      return;
    }
    consumer.accept(value);
    if (value instanceof Collection<?> collection) {
      collection.forEach(element -> reach(element, consumer));
    } else if (value instanceof Map<?, ?> map) {
      map.forEach(
          (k, v) -> {
            reach(k, consumer);
            reach(v, consumer);
          });
    } else if (value instanceof Optional<?> optional) {
      optional.ifPresent(inner -> reach(inner, consumer));
    } else if (value.getClass().isRecord()) {
      for (RecordComponent component : value.getClass().getRecordComponents()) {
        reach(component(value, component), consumer);
      }
    }
  }

  private static Object component(Object record, RecordComponent component) {
    try {
      component.getAccessor().setAccessible(true);
      return component.getAccessor().invoke(record);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An enum constant with a body is an instance of a subclass: its type is the enum. */
  private static Class<?> typeOf(Object value) {
    return value instanceof Enum<?> e ? e.getDeclaringClass() : value.getClass();
  }
}
