/**
 * MLS (Messaging Layer Security, RFC 9420) as far as the broker needs it for end-to-end encryption
 * across platforms: the broker never holds MLS keys and is in no group; it runs a directory in
 * which a platform publishes KeyPackages for its users' clients and another platform claims one per
 * client, and it carries Welcomes, Commits and application messages opaquely.
 *
 * <p>{@link io.peyvand.protocol.mls.KeyPackages} reads a KeyPackage (bare or in an MLSMessage) into
 * a {@link io.peyvand.protocol.mls.KeyPackage}, refusing malformed bytes with an {@link
 * io.peyvand.protocol.mls.MlsFormatException} that names the field and byte offset; the KeyPackage
 * verifies its two signatures with the JDK's providers (Ed25519, Ed448, ECDSA on P-256, P-384,
 * P-521), computes its KeyPackageRef, and tells whether it names a user by Peyvand's identity
 * convention (a basic credential whose identity is {@code platform_id:user_id}) and whether it is
 * valid at an instant. {@link io.peyvand.protocol.mls.MlsMessages} reads only the header of other
 * MLSMessages. Pure Java, no MLS library, no I/O, safe from any thread.
 *
 * <p>Tests use real MLS objects made by ts-mls (protocol/src/test/mls-fixtures and
 * src/test/resources/mls, whose README describes them).
 */
package io.peyvand.protocol.mls;
