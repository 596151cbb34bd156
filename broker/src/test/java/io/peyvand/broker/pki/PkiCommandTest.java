package io.peyvand.broker.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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
