/**
 * The Platform entity: one sharded, event-sourced actor per platform admitted to the interconnect,
 * owning its registration.
 */
package io.peyvand.broker.platform;
