/**
 * Calls between platforms (phase 3, PROTOCOL.md §16): one event-sourced {@link
 * io.peyvand.broker.calls.Call} entity per call, which carries the signalling between the two
 * sides' sessions ({@link io.peyvand.broker.calls.CallSignal}) and persists only the invite, the
 * answer, a side's resume and the end; {@link io.peyvand.broker.calls.CallPair} resolves glare; the
 * missed-call records of unanswered calls go to the users' mailboxes through {@link
 * io.peyvand.broker.calls.CallRecords}; {@link io.peyvand.broker.calls.RelayCredentials} issues the
 * TURN credentials.
 */
package io.peyvand.broker.calls;
