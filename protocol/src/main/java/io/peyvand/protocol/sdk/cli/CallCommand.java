package io.peyvand.protocol.sdk.cli;

import io.peyvand.protocol.CallRequestValidator;
import io.peyvand.protocol.sdk.BrokerEndpoint;
import io.peyvand.protocol.sdk.CallRefusedException;
import io.peyvand.protocol.sdk.CallRequests;
import io.peyvand.protocol.sdk.DeliveryHandler;
import io.peyvand.protocol.sdk.PeyvandClient;
import io.peyvand.protocol.sdk.PeyvandClientBuilder;
import io.peyvand.protocol.sdk.UserAddresses;
import io.peyvand.protocol.v1.CallEndReason;
import io.peyvand.protocol.v1.CallEnded;
import io.peyvand.protocol.v1.CallEvent;
import io.peyvand.protocol.v1.CallRef;
import io.peyvand.protocol.v1.CallRequest;
import io.peyvand.protocol.v1.CallResult;
import io.peyvand.protocol.v1.CallState;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.UserAddress;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code call}: places a call from a user of one platform to a user of another over a session of
 * the caller's platform (which does not ring and takes no deliveries) and prints each step on one
 * line (stdout): the invite's answer, the relay credentials without their password, then each event
 * of the call. An answered call is hung up after {@code --hangup-after} seconds; a call the other
 * side (or the broker) ends ends the command. Session events go to stderr. Signalling only: the SDP
 * offer is a placeholder ({@link CallFormat#placeholderSdp}) and no media flows.
 */
@Command(
    name = "call",
    mixinStandardHelpOptions = true,
    description = {
      "Call a user of another platform and print each step of the call on one line:"
          + " invited (until when it rings), the relay (TURN) credentials' username and URIs"
          + " (never the password), ringing, answered, ended: <reason>. An answered call is hung"
          + " up after --hangup-after seconds; Ctrl-C hangs up at once.",
      "Signalling only: the command sends a placeholder SDP offer, and no media flows. Answer"
          + " with ./peyvand listen --platform <callee's platform> --answer-calls.",
      "It opens a session of the caller's platform that does not ring (invites to that"
          + " platform's users do not come to it) and takes no deliveries: any the broker pushes"
          + " to it stay unacknowledged and come again after the broker's redelivery timeout."
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:the call ended: hung up after the answer, or ended by the other side or the broker"
          + " (declined, busy, no-answer, replaced...)",
      "1:refused by the broker (refused CODE: message), or the call ended failed",
      "2:not sent (a call the protocol refuses: not sent: CODE: message), no answer, or the"
          + " broker could not be reached"
    })
final class CallCommand implements Callable<Integer> {
  static final int ENDED = 0;
  static final int REFUSED = 1;
  static final int NOT_SENT = 2;

  /** How long past the invite's lifetime to wait for the broker to end an unanswered call. */
  private static final Duration GRACE = Duration.ofSeconds(30);

  @Mixin ConnectOptions connect = new ConnectOptions();

  @Option(
      names = "--from",
      required = true,
      paramLabel = "PLATFORM:USER",
      description = "The caller, e.g. eitaa:alice; its platform places the call.")
  String from;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "PLATFORM:USER",
      description = "The callee, a user of another platform, e.g. bale:bob.")
  String to;

  @Option(names = "--video", description = "A video call (audio and video); default audio only.")
  boolean video;

  @Option(
      names = "--id",
      paramLabel = "CALL-ID",
      description =
          "The caller's platform's id of the call, 1-100 characters of A-Z a-z 0-9 . _ - :"
              + " (default: cli- and a random UUID).")
  String callId;

  @Option(
      names = "--hangup-after",
      paramLabel = "SECONDS",
      defaultValue = "5",
      description = "Hang up this long after the answer (default ${DEFAULT-VALUE}).")
  int hangupAfterSeconds;

  @Option(
      names = "--lifetime",
      paramLabel = "SECONDS",
      defaultValue = "0",
      description =
          "How long it rings before it ends no-answer: 60-90, or 0 for the broker's default of 60"
              + " (default ${DEFAULT-VALUE}).")
  int lifetimeSeconds;

  @Mixin SessionNameOption session = new SessionNameOption();

  @Option(
      names = "--wait",
      paramLabel = "SECONDS",
      defaultValue = "10",
      description =
          "How long to try reaching the broker at first, and to wait for each answer (default"
              + " ${DEFAULT-VALUE}).")
  int waitSeconds;

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    UserAddress caller = SendCommand.address(spec, from, "--from");
    UserAddress callee = SendCommand.address(spec, to, "--to");
    if (hangupAfterSeconds < 0) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--hangup-after must be at least 0, got " + hangupAfterSeconds);
    }
    if (waitSeconds < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--wait must be at least 1, got " + waitSeconds);
    }
    List<BrokerEndpoint> endpoints = connect.endpoints(spec);
    TlsOption.Connection connection = connect.forPlatform(spec, caller.getPlatformId());
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    CallRef ref = CallRequests.ref(caller, callId != null ? callId : "cli-" + UUID.randomUUID());
    CallRequest invite = invite(ref, callee);
    Optional<Error> problem = CallRequestValidator.validate(invite);
    if (problem.isPresent()) {
      err.println("not sent: " + problem.get().getCode() + ": " + problem.get().getMessage());
      err.flush();
      return NOT_SENT;
    }

    BlockingQueue<CallEvent> events = new LinkedBlockingQueue<>();
    AtomicReference<PeyvandClient> self = new AtomicReference<>();
    Call call = new Call(ref, callee, out, err);
    PeyvandClientBuilder builder = PeyvandClient.builder().plaintext();
    connection.tls().ifPresent(builder::tls);
    PeyvandClient client =
        builder
            .brokers(endpoints)
            .platformId(caller.getPlatformId())
            .sessionName(session.sessionName)
            .callTimeout(Duration.ofSeconds(waitSeconds))
            // Not acknowledged: the platform's adapter gets them again.
            .autoAcknowledge(false)
            .deliveryHandler(LEAVE_DELIVERIES)
            .callHandler(
                event -> {
                  if (event.getCall().equals(ref)) {
                    events.add(event);
                  }
                })
            .ringCalls(false)
            .sessionListener(new Events(call, self, events))
            .build();
    self.set(client);
    Thread hangUpOnExit =
        new Thread(
            () -> {
              call.hangUpQuietly(client);
              client.close();
            },
            "peyvand-call-hang-up");
    Runtime.getRuntime().addShutdownHook(hangUpOnExit);
    try {
      OptionalInt failed =
          BrokerOption.openSession(client, waitSeconds, endpoints, connection, err);
      if (failed.isPresent()) {
        return failed.getAsInt(); // REFUSED or NOT_SENT
      }
      Optional<CallResult> invited = call.send(client, "invite", invite);
      if (invited.isEmpty()) {
        return NOT_SENT;
      }
      if (invited.get().hasRefused()) {
        call.print(CallFormat.refused(invited.get()));
        return REFUSED;
      }
      call.placed.set(true);
      var accepted = invited.get().getAccepted();
      call.print(
          "invited "
              + UserAddresses.format(callee)
              + " (call "
              + ref.getCallId()
              + ", "
              + CallFormat.media(invite.getInvite().getMediaList())
              + (accepted.getRingingUntilMs() > 0
                  ? ", ringing until " + CallFormat.time(accepted.getRingingUntilMs())
                  : "")
              + ")");
      if (accepted.hasRelay()) {
        call.print(CallFormat.relay(accepted.getRelay()));
      }
      if (accepted.getState() == CallState.ENDED_STATE) {
        call.print(CallFormat.ended(accepted.getEnded()));
        call.over.set(true);
        return exitStatus(accepted.getEnded().getReason());
      }
      if (accepted.getState() == CallState.ANSWERED) {
        call.print("answered");
      }
      return follow(client, call, events, accepted.getState() == CallState.ANSWERED);
    } catch (InterruptedException e) {
      return call.hangUp(client); // interrupted as by Ctrl-C
    } finally {
      out.flush();
      err.flush();
      client.close();
      try {
        Runtime.getRuntime().removeShutdownHook(hangUpOnExit);
      } catch (IllegalStateException e) {
        // the JVM is shutting down (Ctrl-C): the hook hangs up and closes the client
      }
    }
  }

  private CallRequest invite(CallRef ref, UserAddress callee) {
    CallRequest invite =
        CallRequests.invite(ref, callee, CallFormat.placeholderSdp("offer", video), video);
    return invite.toBuilder()
        .setInvite(invite.getInvite().toBuilder().setLifetimeSeconds(lifetimeSeconds))
        .build();
  }

  /**
   * Prints the call's events until it ends, hanging up {@code --hangup-after} seconds after the
   * answer; gives up (hanging up) if the broker has not ended an unanswered call well after its
   * lifetime.
   */
  private int follow(
      PeyvandClient client, Call call, BlockingQueue<CallEvent> events, boolean answered)
      throws InterruptedException {
    int lifetime =
        lifetimeSeconds == 0 ? CallRequestValidator.DEFAULT_LIFETIME_SECONDS : lifetimeSeconds;
    long ringingDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(lifetime) + GRACE.toNanos();
    long hangUpAt = answered ? System.nanoTime() + TimeUnit.SECONDS.toNanos(hangupAfterSeconds) : 0;
    if (answered) {
      call.hangingUpIn(hangupAfterSeconds);
    }
    while (true) {
      long wait = (answered ? hangUpAt : ringingDeadline) - System.nanoTime();
      CallEvent event = events.poll(Math.max(0, wait), TimeUnit.NANOSECONDS);
      if (event == null) {
        if (answered) {
          return call.hangUp(client);
        }
        call.err.printf(
            "the broker did not end the unanswered call within %d s of its lifetime; hanging"
                + " up%n",
            GRACE.toSeconds());
        call.hangUp(client);
        return REFUSED;
      }
      call.print(CallFormat.event(event));
      if (event.hasEnded()) {
        call.over.set(true);
        return exitStatus(event.getEnded().getReason());
      }
      if (event.hasAnswered() && !answered) {
        answered = true;
        hangUpAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(hangupAfterSeconds);
        call.hangingUpIn(hangupAfterSeconds);
      }
    }
  }

  private static int exitStatus(CallEndReason reason) {
    return reason == CallEndReason.FAILED ? REFUSED : ENDED;
  }

  /** Takes no delivery: each stays unacknowledged (automatic acknowledgement is off). */
  private static final DeliveryHandler LEAVE_DELIVERIES =
      DeliveryHandler.withStatuses(
          DeliveryHandler.withGroups(
              delivery -> CompletableFuture.completedFuture(null),
              delivery -> CompletableFuture.completedFuture(null)),
          delivery -> CompletableFuture.completedFuture(null));

  /** The call placed: its name, where it prints, whether it was placed and has ended. */
  private final class Call {
    final CallRef ref;
    final UserAddress callee;
    final PrintWriter out;
    final PrintWriter err;
    final AtomicBoolean placed = new AtomicBoolean();
    final AtomicBoolean over = new AtomicBoolean();

    Call(CallRef ref, UserAddress callee, PrintWriter out, PrintWriter err) {
      this.ref = ref;
      this.callee = callee;
      this.out = out;
      this.err = err;
    }

    void print(String line) {
      synchronized (out) {
        out.println(line);
        out.flush();
      }
    }

    void hangingUpIn(int seconds) {
      err.printf("hanging up in %d s (Ctrl-C hangs up now)%n", seconds);
      err.flush();
    }

    /**
     * Sends {@code request} and waits for its result; empty (said on stderr) when it was not sent
     * or not answered.
     */
    Optional<CallResult> send(PeyvandClient client, String what, CallRequest request)
        throws InterruptedException {
      try {
        return Optional.of(
            client.call(request).toCompletableFuture().get(waitSeconds + 5L, TimeUnit.SECONDS));
      } catch (ExecutionException e) {
        if (e.getCause() instanceof CallRefusedException refused) {
          err.println("not sent: " + refused.code() + ": " + refused.error().getMessage());
        } else {
          err.println("no answer to the " + what + ": " + e.getCause().getMessage());
        }
      } catch (TimeoutException e) {
        err.println("no answer to the " + what + " within " + (waitSeconds + 5L) + " s");
      }
      err.flush();
      return Optional.empty();
    }

    /** Hangs up and prints {@code hung up}; the exit status. */
    int hangUp(PeyvandClient client) throws InterruptedException {
      if (!placed.get() || over.getAndSet(true)) {
        return ENDED;
      }
      Optional<CallResult> result = send(client, "hangup", CallRequests.hangup(ref));
      if (result.isEmpty()) {
        return NOT_SENT;
      }
      if (result.get().hasRefused()) {
        print(CallFormat.refused(result.get()));
        return REFUSED;
      }
      print("hung up");
      return ENDED;
    }

    /** On the way out (Ctrl-C): hangs up if the call is still on, waiting two seconds at most. */
    void hangUpQuietly(PeyvandClient client) {
      if (!placed.get() || over.getAndSet(true)) {
        return;
      }
      try {
        client.call(CallRequests.hangup(ref)).toCompletableFuture().get(2, TimeUnit.SECONDS);
        print("hung up");
      } catch (Exception e) {
        // best effort: the broker ends the call FAILED when the session is gone
      }
    }

    /** A stand-in event for an end the command learns of otherwise (a resume, a lost session). */
    CallEvent ended(CallEnded ended) {
      return CallEvent.newBuilder().setCall(ref).setCallee(callee).setEnded(ended).build();
    }
  }

  /**
   * Prints the session's life to stderr; after a reconnection, resumes the call on the new session
   * (the broker ends it failed if no session of the caller's platform takes it over in time).
   */
  private static final class Events extends SessionLines {
    private final Call call;
    private final AtomicReference<PeyvandClient> client;
    private final BlockingQueue<CallEvent> events;

    Events(Call call, AtomicReference<PeyvandClient> client, BlockingQueue<CallEvent> events) {
      super(call.err);
      this.call = call;
      this.client = client;
      this.events = events;
    }

    @Override
    void connected(boolean again) {
      if (!again || !call.placed.get() || call.over.get()) {
        return;
      }
      client
          .get()
          .call(CallRequests.resume(call.ref))
          .whenComplete(
              (result, failure) -> {
                if (failure != null) {
                  call.err.println("could not resume the call: " + failure.getMessage());
                  call.err.flush();
                } else if (result.hasRefused()) {
                  call.print("resume " + CallFormat.refused(result));
                  events.add(
                      call.ended(CallEnded.newBuilder().setReason(CallEndReason.FAILED).build()));
                } else if (result.getAccepted().getState() == CallState.ENDED_STATE) {
                  events.add(call.ended(result.getAccepted().getEnded()));
                } else {
                  call.print("resumed");
                }
              });
    }

    @Override
    void stopped(boolean wasConnected) {
      if (wasConnected) {
        events.add(call.ended(CallEnded.newBuilder().setReason(CallEndReason.FAILED).build()));
      }
    }
  }
}
