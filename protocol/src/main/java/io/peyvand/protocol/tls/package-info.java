/**
 * Mutual TLS as the contract with platforms: how a client certificate names the platform (or
 * administrator) it belongs to ({@link io.peyvand.protocol.tls.CertificateIdentity}: one SAN URI
 * {@code peyvand:platform:<id>} or {@code peyvand:admin:<name>}), and how key stores and trust
 * anchors are read from files with the JDK alone ({@link io.peyvand.protocol.tls.KeyMaterial}:
 * PKCS#12, PEM or DER), for the adapter SDK, the command-line adapter and the broker alike.
 */
package io.peyvand.protocol.tls;
