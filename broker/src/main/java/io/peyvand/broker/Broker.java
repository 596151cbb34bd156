package io.peyvand.broker;

import io.peyvand.broker.ingress.grpc.GrpcHealthService;
import io.peyvand.broker.ingress.http.HttpEndpoints;
import io.peyvand.broker.observability.Metrics;
import io.peyvand.broker.observability.Readiness;
import io.peyvand.broker.platform.Platform;
import io.peyvand.persistence.schema.SchemaMigrator;
import io.peyvand.persistence.schema.SchemaSettings;
import io.peyvand.protocol.grpc.health.v1.Health;
import io.peyvand.protocol.grpc.health.v1.HealthHandlerFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.grpc.javadsl.ServerReflection;
import org.apache.pekko.grpc.javadsl.ServiceHandler;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: wires one broker node into an actor system. {@link #start} binds the HTTP
 * port first (so that {@code /health/ready} can say why the node is not ready yet), joins the
 * cluster, applies the schema (retrying while Cassandra is unreachable), starts the sharded
 * entities, registers the bootstrap platforms, and binds the gRPC port last. Main and the
 * integration tests start the broker the same way.
 */
public final class Broker {
  private static final Logger log = LoggerFactory.getLogger(Broker.class);
  /** The session Pekko Persistence's Cassandra plugin uses; shared, not a second connection pool. */
  private static final String CASSANDRA_SESSION = "pekko.persistence.cassandra";

  private final ActorSystem<?> system;
  private final BrokerSettings settings;
  private final Readiness readiness;
  private final ServerBinding http;
  private final ServerBinding grpc;

  private Broker(ActorSystem<?> system, BrokerSettings settings, Readiness readiness,
      ServerBinding http, ServerBinding grpc) {
    this.system = system;
    this.settings = settings;
    this.readiness = readiness;
    this.http = http;
    this.grpc = grpc;
  }

  /** Starts a broker node in {@code system}; completes when every listener is bound. */
  public static CompletionStage<Broker> start(ActorSystem<?> system) {
    BrokerSettings settings = BrokerSettings.fromConfig(system.settings().config());
    CassandraSession cassandra = CassandraSessionRegistry.get(system).sessionFor(CASSANDRA_SESSION);
    Readiness readiness = new Readiness(system, cassandra, settings.cassandraCheckTimeout());
    Metrics metrics = new Metrics(system);
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(),
        "peyvand-not-ready", () -> {
          readiness.stopping();
          return CompletableFuture.completedFuture(Done.getInstance());
        });

    readiness.startupStep("binding HTTP");
    CompletionStage<ServerBinding> httpBinding = Http.get(system)
        .newServerAt(settings.http().iface(), settings.http().port())
        .bind(new HttpEndpoints(readiness, metrics).routes())
        .thenApply(b -> b.addToCoordinatedShutdown(Duration.ofSeconds(5), system));

    return httpBinding.thenCompose(http -> {
      if (settings.selfJoin()) {
        Cluster cluster = Cluster.get(system);
        cluster.manager().tell(Join.create(cluster.selfMember().address()));
      }
      readiness.startupStep("applying the Cassandra schema");
      return applySchema(system, settings, cassandra)
          .thenCompose(done -> {
            readiness.startupStep("starting entities");
            Platform.init(system);
            return registerBootstrapPlatforms(system, settings);
          })
          .thenCompose(done -> {
            readiness.startupStep("binding gRPC");
            return bindGrpc(system, settings, readiness);
          })
          .thenApply(grpc -> {
            readiness.started();
            return new Broker(system, settings, readiness, http, grpc);
          });
    });
  }

  public InetSocketAddress grpcAddress() {
    return grpc.localAddress();
  }

  public InetSocketAddress httpAddress() {
    return http.localAddress();
  }

  public BrokerSettings settings() {
    return settings;
  }

  public Readiness readiness() {
    return readiness;
  }

  public ActorSystem<?> system() {
    return system;
  }

  private static CompletionStage<Done> applySchema(ActorSystem<?> system, BrokerSettings settings,
      CassandraSession cassandra) {
    if (!settings.applySchema()) {
      return CompletableFuture.completedFuture(Done.getInstance());
    }
    SchemaSettings schema = SchemaSettings.fromConfig(system.settings().config());
    Executor blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
    return Patterns.retry(
        () -> cassandra.underlying().thenApplyAsync(session -> {
          List<Integer> applied = new SchemaMigrator(session, schema).migrate();
          log.info(applied.isEmpty() ? "Cassandra schema is current (keyspace {})"
              : "Applied schema migrations {} to keyspace {}",
              applied.isEmpty() ? schema.keyspace() : applied, schema.keyspace());
          return Done.getInstance();
        }, blocking).whenComplete((done, error) -> {
          if (error != null) {
            log.warn("Cannot apply the schema yet (retrying in {}): {}",
                settings.schemaRetryBackoff(), error.toString());
          }
        }),
        Integer.MAX_VALUE,
        attempt -> Optional.of(settings.schemaRetryBackoff()),
        system.classicSystem().scheduler(),
        system.executionContext());
  }

  private static CompletionStage<Done> registerBootstrapPlatforms(ActorSystem<?> system,
      BrokerSettings settings) {
    ClusterSharding sharding = ClusterSharding.get(system);
    CompletableFuture<?>[] registrations = settings.bootstrapPlatforms().stream()
        .map(seed -> AskPattern.<Platform.Command, Platform.Registration>ask(
                sharding.entityRefFor(Platform.ENTITY_KEY, seed.id()),
                replyTo -> new Platform.Register(seed.displayName(), replyTo),
                settings.askTimeout(), system.scheduler())
            .thenAccept(r -> log.info("Platform {} ({}) {}", r.info().platformId(),
                r.info().displayName(), r.created() ? "registered" : "already registered"))
            .toCompletableFuture())
        .toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(registrations).thenApply(v -> Done.getInstance());
  }

  private static CompletionStage<ServerBinding> bindGrpc(ActorSystem<?> system,
      BrokerSettings settings, Readiness readiness) {
    GrpcHealthService health = new GrpcHealthService(readiness, Set.of(Health.name),
        Duration.ofSeconds(1));
    var handler = ServiceHandler.concatOrNotFound(
        HealthHandlerFactory.partial(health, Health.name, system),
        ServerReflection.create(List.of(Health.description), system));
    return Http.get(system)
        .newServerAt(settings.grpc().iface(), settings.grpc().port())
        .bind(handler)
        .thenApply(b -> b.addToCoordinatedShutdown(Duration.ofSeconds(5), system));
  }
}
