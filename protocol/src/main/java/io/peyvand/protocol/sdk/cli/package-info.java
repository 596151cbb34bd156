/**
 * The command-line adapter ({@code ./peyvand send}, {@code listen}, {@code call}, {@code group},
 * {@code channel}, {@code directory}, {@code admin}), for trying a broker by hand: {@code send}
 * (and {@code group post}) submits one text message through the unary Submit call and prints the
 * answer; {@code listen} uses the SDK's {@link io.peyvand.protocol.sdk.PeyvandClient} to print and
 * acknowledge a platform's deliveries, of mailboxes and of groups, and with {@code --answer-calls}
 * or {@code --decline-calls} to ring for its users' calls and answer or decline them; {@code call}
 * places a call over a session of the caller's platform and prints each step (signalling only, no
 * media); {@code group} and {@code channel} make the Groups calls, and {@code directory} the
 * Directory calls, through the same client, which checks each request first. Every command prints
 * one line per result and exits 0 (done), 1 (refused by the broker) or 2 (a usage error, or the
 * broker could not be reached). {@code --broker} names one broker or the nodes of a cluster ({@link
 * io.peyvand.protocol.sdk.cli.BrokerOption}). It prints only its own lines; the launcher points
 * logback at {@code peyvand-cli-logback.xml}, which keeps the libraries quiet.
 */
package io.peyvand.protocol.sdk.cli;
