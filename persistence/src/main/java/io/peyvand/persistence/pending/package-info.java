/**
 * The pending-mailboxes index: which mailboxes hold unacknowledged items, so that stopped ones are
 * woken. Storage only.
 */
package io.peyvand.persistence.pending;
