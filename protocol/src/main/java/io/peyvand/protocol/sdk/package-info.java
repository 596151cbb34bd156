/**
 * The adapter SDK: what a platform's adapter uses to talk to the Peyvand broker. A {@link
 * io.peyvand.protocol.sdk.PeyvandClient} keeps one session (the gRPC Connect stream) open,
 * reconnecting with backoff; submits envelopes and resends them with the same message_id until the
 * broker gives a final answer, relying on the broker's deduplication; gives each delivery once to a
 * {@link io.peyvand.protocol.sdk.DeliveryHandler} and acknowledges it, cumulatively and batched per
 * mailbox (or per group, for the items of groups and channels), once handled; makes the group
 * operations of the Groups service and the directory calls of the Directory service over the same
 * connection, checked before they are sent ({@code UnaryCalls}, which retries UNAVAILABLE on the
 * next node and maps refusals to error codes); carries the signalling of voice and video calls on
 * the session ({@link io.peyvand.protocol.sdk.PeyvandClient#call}, each request matched to its
 * CallResult by {@code CallTracker}; the broker's call events go to a {@link
 * io.peyvand.protocol.sdk.CallHandler}, whose presence makes the session ring). The pure parts
 * ({@code AckTracker}, {@code SubmitTracker}) hold the decisions and are tested without actors;
 * {@code SessionConnection} is one stream and {@code SessionKeeper} reopens it, on the next node
 * when the client was given several nodes of a broker cluster ({@code BrokerChannels} holds one
 * connection per node used). Memory is bounded: a bounded outgoing queue, a cap on pending submits
 * and on deliveries in hand. SDK.md in the protocol module is the guide.
 */
package io.peyvand.protocol.sdk;
