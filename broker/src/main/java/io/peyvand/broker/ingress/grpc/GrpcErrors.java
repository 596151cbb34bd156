package io.peyvand.broker.ingress.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Status;
import io.peyvand.protocol.FrameDecoding;
import io.peyvand.protocol.v1.Error;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.grpc.Trailers;
import org.apache.pekko.grpc.javadsl.GrpcExceptionHandler;
import org.apache.pekko.japi.Function;

/**
 * Maps failures of gRPC calls to statuses. A request that does not decode (garbage, a truncated
 * message, invalid UTF-8 in a text field) is INVALID_ARGUMENT with the protocol's error code and
 * what was wrong, not pekko-grpc's default INTERNAL; everything else keeps the default mapping.
 */
public final class GrpcErrors {
  private GrpcErrors() {}

  public static final Function<ActorSystem, Function<Throwable, Trailers>> MAPPER =
      system -> {
        Function<Throwable, Trailers> fallback = GrpcExceptionHandler.defaultMapper().apply(system);
        return failure -> {
          for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof InvalidProtocolBufferException) {
              Error error = FrameDecoding.decodeError(t);
              return Trailers.apply(
                  Status.INVALID_ARGUMENT.withDescription(
                      error.getCode() + ": " + error.getMessage()));
            }
          }
          return fallback.apply(failure);
        };
      };
}
