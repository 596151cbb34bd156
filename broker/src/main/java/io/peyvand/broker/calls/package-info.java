/**
 * Calls between platforms (issue 18, phase 3; design in docs/CALLS-DESIGN.md). Built so far: the
 * relay credentials a call's two parties use on the interconnect's TURN server ({@link
 * io.peyvand.broker.calls.RelayCredentials}). The signalling comes next.
 */
package io.peyvand.broker.calls;
