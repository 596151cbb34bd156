package io.peyvand.broker.ingress.grpc;

import java.time.Duration;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;
import org.apache.pekko.util.ByteString;

/**
 * A gRPC call's request body that is never cancelled while the client still sends it: when the call
 * stops reading (a message that does not decode, a call answered early) the rest of the body is
 * read and dropped, for at most {@code drainFor} and {@code drainBytes}, and only then cancelled.
 *
 * <p>Why: pekko-http answers a request body cancelled before the client ended it with
 * RST_STREAM(CANCEL) at once, ahead of the response's trailers. pekko-grpc decodes each message
 * before its own guard against that, so a message that did not decode reset the stream; grpc-java's
 * client still read the status, but Node's HTTP/2 stack, like others, drops everything after a
 * reset, and its client saw only CANCELLED instead of INVALID_ARGUMENT (issue 14). With the body
 * drained, the call ends with its trailers and END_STREAM. A client that goes on sending after that
 * is cut off after {@code drainFor} or {@code drainBytes} (then the stream is reset, after the
 * trailers).
 */
public final class DrainingBody extends GraphStage<FlowShape<ByteString, ByteString>> {
  private final Inlet<ByteString> in = Inlet.create("DrainingBody.in");
  private final Outlet<ByteString> out = Outlet.create("DrainingBody.out");
  private final FlowShape<ByteString, ByteString> shape = FlowShape.of(in, out);
  private final Duration drainFor;
  private final long drainBytes;

  public DrainingBody(Duration drainFor, long drainBytes) {
    this.drainFor = drainFor;
    this.drainBytes = drainBytes;
  }

  /** Wraps every request's body; the handler sees the same request otherwise. */
  public static Function<HttpRequest, HttpRequest> requests(Duration drainFor, long drainBytes) {
    return request ->
        request.withEntity(
            HttpEntities.createChunked(
                request.entity().getContentType(),
                request.entity().getDataBytes().via(new DrainingBody(drainFor, drainBytes))));
  }

  @Override
  public FlowShape<ByteString, ByteString> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes attributes) {
    return new TimerGraphStageLogic(shape) {
      {
        setHandler(
            in,
            new AbstractInHandler() {
              @Override
              public void onPush() {
                push(out, grab(in));
              }
            });
        setHandler(
            out,
            new AbstractOutHandler() {
              @Override
              public void onPull() {
                pull(in);
              }

              @Override
              public void onDownstreamFinish(Throwable cause) {
                drain();
              }
            });
      }

      private long drained;

      private void drain() {
        setHandler(
            in,
            new AbstractInHandler() {
              @Override
              public void onPush() {
                drained += grab(in).size();
                if (drained > drainBytes) {
                  cancelStage(
                      new IllegalStateException(
                          "request body still sent: over "
                              + drainBytes
                              + " bytes after the call ended"));
                } else {
                  pull(in);
                }
              }

              @Override
              public void onUpstreamFinish() {
                completeStage();
              }

              @Override
              public void onUpstreamFailure(Throwable ex) {
                completeStage();
              }
            });
        if (!hasBeenPulled(in)) {
          pull(in);
        }
        scheduleOnce("drained-enough", drainFor);
      }

      @Override
      public void onTimer(Object key) {
        cancelStage(
            new IllegalStateException(
                "request body still sent " + drainFor + " after the call ended"));
      }
    };
  }
}
