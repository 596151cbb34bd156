/**
 * The command-line adapter ({@code ./peyvand send}, {@code ./peyvand listen}), for trying a broker
 * by hand: {@code send} submits one text message through the unary Submit call and prints the
 * answer; {@code listen} uses the SDK's {@link io.peyvand.protocol.sdk.PeyvandClient} to print and
 * acknowledge a platform's deliveries. It prints only its own lines; the launcher points logback at
 * {@code peyvand-cli-logback.xml}, which keeps the libraries quiet.
 */
package io.peyvand.protocol.sdk.cli;
