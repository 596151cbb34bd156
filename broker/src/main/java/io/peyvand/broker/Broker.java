package io.peyvand.broker;

import com.typesafe.config.Config;
import io.peyvand.broker.audit.AuditLog;
import io.peyvand.broker.audit.HeadSigner;
import io.peyvand.broker.calls.Call;
import io.peyvand.broker.calls.CallKey;
import io.peyvand.broker.calls.CallPair;
import io.peyvand.broker.calls.CallSettings;
import io.peyvand.broker.calls.RelayCredentials;
import io.peyvand.broker.delivery.PendingSweeper;
import io.peyvand.broker.delivery.SessionDirectory;
import io.peyvand.broker.directory.DirectorySettings;
import io.peyvand.broker.directory.Lookups;
import io.peyvand.broker.group.ChannelSettings;
import io.peyvand.broker.group.ChannelSubscribers;
import io.peyvand.broker.group.Group;
import io.peyvand.broker.group.GroupSettings;
import io.peyvand.broker.ingress.PeerAuthentication;
import io.peyvand.broker.ingress.grpc.AdminService;
import io.peyvand.broker.ingress.grpc.DirectoryService;
import io.peyvand.broker.ingress.grpc.DrainingBody;
import io.peyvand.broker.ingress.grpc.GroupsService;
import io.peyvand.broker.ingress.grpc.GrpcHandlers;
import io.peyvand.broker.ingress.grpc.GrpcHealthService;
import io.peyvand.broker.ingress.grpc.InterconnectService;
import io.peyvand.broker.ingress.grpc.KeyPackageDirectoryService;
import io.peyvand.broker.ingress.grpc.Reflection;
import io.peyvand.broker.ingress.grpc.RegulatorService;
import io.peyvand.broker.ingress.http.HttpEndpoints;
import io.peyvand.broker.ingress.ws.WebSocketSessions;
import io.peyvand.broker.keys.KeyDirectory;
import io.peyvand.broker.mailbox.CassandraPendingRegistry;
import io.peyvand.broker.mailbox.MailboxSettings;
import io.peyvand.broker.mailbox.UserMailbox;
import io.peyvand.broker.model.Address;
import io.peyvand.broker.model.Quota;
import io.peyvand.broker.observability.ClusterStatus;
import io.peyvand.broker.observability.Metrics;
import io.peyvand.broker.observability.Readiness;
import io.peyvand.broker.observability.SecurityEvents;
import io.peyvand.broker.observability.ShardingStats;
import io.peyvand.broker.platform.Platform;
import io.peyvand.broker.platform.PlatformCatalog;
import io.peyvand.broker.serialization.ChannelSubscriberSnapshots;
import io.peyvand.broker.serialization.GroupSnapshots;
import io.peyvand.broker.serialization.KeyDirectorySnapshots;
import io.peyvand.broker.serialization.LookupSnapshots;
import io.peyvand.broker.serialization.MailboxSnapshots;
import io.peyvand.broker.service.Administration;
import io.peyvand.broker.service.CallOperations;
import io.peyvand.broker.service.KeyPackageOperations;
import io.peyvand.broker.service.LiveSessions;
import io.peyvand.broker.service.NodeContext;
import io.peyvand.broker.service.Operations;
import io.peyvand.broker.service.Peer;
import io.peyvand.broker.service.Regulation;
import io.peyvand.broker.service.limits.AddressLimits;
import io.peyvand.broker.service.limits.SubmitLimits;
import io.peyvand.broker.service.statistics.Statistics;
import io.peyvand.broker.session.SessionStreams;
import io.peyvand.broker.session.SessionTap;
import io.peyvand.broker.tls.CertificateRevocations;
import io.peyvand.broker.tls.RevocationList;
import io.peyvand.broker.tls.ServerTls;
import io.peyvand.persistence.audit.AuditStore;
import io.peyvand.persistence.directory.DirectoryStore;
import io.peyvand.persistence.journal.EventFacts;
import io.peyvand.persistence.pending.PendingMailboxStore;
import io.peyvand.persistence.schema.SchemaMigrator;
import io.peyvand.persistence.schema.SchemaSettings;
import io.peyvand.persistence.statistics.StatisticsStore;
import io.peyvand.protocol.EnvelopeValidator;
import io.peyvand.protocol.ProtocolLimits;
import io.peyvand.protocol.grpc.health.v1.Health;
import io.peyvand.protocol.grpc.health.v1.HealthHandlerFactory;
import io.peyvand.protocol.tls.KeyMaterial;
import io.peyvand.protocol.v1.Admin;
import io.peyvand.protocol.v1.AdminHandlerFactory;
import io.peyvand.protocol.v1.Directory;
import io.peyvand.protocol.v1.DirectoryHandlerFactory;
import io.peyvand.protocol.v1.Groups;
import io.peyvand.protocol.v1.GroupsHandlerFactory;
import io.peyvand.protocol.v1.Interconnect;
import io.peyvand.protocol.v1.InterconnectHandlerFactory;
import io.peyvand.protocol.v1.KeyPackageDirectory;
import io.peyvand.protocol.v1.KeyPackageDirectoryHandlerFactory;
import io.peyvand.protocol.v1.Regulator;
import io.peyvand.protocol.v1.RegulatorHandlerFactory;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.grpc.javadsl.ServiceHandler;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.ServerBuilder;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.SystemMaterializer;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: wires one broker node into an actor system. {@link #start} binds the HTTP
 * port first (so that {@code /health/ready} can say why the node is not ready yet), joins the
 * cluster ({@link ClusterJoin}: seed nodes, Pekko Management bootstrap, or itself), applies the
 * schema (retrying while Cassandra is unreachable), starts the sharded entities, registers the
 * bootstrap platforms, and then opens sessions: WebSocket on the HTTP port ({@code /v1/ws}, refused
 * with 503 until then) and the gRPC port, bound last. Main and the integration tests start the
 * broker the same way.
 *
 * <p>With {@code peyvand.tls.enabled} both ports speak TLS 1.3 ({@link ServerTls}); each request's
 * {@link Peer} comes from its client certificate ({@link PeerAuthentication}), the revocation list
 * is reloaded every {@code crl-reload-interval} and the sessions of newly revoked certificates are
 * closed ({@link LiveSessions}). Without it, plaintext, and platform ids are taken as given.
 *
 * <p>A started node is what {@link #start} answers: its system, settings, readiness, and the bound
 * HTTP and gRPC ports.
 */
public record Broker(
    ActorSystem<?> system,
    BrokerSettings settings,
    Readiness readiness,
    ServerBinding http,
    ServerBinding grpc) {
  private static final Logger log = LoggerFactory.getLogger(Broker.class);

  /**
   * The session Pekko Persistence's Cassandra plugin uses; shared, not a second connection pool.
   */
  private static final String CASSANDRA_SESSION = "pekko.persistence.cassandra";

  /**
   * Starts a broker node in {@code system}; completes when every listener is bound, or fails (a bad
   * setting, a TLS file that cannot be used, a port taken).
   */
  public static CompletionStage<Broker> start(ActorSystem<?> system) {
    return start(system, SessionTap.NONE);
  }

  /**
   * Starts a broker node with {@code tap} around every session of both edges: only the conformance
   * sandbox (io.peyvand.broker.conformance) calls this, to script faults at the edge; Main and
   * every deployable use {@link #start(ActorSystem)}, without one.
   */
  public static CompletionStage<Broker> start(ActorSystem<?> system, SessionTap tap) {
    BrokerSettings settings;
    Optional<ServerTls> tls;
    try {
      settings = BrokerSettings.fromConfig(system.settings().config());
      tls =
          settings.tls().enabled()
              ? Optional.of(ServerTls.create(settings.tls(), Clock.systemUTC()))
              : Optional.empty();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    PeerAuthentication authentication =
        tls.map(t -> PeerAuthentication.certificates(t.revocations()))
            .orElseGet(PeerAuthentication::plaintext);
    SecurityEvents security = new SecurityEvents();
    NodeContext node = new NodeContext(system, Clock.systemUTC(), settings.askTimeout(), security);
    LiveSessions live =
        tls.map(t -> liveSessions(system, settings, t.revocations(), security))
            .orElseGet(LiveSessions::none);
    CassandraSession cassandra = CassandraSessionRegistry.get(system).sessionFor(CASSANDRA_SESSION);
    // Calls store missed-call records through the operations, built once the entities run.
    AtomicReference<CallOperations> callOperations = new AtomicReference<>();
    MailboxSettings mailboxes = MailboxSettings.fromConfig(system.settings().config());
    DirectorySettings directory;
    CallSettings calls;
    HeadSigner auditSigner;
    try {
      directory =
          DirectorySettings.fromConfig(
              system.settings().config(),
              settings.environment() == BrokerSettings.Environment.PRODUCTION);
      calls = CallSettings.fromConfig(system.settings().config());
      auditSigner =
          settings.tls().enabled()
              ? HeadSigner.of(
                  KeyMaterial.keyStore(
                      settings.tls().keyStore(), settings.tls().keyStorePassword().toCharArray()),
                  settings.tls().keyStorePassword().toCharArray())
              : HeadSigner.ephemeral();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    // One issuer of relay credentials: the call entities' (for the callee's ringing) and the
    // operations' (in the answers).
    RelayCredentials relay = new RelayCredentials(calls.relay(), Clock.systemUTC());
    String keyspace = SchemaSettings.fromConfig(system.settings().config()).keyspace();
    PendingMailboxStore pending =
        new PendingMailboxStore(cassandra.underlying(), keyspace, mailboxes.pendingIndexBuckets());
    AuditStore auditStore = new AuditStore(cassandra.underlying(), keyspace);
    StatisticsStore statisticsStore = new StatisticsStore(cassandra.underlying(), keyspace);
    Config statisticsConfig = system.settings().config().getConfig("peyvand.statistics");
    Readiness readiness = new Readiness(system, cassandra, settings.cassandraCheckTimeout());
    RevocationList revocations = tls.map(ServerTls::revocations).orElseGet(RevocationList::none);
    Metrics metrics = new Metrics(system, security, revocations);
    ClusterStatus clusterStatus = new ClusterStatus(system);
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseBeforeServiceUnbind(),
            "peyvand-not-ready",
            () -> {
              readiness.stopping();
              return CompletableFuture.completedFuture(Done.getInstance());
            });

    readiness.startupStep("binding HTTP");
    CompletableFuture<HttpEndpoints.Started> started = new CompletableFuture<>();
    ServerBuilder httpServer =
        Http.get(system).newServerAt(settings.http().iface(), settings.http().port());
    CompletionStage<ServerBinding> httpBinding =
        tls.map(t -> httpServer.enableHttps(t.clientCertificateRequested()))
            .orElse(httpServer)
            .bind(
                new HttpEndpoints(
                        readiness, metrics, clusterStatus, authentication, started, security)
                    .routes())
            .thenApply(b -> b.addToCoordinatedShutdown(Duration.ofSeconds(5), system));

    return httpBinding
        .thenCompose(http -> ClusterJoin.start(system, settings.join()).thenApply(joining -> http))
        .thenCompose(
            http -> {
              readiness.startupStep("applying the Cassandra schema");
              return applySchema(system, settings, cassandra)
                  .thenCompose(
                      done -> {
                        readiness.startupStep("starting entities");
                        Platform.init(system);
                        CertificateRevocations.init(system);
                        UserMailbox.init(
                            system,
                            mailboxes,
                            new CassandraPendingRegistry(pending),
                            new MailboxSnapshots(mailboxes.limits()));
                        ChannelSettings channels =
                            ChannelSettings.fromConfig(system.settings().config());
                        GroupSettings groups = GroupSettings.fromConfig(system.settings().config());
                        Group.init(
                            system,
                            groups,
                            channels,
                            Group.PENDING_ROWS.in(pending),
                            new GroupSnapshots(groups));
                        ChannelSubscribers.init(
                            system,
                            channels,
                            Group.countSink(system, channels.bucketAskTimeout()),
                            new ChannelSubscriberSnapshots());
                        Lookups.init(system, directory, new LookupSnapshots(directory));
                        Call.init(
                            system,
                            calls,
                            relay,
                            Call.PENDING_ROWS.in(pending),
                            record ->
                                Optional.ofNullable(callOperations.get())
                                    .map(c -> c.storeRecord(record))
                                    .orElseGet(() -> CompletableFuture.completedFuture(false)));
                        CallPair.init(system);
                        AuditLog.init(system, auditStore, auditSigner, Duration.ofSeconds(2));
                        Config keys = system.settings().config().getConfig("peyvand.keys");
                        KeyDirectory.init(
                            system,
                            keys.getInt("max-per-client"),
                            keys.getInt("snapshot-every"),
                            new KeyDirectorySnapshots(keys.getInt("max-per-client")));
                        startSweeps(system, settings, mailboxes, pending);
                        flushRefusals(
                            system,
                            security,
                            statisticsStore,
                            statisticsConfig.getDuration("refusals-flush-interval"));
                        ShardingStats shardingStats =
                            new ShardingStats(
                                system,
                                Map.of(
                                    "mailbox",
                                    UserMailbox.ENTITY_KEY,
                                    "group",
                                    Group.ENTITY_KEY,
                                    "channel-subscribers",
                                    ChannelSubscribers.ENTITY_KEY,
                                    "platform",
                                    Platform.ENTITY_KEY,
                                    "lookups",
                                    Lookups.ENTITY_KEY,
                                    "call",
                                    Call.ENTITY_KEY,
                                    "audit-log",
                                    AuditLog.ENTITY_KEY),
                                Duration.ofSeconds(5));
                        metrics.sharding(shardingStats);
                        clusterStatus.sharding(shardingStats);
                        return registerBootstrapPlatforms(system, settings);
                      })
                  .thenCompose(
                      done -> {
                        readiness.startupStep("binding gRPC");
                        DirectoryStore directoryStore =
                            new DirectoryStore(cassandra.underlying(), keyspace);
                        Statistics statistics =
                            new Statistics(
                                node,
                                new Statistics.Sources(
                                    new EventFacts(
                                        cassandra.underlying(),
                                        keyspace,
                                        system
                                            .settings()
                                            .config()
                                            .getInt("peyvand.journal.fact-shards")),
                                    statisticsStore,
                                    directoryStore,
                                    () ->
                                        settings.bootstrapPlatforms().stream()
                                            .map(BrokerSettings.PlatformSeed::id)
                                            .toList()),
                                auditSigner,
                                statisticsConfig.getDuration("close-after"));
                        Operations operations =
                            operations(node, settings, directory, directoryStore, relay);
                        callOperations.set(operations.calls());
                        // One for both edges: the gRPC service and the sessions' frames.
                        KeyPackageOperations keyPackages =
                            new KeyPackageOperations(
                                operations,
                                auditStore,
                                system
                                    .settings()
                                    .config()
                                    .getDuration("peyvand.keys.max-lifetime"));
                        SessionStreams sessions =
                            sessions(
                                system, settings, mailboxes, operations, keyPackages, live, tap);
                        Administration administration =
                            new Administration(operations, revocations, live);
                        if (tls.isPresent()) {
                          pollRevocations(system, settings, administration);
                        }
                        Regulation regulation =
                            new Regulation(system, auditStore, statistics, settings.askTimeout());
                        started.complete(
                            new HttpEndpoints.Started(
                                new WebSocketSessions(sessions, settings.websocketMaxFrameBytes())
                                    ::handler,
                                regulation));
                        return bindGrpc(
                            system,
                            settings,
                            readiness,
                            tls,
                            authentication,
                            new InterconnectService(
                                operations, sessions, Peer.Unverified.INSTANCE, Optional.empty()),
                            new AdminService(administration, security, Peer.Unverified.INSTANCE),
                            new GroupsService(operations, Peer.Unverified.INSTANCE),
                            new DirectoryService(operations, Peer.Unverified.INSTANCE),
                            new KeyPackageDirectoryService(
                                operations, keyPackages, Peer.Unverified.INSTANCE),
                            new RegulatorService(regulation, security, Peer.Unverified.INSTANCE));
                      })
                  .thenApply(
                      grpc -> {
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

  private static CompletionStage<Done> applySchema(
      ActorSystem<?> system, BrokerSettings settings, CassandraSession cassandra) {
    if (!settings.applySchema()) {
      return CompletableFuture.completedFuture(Done.getInstance());
    }
    SchemaSettings schema = SchemaSettings.fromConfig(system.settings().config());
    Executor blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
    return Patterns.retry(
        () ->
            cassandra
                .underlying()
                .thenApplyAsync(
                    session -> {
                      List<Integer> applied = new SchemaMigrator(session, schema).migrate();
                      if (applied.isEmpty()) {
                        log.info("Cassandra schema is current (keyspace {})", schema.keyspace());
                      } else {
                        log.info(
                            "Applied schema migrations {} to keyspace {}",
                            applied,
                            schema.keyspace());
                      }
                      return Done.getInstance();
                    },
                    blocking)
                .whenComplete(
                    (done, error) -> {
                      if (error != null) {
                        log.warn(
                            "Cannot apply the schema yet (retrying in {}): {}",
                            settings.schemaRetryBackoff(),
                            error.toString());
                      }
                    }),
        Integer.MAX_VALUE,
        attempt -> Optional.of(settings.schemaRetryBackoff()),
        system.classicSystem().scheduler(),
        system.executionContext());
  }

  /**
   * Registers the bootstrap platforms not registered yet, with every capability and their
   * configured consent default. Platforms registered before keep what they configured since.
   */
  private static CompletionStage<Done> registerBootstrapPlatforms(
      ActorSystem<?> system, BrokerSettings settings) {
    CompletableFuture<?>[] registrations =
        settings.bootstrapPlatforms().stream()
            .map(
                seed -> {
                  SessionDirectory.get(system).watch(seed.id());
                  // Retried: on a loaded machine the first writes after start can outlast the ask
                  // timeout, and admission is idempotent.
                  return Patterns.retry(
                          () ->
                              Platform.admit(
                                  system,
                                  seed.id(),
                                  seed.displayName(),
                                  seed.defaultOptedIn(),
                                  settings.askTimeout()),
                          5,
                          settings.schemaRetryBackoff(),
                          system.classicSystem().scheduler(),
                          system.executionContext())
                      .thenAccept(
                          r ->
                              log.info(
                                  "Platform {} ({}) {}",
                                  r.info().platformId(),
                                  r.info().displayName(),
                                  r.created() ? "registered" : "already registered"))
                      .toCompletableFuture();
                })
            .toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(registrations).thenApply(v -> Done.getInstance());
  }

  /**
   * Wakes the mailboxes waiting for a platform when one of its sessions appears, and every
   * sweep-interval for the platforms this node has sessions of; watches every platform the pending
   * index names.
   */
  /**
   * Writes this node's running counts of refusals for the statistics every {@code interval}, and
   * once more when the node stops: each count overwrites the node's earlier one (keyed by its
   * incarnation), so a crash loses at most an interval's refusals and never counts one twice.
   */
  private static void flushRefusals(
      ActorSystem<?> system, SecurityEvents security, StatisticsStore store, Duration interval) {
    String node = Cluster.get(system).selfMember().uniqueAddress().toString();
    Supplier<CompletionStage<Done>> flush =
        () ->
            store
                .putRefusals(
                    security.daily().stream()
                        .map(
                            d ->
                                new StatisticsStore.Refusals(
                                    d.day(), d.platform(), d.code(), node, d.count()))
                        .toList())
                .handle(
                    (done, error) -> {
                      if (error != null) {
                        log.warn("Cannot write the refusal counts yet: {}", error.toString());
                      }
                      return Done.getInstance();
                    });
    system
        .scheduler()
        .scheduleWithFixedDelay(interval, interval, flush::get, system.executionContext());
    CoordinatedShutdown.get(system)
        .addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "peyvand-refusals", flush);
  }

  private static void startSweeps(
      ActorSystem<?> system,
      BrokerSettings settings,
      MailboxSettings mailboxes,
      PendingMailboxStore pending) {
    ClusterSharding sharding = ClusterSharding.get(system);
    PendingSweeper sweeper =
        new PendingSweeper(
            pending,
            key -> {
              Optional<Address> group = Group.PENDING_ROWS.named(key);
              Optional<CallKey> call = Call.PENDING_ROWS.named(key);
              if (group.isPresent()) {
                sharding
                    .entityRefFor(Group.ENTITY_KEY, group.get().toString())
                    .tell(Group.WakeUp.INSTANCE);
              } else if (call.isPresent()) {
                sharding
                    .entityRefFor(Call.ENTITY_KEY, call.get().entityId())
                    .tell(Call.WakeUp.INSTANCE);
              } else {
                sharding
                    .entityRefFor(UserMailbox.ENTITY_KEY, key)
                    .tell(UserMailbox.WakeUp.INSTANCE);
              }
            });
    SessionDirectory directory = SessionDirectory.get(system);
    directory.onChange(
        (platform, sessions) -> {
          if (sessions > 0) {
            sweeper.sweep(platform);
          }
        });
    system
        .scheduler()
        .scheduleWithFixedDelay(
            mailboxes.sweepInterval(),
            mailboxes.sweepInterval(),
            () -> directory.platformsWithSessions().forEach(sweeper::sweep),
            system.executionContext());
    // Every platform the pending index names is watched on every node, at start and periodically:
    // after a whole cluster restarted, no node remembers the platforms registered since.
    system
        .scheduler()
        .scheduleWithFixedDelay(
            Duration.ZERO,
            mailboxes.platformsRefreshInterval(),
            () ->
                pending
                    .platforms()
                    .whenComplete(
                        (platforms, error) -> {
                          if (error != null) {
                            log.warn(
                                "Cannot read the pending index's platforms (retrying in {}): {}",
                                mailboxes.platformsRefreshInterval(),
                                error.toString());
                          } else {
                            directory.watchAll(platforms);
                          }
                        }),
            system.executionContext());
    // Platforms without sessions too, rarely: their mailboxes give up expired items and tell the
    // senders FAILED even if the platform never comes back.
    system
        .scheduler()
        .scheduleWithFixedDelay(
            mailboxes.expirySweepInterval(),
            mailboxes.expirySweepInterval(),
            () -> directory.watchedPlatforms().forEach(sweeper::sweep),
            system.executionContext());
  }

  private static Operations operations(
      NodeContext node,
      BrokerSettings settings,
      DirectorySettings directory,
      DirectoryStore directoryStore,
      RelayCredentials relay) {
    ActorSystem<?> system = node.system();
    PlatformCatalog catalog =
        new PlatformCatalog(
            system,
            settings.platformCacheTtl(),
            settings.askTimeout(),
            SessionDirectory.get(system)::watch);
    SubmitLimits.Settings limits = SubmitLimits.Settings.fromConfig(system.settings().config());
    Quota defaults =
        limits
            .defaults()
            .over(
                new Quota(
                    0,
                    0,
                    0,
                    0,
                    system.settings().config().getInt("peyvand.limits.sessions-per-platform"),
                    (int) Math.min(Integer.MAX_VALUE, directory.platformNewNumbersPerDay())));
    return new Operations(
        node,
        catalog,
        new EnvelopeValidator(ProtocolLimits.defaults()),
        new SubmitLimits(limits, upNodes(system)),
        defaults,
        directory,
        directoryStore,
        relay);
  }

  /**
   * The number of cluster members Up, as this node sees it, refreshed every second: each node
   * admits its share of a platform's cluster-wide rate.
   */
  private static IntSupplier upNodes(ActorSystem<?> system) {
    AtomicInteger up = new AtomicInteger(1);
    system
        .scheduler()
        .scheduleWithFixedDelay(
            Duration.ZERO,
            Duration.ofSeconds(1),
            () -> {
              int count = 0;
              for (Member member : Cluster.get(system).state().getMembers()) {
                if (member.status().equals(MemberStatus.up())) {
                  count++;
                }
              }
              up.set(Math.max(1, count));
            },
            system.executionContext());
    return up::get;
  }

  /**
   * Every crl-reload-interval, the revocations administrators made through any node: newly revoked
   * certificates are refused here too and their sessions closed.
   */
  private static void pollRevocations(
      ActorSystem<?> system, BrokerSettings settings, Administration administration) {
    Duration interval = settings.tls().crlReloadInterval();
    Cancellable poll =
        system
            .scheduler()
            .scheduleWithFixedDelay(
                interval,
                interval,
                () ->
                    administration
                        .pollRevocations()
                        .whenComplete(
                            (closed, error) -> {
                              if (error != null) {
                                log.warn(
                                    "Cannot read the administered revocations yet: {}",
                                    error.toString());
                              }
                            }),
                system.executionContext());
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseServiceUnbind(),
            "peyvand-stop-revocation-poll",
            () -> {
              poll.cancel();
              return CompletableFuture.completedFuture(Done.getInstance());
            });
  }

  /** The sessions of both edges (gRPC Connect and WebSocket), bounded alike. */
  private static SessionStreams sessions(
      ActorSystem<?> system,
      BrokerSettings settings,
      MailboxSettings mailboxes,
      Operations operations,
      KeyPackageOperations keyPackages,
      LiveSessions live,
      SessionTap tap) {
    return new SessionStreams(
        operations,
        keyPackages,
        new SessionStreams.Settings(
            settings.sessionParallelism(),
            settings.sessionOutgoingBuffer(),
            settings.sessionLinger(),
            mailboxes.deliveryWindow(),
            (int) mailboxes.redeliveryAfter().toMillis()),
        live,
        new AddressLimits(AddressLimits.Settings.fromConfig(system.settings().config())),
        tap);
  }

  /**
   * The registry of certificate sessions, and the timer that reloads the revocation list (on the
   * blocking dispatcher: it reads a file) and closes the sessions of newly revoked certificates.
   */
  private static LiveSessions liveSessions(
      ActorSystem<?> system,
      BrokerSettings settings,
      RevocationList revocations,
      SecurityEvents security) {
    LiveSessions live =
        new LiveSessions(identity -> revocations.isRevoked(identity.issuer(), identity.serial()));
    Duration interval = settings.tls().crlReloadInterval();
    system
        .scheduler()
        .scheduleWithFixedDelay(
            interval,
            interval,
            () -> {
              if (!revocations.reload().isEmpty()) {
                int closed = live.closeRevoked();
                security.sessionsClosedByRevocation(closed);
                log.info("Closed {} session(s) of revoked certificates", closed);
              }
            },
            system.dispatchers().lookup(DispatcherSelector.blocking()));
    return live;
  }

  /**
   * The gRPC port: Interconnect, Admin, Groups, Directory, Regulator, health and reflection (v1 and
   * v1alpha). pekko-grpc's generated handlers serve one service instance, while the acting peer
   * differs per request (its TLS session), so each request is handed to a view of the service bound
   * to its peer.
   */
  private static CompletionStage<ServerBinding> bindGrpc(
      ActorSystem<?> system,
      BrokerSettings settings,
      Readiness readiness,
      Optional<ServerTls> tls,
      PeerAuthentication authentication,
      InterconnectService interconnect,
      AdminService admin,
      GroupsService groups,
      DirectoryService directory,
      KeyPackageDirectoryService keyPackages,
      RegulatorService regulator) {
    GrpcHealthService health =
        new GrpcHealthService(
            readiness,
            Set.of(
                Health.name,
                Interconnect.name,
                Admin.name,
                Groups.name,
                Directory.name,
                KeyPackageDirectory.name,
                Regulator.name),
            Duration.ofSeconds(1));
    Materializer materializer = SystemMaterializer.get(system).materializer();
    Reflection reflection =
        new Reflection(
            List.of(
                Interconnect.description,
                Admin.description,
                Groups.description,
                Directory.description,
                KeyPackageDirectory.description,
                Regulator.description,
                Health.description));
    GrpcHandlers handlers = new GrpcHandlers(materializer, system);
    var handler =
        ServiceHandler.concatOrNotFound(
            handlers.perPeer(
                request ->
                    interconnect.forPeer(
                        authentication.peer(request), PeerAuthentication.address(request)),
                InterconnectHandlerFactory::partial,
                Interconnect.name),
            handlers.perPeer(
                request -> admin.forPeer(authentication.peer(request)),
                AdminHandlerFactory::partial,
                Admin.name),
            handlers.perPeer(
                request -> groups.forPeer(authentication.peer(request)),
                GroupsHandlerFactory::partial,
                Groups.name),
            handlers.perPeer(
                request -> directory.forPeer(authentication.peer(request)),
                DirectoryHandlerFactory::partial,
                Directory.name),
            handlers.perPeer(
                request -> keyPackages.forPeer(authentication.peer(request)),
                KeyPackageDirectoryHandlerFactory::partial,
                KeyPackageDirectory.name),
            handlers.perPeer(
                request -> regulator.forPeer(authentication.peer(request)),
                RegulatorHandlerFactory::partial,
                Regulator.name),
            HealthHandlerFactory.partial(health, Health.name, system),
            handlers.of(
                reflection,
                io.peyvand.broker.ingress.grpc.reflection.v1.ServerReflectionHandlerFactory
                    ::partial,
                io.peyvand.broker.ingress.grpc.reflection.v1.ServerReflection.name),
            handlers.of(
                reflection,
                io.peyvand.broker.ingress.grpc.reflection.v1alpha.ServerReflectionHandlerFactory
                    ::partial,
                io.peyvand.broker.ingress.grpc.reflection.v1alpha.ServerReflection.name));
    // Every call's request is drained rather than cancelled when the call stops reading it, so
    // that refusals reach every client as trailers, not as a stream reset (DrainingBody).
    var draining =
        DrainingBody.requests(settings.grpcRequestDrain(), settings.grpcRequestDrainBytes());
    org.apache.pekko.japi.function.Function<HttpRequest, CompletionStage<HttpResponse>> drained =
        request -> handler.apply(draining.apply(request));
    ServerBuilder server =
        Http.get(system).newServerAt(settings.grpc().iface(), settings.grpc().port());
    return tls.map(t -> server.enableHttps(t.clientCertificateRequired()))
        .orElse(server)
        .bind(drained)
        .thenApply(b -> b.addToCoordinatedShutdown(Duration.ofSeconds(5), system));
  }
}
