/**
 * The tamper-evident audit log (issue 19): operators' actions and regulators' queries appended as
 * the leaves of a Merkle tree in the manner of Certificate Transparency (RFC 9162), a signed tree
 * head after each batch, inclusion and consistency proofs. One {@link
 * io.peyvand.broker.audit.AuditLog} entity in the cluster writes it; the tables are {@code
 * audit_entries} and {@code audit_heads}.
 */
package io.peyvand.broker.audit;
