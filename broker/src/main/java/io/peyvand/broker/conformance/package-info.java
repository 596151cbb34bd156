/**
 * The conformance kit ({@code ./peyvand conformance --platform <id>}, protocol/CONFORMANCE.md): a
 * sandbox broker (the real {@link io.peyvand.broker.Broker}, embedded as {@code ./peyvand dev} runs
 * it) with a {@link io.peyvand.broker.session.SessionTap} that records the frames of the platform
 * under test and injects scripted faults at the edge; scenarios that play the other platforms over
 * the protocol only (the kit's own platform, through the adapter SDK) and judge the adapter by the
 * frames it sent; a report a platform can hand in. Nothing here runs in a broker started any other
 * way.
 */
package io.peyvand.broker.conformance;
