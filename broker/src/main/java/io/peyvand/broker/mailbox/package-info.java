/**
 * User mailboxes: one sharded, event-sourced actor per user, owning what is sent to the user and
 * the statuses of what the user sent, with at-least-once delivery to the user's platform.
 */
package io.peyvand.broker.mailbox;
