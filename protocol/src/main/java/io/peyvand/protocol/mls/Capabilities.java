package io.peyvand.protocol.mls;

import java.util.List;

/**
 * What a client says it supports (RFC 9420 §7.2), each a list of uint16 code points as sent, GREASE
 * values (§13.5) and unknown values included: the broker reads them to report a client's suites, it
 * does not negotiate.
 *
 * @param versions protocol versions (1 is mls10)
 * @param cipherSuites cipher suites
 * @param extensions extension types beyond the default ones
 * @param proposals proposal types beyond the default ones
 * @param credentials credential types (1 basic, 2 x509)
 */
public record Capabilities(
    List<Integer> versions,
    List<Integer> cipherSuites,
    List<Integer> extensions,
    List<Integer> proposals,
    List<Integer> credentials) {
  public Capabilities {
    versions = List.copyOf(versions);
    cipherSuites = List.copyOf(cipherSuites);
    extensions = List.copyOf(extensions);
    proposals = List.copyOf(proposals);
    credentials = List.copyOf(credentials);
  }
}
