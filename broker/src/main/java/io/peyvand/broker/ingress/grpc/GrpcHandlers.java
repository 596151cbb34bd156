package io.peyvand.broker.ingress.grpc;

import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.grpc.Trailers;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.stream.Materializer;

/**
 * The gRPC port's handlers, each made by a pekko-grpc generated {@code *HandlerFactory.partial}
 * with the one materializer and the broker's error mapping ({@link GrpcErrors#MAPPER}).
 */
public final class GrpcHandlers {

  /** A generated {@code XHandlerFactory::partial} of a service of type {@code S}. */
  @FunctionalInterface
  public interface Factory<S> {
    Function<HttpRequest, CompletionStage<HttpResponse>> partial(
        S implementation,
        String prefix,
        Materializer materializer,
        org.apache.pekko.japi.Function<
                ActorSystem, org.apache.pekko.japi.Function<Throwable, Trailers>>
            errors,
        ClassicActorSystemProvider system);
  }

  private final Materializer materializer;
  private final ClassicActorSystemProvider system;

  public GrpcHandlers(Materializer materializer, ClassicActorSystemProvider system) {
    this.materializer = materializer;
    this.system = system;
  }

  /** The handler of one service instance. */
  public <S> Function<HttpRequest, CompletionStage<HttpResponse>> of(
      S service, Factory<S> factory, String name) {
    return factory.partial(service, name, materializer, GrpcErrors.MAPPER, system);
  }

  /**
   * The handler of a service whose acting peer differs per request (its TLS session): each request
   * is served by the view {@code forRequest} binds to it.
   */
  public <S> Function<HttpRequest, CompletionStage<HttpResponse>> perPeer(
      java.util.function.Function<HttpRequest, S> forRequest, Factory<S> factory, String name) {
    return request -> of(forRequest.apply(request), factory, name).apply(request);
  }
}
