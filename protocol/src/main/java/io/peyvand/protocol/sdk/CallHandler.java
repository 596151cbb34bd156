package io.peyvand.protocol.sdk;

import io.peyvand.protocol.v1.CallEvent;

/**
 * What an adapter does with the call events the broker pushes to its session (calls.proto,
 * ServerFrame.call_event): an invite to one of the platform's users ({@code invited}, only to a
 * session that rings, see below), and the other side's steps of a call this session placed,
 * answered or resumed ({@code ringing}, {@code answered}, {@code candidates}, {@code negotiate},
 * {@code ended}, {@code resumed}).
 *
 * <p>Registering one with {@link PeyvandClientBuilder#callHandler} makes the session declare {@code
 * Hello.ring_calls}: invites to the platform's users ring on it, and the handler is expected to
 * ring the user's devices and answer or reject through {@link PeyvandClient#call}. An instance that
 * only places calls sets {@link PeyvandClientBuilder#ringCalls ringCalls(false)} as well: it gets
 * the events of its own calls and no invites. Without a handler the session does not ring, and
 * events of calls it placed are dropped (logged at debug): register one to learn how they go.
 *
 * <p>{@code onCallEvent} is called on a stream thread of the SDK, once per event, in the order the
 * broker sent them; it must not block (sending the next step with {@link PeyvandClient#call} is
 * fine: it returns at once). An exception it throws is logged and the event is gone: call events
 * are never repeated or acknowledged. An event may arrive before the {@link PeyvandClient#call}
 * stage of the request that caused it completes, since those stages complete on the actor system's
 * dispatcher.
 */
@FunctionalInterface
public interface CallHandler {
  /** Drops every event: what a client built without a call handler uses. */
  CallHandler NONE = event -> {};

  /** Takes one event of a call; must return quickly. */
  void onCallEvent(CallEvent event);
}
