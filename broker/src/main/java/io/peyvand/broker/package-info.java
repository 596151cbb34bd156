/**
 * The broker's composition root ({@link io.peyvand.broker.Broker}), its settings, and the command
 * line ({@link io.peyvand.broker.Main}) behind ./peyvand. Everything else in the broker is wired
 * here and nowhere else.
 */
package io.peyvand.broker;
