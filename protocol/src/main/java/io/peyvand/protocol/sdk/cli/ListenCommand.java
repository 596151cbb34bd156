package io.peyvand.protocol.sdk.cli;

import io.peyvand.protocol.sdk.BrokerEndpoint;
import io.peyvand.protocol.sdk.CallHandler;
import io.peyvand.protocol.sdk.CallRequests;
import io.peyvand.protocol.sdk.DeliveryHandler;
import io.peyvand.protocol.sdk.PeyvandClient;
import io.peyvand.protocol.sdk.PeyvandClientBuilder;
import io.peyvand.protocol.v1.CallEndReason;
import io.peyvand.protocol.v1.CallEvent;
import io.peyvand.protocol.v1.CallMedia;
import io.peyvand.protocol.v1.CallRef;
import io.peyvand.protocol.v1.CallRequest;
import java.io.PrintWriter;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code listen}: opens a session for a platform and prints each delivery on one line (stdout), a
 * mailbox's ({@link DeliveryFormat}) or a group's ({@link GroupFormat}), acknowledging it unless
 * {@code --no-ack}, until Ctrl-C. Session events go to stderr. With {@code --answer-calls} or
 * {@code --decline-calls} the session also rings (Hello.ring_calls): it prints each call event on
 * one line ({@link CallFormat}) and answers every invite (ringing, then an answer with a
 * placeholder SDP) or rejects it DECLINED, printing the broker's answer to each step.
 */
@Command(
    name = "listen",
    mixinStandardHelpOptions = true,
    description = {
      "Open a session for a platform, print each delivery (of its users' mailboxes"
          + " and of its groups) on one line and acknowledge it, until Ctrl-C.",
      "A listening session competes with the platform's own adapter for deliveries.",
      "With --answer-calls or --decline-calls, invites to the platform's users ring on this"
          + " session too: each call event prints on one line (call CALLER/ID to CALLEE: ...),"
          + " and every invite is answered (ringing, then an answer) or declined. Signalling"
          + " only: the answer's SDP is a placeholder and no media flows."
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {"1:the broker refused the session", "2:the broker could not be reached"})
final class ListenCommand implements Callable<Integer> {
  @Mixin ConnectOptions connect = new ConnectOptions();

  @Option(
      names = "--platform",
      required = true,
      paramLabel = "PLATFORM",
      description = "The platform to receive for, e.g. bale.")
  String platform;

  @Option(
      names = "--no-ack",
      description =
          "Acknowledge nothing: the broker sends every item"
              + " again after its redelivery timeout, printed with (redelivery).")
  boolean noAck;

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  CallAnswering calls;

  /** What the session does with the invites that ring on it: one of the two, or no ringing. */
  static final class CallAnswering {
    @Option(
        names = "--answer-calls",
        required = true,
        description =
            "Ring for the platform's users' calls and answer every invite: ringing, then an"
                + " answer with a placeholder SDP (the first answer wins).")
    boolean answer;

    @Option(
        names = "--decline-calls",
        required = true,
        description = "Ring for the platform's users' calls and reject every invite DECLINED.")
    boolean decline;
  }

  @Mixin SessionNameOption session = new SessionNameOption();

  @Option(
      names = "--wait",
      paramLabel = "SECONDS",
      defaultValue = "10",
      description = "How long to try reaching the broker at first (default ${DEFAULT-VALUE}).")
  int waitSeconds;

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<BrokerEndpoint> endpoints = connect.endpoints(spec);
    TlsOption.Connection connection = connect.forPlatform(spec, platform);
    CountDownLatch stopped = new CountDownLatch(1);
    AtomicReference<PeyvandClient> self = new AtomicReference<>();
    PeyvandClientBuilder builder = PeyvandClient.builder().plaintext();
    connection.tls().ifPresent(builder::tls);
    if (calls != null) {
      builder.callHandler(new CallAnswerer(out, self, calls.answer));
    }
    PeyvandClient client =
        builder
            .brokers(endpoints)
            .platformId(platform)
            .sessionName(session.sessionName)
            // Without acknowledgements show every redelivery rather than skip it.
            .autoAcknowledge(!noAck)
            .deduplicate(!noAck)
            .deliveryHandler(
                DeliveryHandler.of(
                    delivery -> print(out, DeliveryFormat.line(delivery)),
                    group -> print(out, GroupFormat.line(group))))
            .sessionListener(new Events(err, stopped))
            .build();
    self.set(client);
    Thread closeOnExit = new Thread(client::close, "peyvand-listen-close");
    Runtime.getRuntime().addShutdownHook(closeOnExit);
    try {
      OptionalInt failed =
          BrokerOption.openSession(client, waitSeconds, endpoints, connection, err);
      if (failed.isPresent()) {
        return failed.getAsInt();
      }
      err.printf(
          "listening for %s deliveries at %s over %s%s%s; Ctrl-C to stop%n",
          platform,
          client
              .currentBroker()
              .map(BrokerEndpoint::toString)
              .orElse(BrokerEndpoint.format(endpoints)),
          connection.description(),
          noAck ? ", acknowledging nothing" : "",
          calls == null ? "" : calls.answer ? ", answering calls" : ", declining calls");
      err.flush();
      stopped.await();
      return 1; // the broker refused the session (printed by Events)
    } catch (InterruptedException e) {
      return 0;
    } finally {
      client.close();
      try {
        Runtime.getRuntime().removeShutdownHook(closeOnExit);
      } catch (IllegalStateException e) {
        // the JVM is shutting down (Ctrl-C): the hook closes the client
      }
    }
  }

  /** One line per delivery; handlers run concurrently, lines never interleave. */
  private static void print(PrintWriter out, String line) {
    synchronized (out) {
      out.println(line);
      out.flush();
    }
  }

  /**
   * Prints each call event and answers or declines each invite. Runs on the SDK's stream thread:
   * the steps are sent without waiting, and their answers print when they come.
   */
  private static final class CallAnswerer implements CallHandler {
    private final PrintWriter out;
    private final AtomicReference<PeyvandClient> client;
    private final boolean answer;

    /** The calls this session answered or declined and that have not ended. */
    private final Set<CallRef> taken = ConcurrentHashMap.newKeySet();

    CallAnswerer(PrintWriter out, AtomicReference<PeyvandClient> client, boolean answer) {
      this.out = out;
      this.client = client;
      this.answer = answer;
    }

    @Override
    public void onCallEvent(CallEvent event) {
      print(out, CallFormat.line(event));
      if (event.hasEnded()) {
        taken.remove(event.getCall());
      }
      if (!event.hasInvited()) {
        return;
      }
      String prefix = CallFormat.prefix(event);
      if (event.getInvited().hasRelay()) {
        print(out, prefix + CallFormat.relay(event.getInvited().getRelay()));
      }
      PeyvandClient c = client.get();
      if (c == null || !taken.add(event.getCall())) {
        return; // a resumed invite of a call already taken
      }
      CallRef call = event.getCall();
      if (answer) {
        boolean video = event.getMediaList().contains(CallMedia.VIDEO);
        send(c, prefix, "ringing", CallRequests.ringing(call))
            .thenCompose(
                rang ->
                    rang
                        ? send(
                            c,
                            prefix,
                            "answer",
                            CallRequests.answer(call, CallFormat.placeholderSdp("answer", video)))
                        : CompletableFuture.completedFuture(false));
      } else {
        send(c, prefix, "reject declined", CallRequests.reject(call, CallEndReason.DECLINED));
      }
    }

    /**
     * Sends a step and prints the broker's answer to it: {@code sent answer (state answered)}, or
     * {@code sent answer: refused CODE: message}, or why it got none. Completes with whether the
     * broker accepted it.
     */
    private CompletionStage<Boolean> send(
        PeyvandClient c, String prefix, String what, CallRequest request) {
      return c.call(request)
          .handle(
              (result, failure) -> {
                if (failure != null) {
                  Throwable cause =
                      failure instanceof CompletionException && failure.getCause() != null
                          ? failure.getCause()
                          : failure;
                  print(out, prefix + what + " not answered: " + cause.getMessage());
                  return false;
                }
                if (result.hasRefused()) {
                  print(out, prefix + "sent " + what + ": " + CallFormat.refused(result));
                  return false;
                }
                print(
                    out,
                    prefix
                        + "sent "
                        + what
                        + " (state "
                        + CallFormat.state(result.getAccepted().getState())
                        + ")");
                return true;
              });
    }
  }

  /** Prints the session's life to stderr; counts down when the session stopped. */
  private static final class Events extends SessionLines {
    private final CountDownLatch stopped;

    Events(PrintWriter err, CountDownLatch stopped) {
      super(err);
      this.stopped = stopped;
    }

    @Override
    void stopped(boolean wasConnected) {
      stopped.countDown();
    }
  }
}
