/**
 * Limits the edges enforce before work reaches an entity: submission rates per platform and per
 * sending user (token buckets), sessions per platform. An exceeded limit is a RATE_LIMITED refusal
 * with the time to wait; other platforms are unaffected.
 */
package io.peyvand.broker.service.limits;
