/**
 * Delivery routing: which sessions of each platform are connected (SessionDirectory), the message a
 * mailbox hands a session (Deliver), and the sweep that wakes mailboxes waiting for a platform.
 * Knows no entity.
 */
package io.peyvand.broker.delivery;
