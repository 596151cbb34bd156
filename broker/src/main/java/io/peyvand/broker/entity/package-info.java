/** What the event-sourced entities (mailboxes, groups, channel subscriber buckets) share. */
package io.peyvand.broker.entity;
