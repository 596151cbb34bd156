/**
 * The development certificate authority behind {@code ./peyvand pki} and the first start of {@code
 * ./peyvand dev}: the interconnect's X.509 profile as pure functions ({@link
 * io.peyvand.broker.pki.Certificates}, BouncyCastle), a CA kept in a directory that issues PKCS#12
 * key stores and revokes into a CRL ({@link io.peyvand.broker.pki.CertificateAuthority}, {@link
 * io.peyvand.broker.pki.PkiLayout}), what dev creates ({@link io.peyvand.broker.pki.DevPki}) and
 * the command line ({@link io.peyvand.broker.pki.PkiCommand}). The running broker does not use it:
 * it reads only the files (trust store, key store, CRL) through {@code tls}.
 */
package io.peyvand.broker.pki;
