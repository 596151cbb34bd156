package io.peyvand.broker.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peyvand.protocol.tls.KeyMaterial;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** ./peyvand pki: each subcommand prints what it wrote; refusals are one line and status 1. */
class PkiCommandTest {
  @TempDir Path dir;

  private record Run(int status, String out, String err) {}

  private Run pki(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] all = new String[args.length + 4];
    all[0] = "--dir";
    all[1] = dir.toString();
    all[2] = "--password";
    all[3] = "pw";
    System.arraycopy(args, 0, all, 4, args.length);
    int status =
        new CommandLine(new PkiCommand())
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err))
            .execute(all);
    return new Run(status, out.toString(), err.toString());
  }

  @Test
  void initIssueListAndRevoke() {
    Run init = pki("init");
    assertEquals(0, init.status(), init.err());
    assertTrue(init.out().contains("wrote " + dir.resolve("ca.p12")), init.out());
    assertTrue(init.out().contains("wrote " + dir.resolve("broker.p12") + ": broker"), init.out());
    assertTrue(Files.isRegularFile(dir.resolve("crl.pem")));

    Run bale = pki("issue-platform", "bale");
    assertEquals(0, bale.status(), bale.err());
    assertTrue(
        bale.out()
            .startsWith("wrote " + dir.resolve("platforms/bale.p12") + ": platform bale, serial "),
        bale.out());
    String serial = bale.out().replaceAll("(?s).*serial ([0-9a-f]+),.*", "$1");
    assertEquals(0, pki("issue-admin", "ops").status());

    Run list = pki("list");
    assertTrue(
        list.out()
            .lines()
            .anyMatch(
                line ->
                    line.startsWith(serial) && line.contains("platform") && line.contains("valid")),
        list.out());

    Run revoke = pki("revoke", serial);
    assertEquals(0, revoke.status(), revoke.err());
    assertTrue(
        revoke.out().startsWith("revoked platform bale (serial " + serial + ")"), revoke.out());
    assertTrue(
        pki("list")
            .out()
            .lines()
            .anyMatch(line -> line.startsWith(serial) && line.contains("revoked")));
  }

  @Test
  void issueCassandraNamesTheLocalClusterByDefaultOrTheAddressesAndNamesGiven() throws Exception {
    pki("init");
    Run local = pki("issue-cassandra");
    assertEquals(0, local.status(), local.err());
    assertTrue(
        local
            .out()
            .startsWith(
                "wrote "
                    + dir.resolve("cassandra.p12")
                    + ": cassandra localhost,127.0.0.1,127.0.0.2,127.0.0.3, serial "),
        local.out());
    assertEquals(
        CertificateAuthorityTest.subjectAlternativeNames(DevPki.LOCAL_CASSANDRA), cassandraNames());

    Run given =
        pki(
            "issue-cassandra",
            "--address",
            "10.0.0.11",
            "--address",
            "10.0.0.12,10.0.0.13",
            "--dns",
            "cassandra-1.internal");
    assertEquals(0, given.status(), given.err());
    assertEquals(
        CertificateAuthorityTest.subjectAlternativeNames(
            Certificates.Server.cassandra(
                List.of("cassandra-1.internal"), List.of("10.0.0.11", "10.0.0.12", "10.0.0.13"))),
        cassandraNames());
    assertTrue(
        pki("list").out().lines().filter(line -> line.contains(" cassandra ")).count() == 2,
        "both are recorded");
    // issue-broker takes the same options and keeps its own defaults.
    Run broker = pki("issue-broker", "--ip", "192.0.2.7");
    assertEquals(0, broker.status(), broker.err());
    assertTrue(broker.out().contains(": broker localhost,192.0.2.7, serial"), broker.out());
  }

  private List<List<?>> cassandraNames() throws Exception {
    KeyStore store = KeyMaterial.keyStore(dir.resolve("cassandra.p12"), "pw".toCharArray());
    X509Certificate leaf = (X509Certificate) store.getCertificate(store.aliases().nextElement());
    return List.copyOf(leaf.getSubjectAlternativeNames());
  }

  @Test
  void refusalsAreOneLineAndStatusOne() {
    Run noCa = pki("issue-platform", "bale");
    assertEquals(1, noCa.status());
    assertTrue(noCa.err().contains("./peyvand pki init"), noCa.err());
    pki("init");
    assertEquals(1, pki("init").status());
    assertEquals(1, pki("revoke", "not-hex").status());
    assertEquals(1, pki("issue-platform", "Bad Id").status());
  }
}
