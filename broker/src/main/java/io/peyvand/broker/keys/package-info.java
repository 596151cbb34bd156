/**
 * The MLS key-package directory (PROTOCOL.md §18): each user's KeyPackages by client, handed out
 * once each (a last-resort one as often as asked), and the rules of publishing, claiming and
 * withdrawing them ({@link io.peyvand.broker.keys.KeyShelf}).
 */
package io.peyvand.broker.keys;
