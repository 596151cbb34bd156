package io.peyvand.broker.ingress.grpc;

import io.grpc.Status;
import io.peyvand.broker.observability.Readiness;
import io.peyvand.protocol.grpc.health.v1.Health;
import io.peyvand.protocol.grpc.health.v1.HealthCheckRequest;
import io.peyvand.protocol.grpc.health.v1.HealthCheckResponse;
import io.peyvand.protocol.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.NotUsed;
import org.apache.pekko.grpc.GrpcServiceException;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The standard gRPC health service on the adapter port: SERVING when the node is ready (the same
 * checks as {@code /health/ready}), NOT_SERVING otherwise; NOT_FOUND for a service this node does
 * not serve.
 */
public final class GrpcHealthService implements Health {
  private final Readiness readiness;
  private final Set<String> services;
  private final Duration watchInterval;

  /**
   * @param services the gRPC service names served on this port ("" is always known: the node)
   */
  public GrpcHealthService(Readiness readiness, Set<String> services, Duration watchInterval) {
    this.readiness = readiness;
    this.services = services;
    this.watchInterval = watchInterval;
  }

  @Override
  public CompletionStage<HealthCheckResponse> check(HealthCheckRequest in) {
    if (!known(in.getService())) {
      throw new GrpcServiceException(
          Status.NOT_FOUND.withDescription(
              "unknown service '" + in.getService() + "'; this node serves " + services));
    }
    return current();
  }

  @Override
  public Source<HealthCheckResponse, NotUsed> watch(HealthCheckRequest in) {
    if (!known(in.getService())) {
      return Source.single(response(ServingStatus.SERVICE_UNKNOWN));
    }
    AtomicReference<ServingStatus> last = new AtomicReference<>();
    return Source.tick(Duration.ZERO, watchInterval, NotUsed.getInstance())
        .mapMaterializedValue(cancellable -> NotUsed.getInstance())
        .mapAsync(1, tick -> current())
        .mapConcat(r -> r.getStatus() == last.getAndSet(r.getStatus()) ? List.of() : List.of(r));
  }

  private boolean known(String service) {
    return service.isEmpty() || services.contains(service);
  }

  private CompletionStage<HealthCheckResponse> current() {
    return readiness
        .check()
        .thenApply(
            report -> response(report.ready() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING));
  }

  private static HealthCheckResponse response(ServingStatus status) {
    return HealthCheckResponse.newBuilder().setStatus(status).build();
  }
}
