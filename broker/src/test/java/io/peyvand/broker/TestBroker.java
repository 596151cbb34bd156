package io.peyvand.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import io.peyvand.protocol.sdk.PeyvandClient;
import io.peyvand.protocol.sdk.PeyvandClientBuilder;
import io.peyvand.protocol.v1.Capabilities;
import io.peyvand.protocol.v1.ConfigurePlatformRequest;
import io.peyvand.protocol.v1.Envelope;
import io.peyvand.protocol.v1.GroupsClient;
import io.peyvand.protocol.v1.InterconnectClient;
import io.peyvand.protocol.v1.PlatformInfo;
import io.peyvand.protocol.v1.SubmitRequest;
import io.peyvand.protocol.v1.SubmitResult;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.grpc.GrpcClientSettings;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A whole broker node in the test's JVM, on free ports, storing in the test class's keyspace of the
 * shared Cassandra: how integration tests start the broker, the way Main does.
 *
 * <p>Over mutual TLS, as in production: {@link #start} uses the JVM's test CA ({@link
 * TestPki#shared}), and the clients it hands out ({@link #interconnect}, {@link #groups}, {@link
 * #sdk}) present the named platform's certificate and trust only that CA; {@link #get} presents
 * none, as a probe or a scraper.
 *
 * <p>A test class that wants one node for all its tests registers {@link #perClass} as an extension
 * rather than starting and closing the node itself ({@link #twoNodesPerClass} for a cluster).
 *
 * <p>Longer than a few hundred lines for a reason: it is the one node fixture the integration tests
 * share, with the calls they all make as a platform, so that no test grows a copy of its own.
 */
public final class TestBroker implements AutoCloseable, BeforeAllCallback, AfterAllCallback {
  /** The four dev platforms, all opted in by default: bale, eitaa, rubika and soroush. */
  private static final List<String> DEV_PLATFORMS =
      List.of(
          optedIn("bale", "Bale"),
          optedIn("eitaa", "Eitaa"),
          optedIn("rubika", "Rubika"),
          optedIn("soroush", "Soroush Plus"));

  /** The platforms most tests use: both opted in by default. */
  public static final String BALE_AND_EITAA = platforms(DEV_PLATFORMS.subList(0, 2));

  /** The four dev platforms, all opted in by default (groups and channels span them). */
  public static final String FOUR_PLATFORMS = platforms(DEV_PLATFORMS);

  /** Five platforms, all opted in by default, for tests that give each a part of their own. */
  public static final String FIVE_PLATFORMS =
      platforms(Stream.concat(DEV_PLATFORMS.stream(), Stream.of(optedIn("igap", "iGap"))).toList());

  /** What two nodes in one JVM need (their JMX beans apart), with few shards so both host some. */
  private static final String TWO_NODES_IN_ONE_JVM =
      """
      pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
      pekko.cluster.sharding.number-of-shards = 20
      """;

  /** The platforms the node registers at its start ({@code peyvand.platforms.bootstrap}). */
  private static String platforms(List<String> entries) {
    return "peyvand.platforms.bootstrap = [\n" + String.join("\n", entries) + "\n]\n";
  }

  /** A bootstrap platform whose users are opted in by default. */
  private static String optedIn(String id, String displayName) {
    return "{ id = \"%s\", display-name = \"%s\", default-opted-in = true }"
        .formatted(id, displayName);
  }

  private final CassandraKeyspace cassandra;
  private final String config;
  private final TestPki tls;
  private final Map<String, InterconnectClient> clients = new ConcurrentHashMap<>();
  private ActorSystem<Void> system;
  private Broker broker;

  private TestBroker(CassandraKeyspace cassandra, String config, TestPki tls) {
    this.cassandra = cassandra;
    this.config = config;
    this.tls = tls;
  }

  /**
   * A node for a whole test class, started (as {@link #start}, named after the class) before its
   * first test and closed after its last. Register it on an instance field of a {@code PER_CLASS}
   * test class, after the class's {@link CassandraKeyspace}:
   *
   * <pre>
   *   &#64;RegisterExtension final TestBroker node = TestBroker.perClass(cassandra, config);
   * </pre>
   */
  public static TestBroker perClass(CassandraKeyspace cassandra, String config) {
    return new TestBroker(cassandra, config, TestPki.shared());
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    run(context.getRequiredTestClass().getSimpleName());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  /**
   * Starts a node with {@code config} (HOCON) in front of the test defaults, over mutual TLS with
   * the JVM's test CA; waits until bound.
   */
  public static TestBroker start(String name, CassandraKeyspace cassandra, String config)
      throws Exception {
    return start(name, cassandra, config, TestPki.shared());
  }

  /**
   * Starts a node over mutual TLS with {@code tls}'s CA (a test's own, when it revokes or issues
   * certificates of its own), its revocation list reloaded every 300 ms.
   */
  public static TestBroker start(
      String name, CassandraKeyspace cassandra, String config, TestPki tls) throws Exception {
    TestBroker node = new TestBroker(cassandra, config, tls);
    node.run(name);
    return node;
  }

  /** Starts the node's actor system as {@code name} and the broker in it; waits until bound. */
  private void run(String name) throws Exception {
    system =
        ActorSystem.create(
            Behaviors.empty(),
            name,
            cassandra
                .config()
                .withFallback(
                    ConfigFactory.parseString(config + "\n" + tls.brokerTlsConfig("300ms")))
                .withFallback(TestConfig.node()));
    broker = Broker.start(system).toCompletableFuture().get(120, TimeUnit.SECONDS);
  }

  /**
   * Two nodes of one cluster named {@code name} (node 1 joins itself, node 2 joins node 1), both
   * started with {@code config} after {@link #TWO_NODES_IN_ONE_JVM}; returns once both are Up
   * members.
   */
  public static TestBroker[] twoNodeCluster(String name, CassandraKeyspace cassandra, String config)
      throws Exception {
    String both = TWO_NODES_IN_ONE_JVM + config;
    TestBroker node1 = start(name, cassandra, both);
    String seed = Cluster.get(node1.system()).selfMember().address().toString();
    TestBroker node2 =
        start(
            name,
            cassandra,
            both
                + """
        peyvand.cluster.self-join = off
        pekko.cluster.seed-nodes = ["%s"]
        """
                    .formatted(seed));
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (node1.upMembers() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    if (node1.upMembers() < 2) {
      node2.close();
      node1.close();
      throw new AssertionError("the two nodes of " + name + " are not both Up after 60 s");
    }
    return new TestBroker[] {node1, node2};
  }

  /**
   * The two nodes of {@link #twoNodeCluster} for a whole test class, the cluster named after the
   * class: started before its first test and closed after its last (a node the test closed itself
   * is closed again harmlessly). Register it on an instance field of a {@code PER_CLASS} test
   * class, after the class's {@link CassandraKeyspace}.
   */
  public static TwoNodes twoNodesPerClass(CassandraKeyspace cassandra, String config) {
    return new TwoNodes(cassandra, config);
  }

  /** The extension {@link #twoNodesPerClass} returns. */
  public static final class TwoNodes implements BeforeAllCallback, AfterAllCallback {
    private final CassandraKeyspace cassandra;
    private final String config;
    private TestBroker[] nodes;

    private TwoNodes(CassandraKeyspace cassandra, String config) {
      this.cassandra = cassandra;
      this.config = config;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
      nodes = twoNodeCluster(context.getRequiredTestClass().getSimpleName(), cassandra, config);
    }

    @Override
    public void afterAll(ExtensionContext context) {
      if (nodes != null) {
        nodes[1].close();
        nodes[0].close();
      }
    }

    /** The node that joined itself (the seed). */
    public TestBroker node1() {
      return nodes[0];
    }

    /** The node that joined node 1. */
    public TestBroker node2() {
      return nodes[1];
    }
  }

  /** The members this node sees Up. */
  public int upMembers() {
    int up = 0;
    for (Member m : Cluster.get(system).state().getMembers()) {
      if (m.status() == MemberStatus.up()) {
        up++;
      }
    }
    return up;
  }

  /** The gRPC error {@code call} fails with within 20 s; fails if it succeeds. */
  public static StatusRuntimeException failure(CompletionStage<?> call) {
    ExecutionException e =
        assertThrows(
            ExecutionException.class, () -> call.toCompletableFuture().get(20, TimeUnit.SECONDS));
    assertTrue(e.getCause() instanceof StatusRuntimeException, e.toString());
    return (StatusRuntimeException) e.getCause();
  }

  /** Asserts that {@code call} fails with {@code code}, its description mentioning {@code what}. */
  public static void assertRefused(CompletionStage<?> call, Status.Code code, String what) {
    StatusRuntimeException refused = failure(call);
    assertEquals(code, refused.getStatus().getCode());
    assertTrue(
        refused.getStatus().getDescription().contains(what), refused.getStatus().getDescription());
  }

  /** The value of the sample with exactly this name and labels in {@code metrics}, if rendered. */
  public static Optional<Double> sample(String metrics, String series) {
    for (String line : metrics.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Optional.of(Double.parseDouble(line.substring(series.length() + 1)));
      }
    }
    return Optional.empty();
  }

  public ActorSystem<Void> system() {
    return system;
  }

  public Broker broker() {
    return broker;
  }

  /** The CA this node's TLS trusts. */
  public TestPki tls() {
    return tls;
  }

  /** A gRPC client's settings for this node acting as {@code platform}: its certificate. */
  public GrpcClientSettings grpc(String platform) {
    return TestPki.grpc(system, grpcPort(), tls.platform(platform));
  }

  /**
   * The node's own Interconnect client acting as {@code platform} (one per platform, closed with
   * the node): for unary calls (Submit, SetConsent, ConfigurePlatform) as that platform.
   */
  public InterconnectClient as(String platform) {
    return clients.computeIfAbsent(platform, this::interconnect);
  }

  /** Submits {@code envelope} as {@code platform} (a unary Submit); waits at most 20 s. */
  public SubmitResult submit(String platform, Envelope envelope) throws Exception {
    return submit(as(platform), platform, envelope);
  }

  /**
   * Submits {@code envelope} through {@code client} (e.g. a certificate of the test's) as {@code
   * platform}; waits at most 20 s.
   */
  public static SubmitResult submit(InterconnectClient client, String platform, Envelope envelope)
      throws Exception {
    return client
        .submit(SubmitRequest.newBuilder().setPlatformId(platform).setEnvelope(envelope).build())
        .toCompletableFuture()
        .get(20, TimeUnit.SECONDS);
  }

  /**
   * Configures {@code platform} (as itself) with {@code capabilities}, its users opted in by
   * default; waits at most 20 s.
   */
  public PlatformInfo configure(String platform, Capabilities.Builder capabilities)
      throws Exception {
    return as(platform)
        .configurePlatform(
            ConfigurePlatformRequest.newBuilder()
                .setPlatformId(platform)
                .setCapabilities(capabilities)
                .setDefaultOptedIn(true)
                .build())
        .toCompletableFuture()
        .get(20, TimeUnit.SECONDS);
  }

  /** An Interconnect client acting as {@code platform}; close it after use. */
  public InterconnectClient interconnect(String platform) {
    return InterconnectClient.create(grpc(platform), system);
  }

  /**
   * The Groups service with each call made as the platform of the user it acts for ({@link
   * ActingGroups}); close it after use.
   */
  public ActingGroups groups() {
    return new ActingGroups(this);
  }

  /** A Groups client acting as {@code platform}; close it after use. */
  public GroupsClient groups(String platform) {
    return GroupsClient.create(grpc(platform), system);
  }

  /**
   * The SDK's builder for an adapter of {@code platform} on this node (its certificate, this node's
   * actor system); the test adds handlers and builds.
   */
  public PeyvandClientBuilder sdk(String platform) {
    return PeyvandClient.builder()
        .broker("127.0.0.1", grpcPort())
        .platformId(platform)
        .actorSystem(system)
        .tls(tls.platform(platform));
  }

  /** The https URI of {@code path} on the HTTP port. */
  public URI uri(String path) {
    return URI.create("https://127.0.0.1:" + httpPort() + path);
  }

  /**
   * An HTTP client for the HTTP port that presents no certificate (a probe, a scraper), trusting
   * the node's CA.
   */
  private HttpClient http() {
    return HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(5))
        .sslContext(tls.trustOnly())
        .build();
  }

  /** GET {@code path} on the HTTP port without a client certificate. */
  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http()
        .send(
            HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  /** The node's {@code /metrics} (Prometheus text). */
  public String metrics() throws IOException, InterruptedException {
    return get("/metrics").body();
  }

  public int grpcPort() {
    return broker.grpcAddress().getPort();
  }

  public int httpPort() {
    return broker.httpAddress().getPort();
  }

  @Override
  public void close() {
    if (system == null) {
      return; // never started (its class failed before)
    }
    clients.values().forEach(InterconnectClient::close);
    clients.clear();
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
  }
}
