package io.peyvand.broker.pki;

import com.typesafe.config.ConfigFactory;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code ./peyvand pki}: the development certificate authority. Each subcommand prints what it
 * wrote. The directory and password default to {@code peyvand.pki} (data/pki, peyvand-dev).
 */
@Command(
    name = "pki",
    mixinStandardHelpOptions = true,
    description = {
      "Manage the development certificate authority (SECURITY.md).",
      "Files: ca.p12 + ca.crt (the CA), broker.p12, cassandra.p12, platforms/<id>.p12,"
          + " admins/<name>.p12, regulators/<name>.p12, issued.tsv, crl.pem."
    },
    subcommands = {
      PkiCommand.Init.class,
      PkiCommand.IssuePlatform.class,
      PkiCommand.IssueAdmin.class,
      PkiCommand.IssueRegulator.class,
      PkiCommand.IssueBroker.class,
      PkiCommand.IssueCassandra.class,
      PkiCommand.Revoke.class,
      PkiCommand.ListIssued.class
    })
public final class PkiCommand {
  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description = "The CA's directory (default: peyvand.pki.directory, data/pki).")
  Path directory;

  @Option(
      names = "--password",
      paramLabel = "PASSWORD",
      description =
          "Password of the PKCS#12 files (default: $PEYVAND_PKI_PASSWORD, else"
              + " peyvand.pki.password, peyvand-dev).")
  String password;

  PkiLayout layout() {
    PkiSettings defaults = PkiSettings.fromConfig(ConfigFactory.load());
    return new PkiLayout(directory != null ? directory : defaults.directory());
  }

  char[] password() {
    String fromEnvironment = System.getenv("PEYVAND_PKI_PASSWORD");
    return (password != null
            ? password
            : fromEnvironment != null
                ? fromEnvironment
                : PkiSettings.fromConfig(ConfigFactory.load()).password())
        .toCharArray();
  }

  CertificateAuthority open() {
    return CertificateAuthority.open(layout(), password(), Clock.systemUTC());
  }

  static String issuedLine(CertificateAuthority ca, CertificateAuthority.Issued issued) {
    return "wrote "
        + ca.layout().directory().resolve(issued.file())
        + ": "
        + issued.kind().name().toLowerCase(Locale.ROOT)
        + " "
        + issued.name()
        + ", serial "
        + issued.serialHex()
        + ", valid until "
        + issued.notAfter();
  }

  /** Runs a subcommand, turning the CA's refusals into a message and exit status 1. */
  abstract static class Sub implements Callable<Integer> {
    @ParentCommand PkiCommand pki;

    @Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try {
        run(out);
        out.flush();
        return 0;
      } catch (IllegalArgumentException | IllegalStateException e) {
        spec.commandLine().getErr().println(e.getMessage());
        spec.commandLine().getErr().flush();
        return 1;
      }
    }

    abstract void run(PrintWriter out);
  }

  @Command(
      name = "init",
      mixinStandardHelpOptions = true,
      description = "Create the CA, an empty revocation list and the broker's certificate.")
  static final class Init extends Sub {
    @Option(
        names = "--name",
        defaultValue = "Peyvand development CA",
        description = "The CA's common name (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(
        names = "--broker-dns",
        split = ",",
        defaultValue = "localhost",
        description = "DNS names of the broker's certificate (default: ${DEFAULT-VALUE}).")
    List<String> dns;

    @Option(
        names = "--broker-ip",
        split = ",",
        defaultValue = "127.0.0.1,::1",
        description = "IP addresses of the broker's certificate (default: ${DEFAULT-VALUE}).")
    List<String> ips;

    @Override
    void run(PrintWriter out) {
      PkiLayout layout = pki.layout();
      CertificateAuthority ca =
          CertificateAuthority.init(layout, pki.password(), name, Clock.systemUTC());
      out.println(
          "wrote "
              + layout.caKeyStore()
              + " and "
              + layout.caCertificate()
              + ": CA "
              + name
              + ", serial "
              + ca.certificate().getSerialNumber().toString(16));
      out.println("wrote " + layout.crl() + ": revocation list, nothing revoked");
      out.println(issuedLine(ca, ca.issueBroker(new Certificates.Server(dns, ips), false)));
    }
  }

  @Command(
      name = "issue-platform",
      mixinStandardHelpOptions = true,
      description = "Issue a platform adapter's key and certificate (platforms/<id>.p12).")
  static final class IssuePlatform extends Sub {
    @Parameters(paramLabel = "PLATFORM", description = "The platform id, e.g. bale.")
    String platform;

    @Option(names = "--force", description = "Replace an existing key store.")
    boolean force;

    @Override
    void run(PrintWriter out) {
      CertificateAuthority ca = pki.open();
      out.println(issuedLine(ca, ca.issuePlatform(platform, force)));
    }
  }

  /** Issues a person's client certificate by name: an administrator's or a regulator's. */
  abstract static class IssueNamed extends Sub {
    @Parameters(paramLabel = "NAME", description = "The name, e.g. ops or ira.")
    String name;

    @Option(names = "--force", description = "Replace an existing key store.")
    boolean force;

    abstract CertificateAuthority.Issued issue(CertificateAuthority ca);

    @Override
    void run(PrintWriter out) {
      CertificateAuthority ca = pki.open();
      out.println(issuedLine(ca, issue(ca)));
    }
  }

  @Command(
      name = "issue-admin",
      mixinStandardHelpOptions = true,
      description = "Issue an administrator's key and certificate (admins/<name>.p12).")
  static final class IssueAdmin extends IssueNamed {
    @Override
    CertificateAuthority.Issued issue(CertificateAuthority ca) {
      return ca.issueAdmin(name, force);
    }
  }

  @Command(
      name = "issue-regulator",
      mixinStandardHelpOptions = true,
      description =
          "Issue a regulator's read-only key and certificate (regulators/<name>.p12): only the"
              + " Regulator service accepts it.")
  static final class IssueRegulator extends IssueNamed {
    @Override
    CertificateAuthority.Issued issue(CertificateAuthority ca) {
      return ca.issueRegulator(name, force);
    }
  }

  /**
   * Issues a server certificate again for the names given, each option falling back to the
   * subcommand's default names (the development ones) when it is not given.
   */
  abstract static class IssueServer extends Sub {
    @Option(
        names = "--dns",
        split = ",",
        paramLabel = "NAME",
        description = "A DNS name of the certificate; repeat it or separate by commas.")
    List<String> dns;

    @Option(
        names = {"--address", "--ip"},
        split = ",",
        paramLabel = "IP",
        description = "An IP address of the certificate; repeat it or separate by commas.")
    List<String> addresses;

    private final Certificates.Server defaults;
    private final BiFunction<CertificateAuthority, Certificates.Server, CertificateAuthority.Issued>
        issue;

    IssueServer(
        Certificates.Server defaults,
        BiFunction<CertificateAuthority, Certificates.Server, CertificateAuthority.Issued> issue) {
      this.defaults = defaults;
      this.issue = issue;
    }

    @Override
    void run(PrintWriter out) {
      Certificates.Server names =
          new Certificates.Server(
              defaults.role(),
              dns != null ? dns : defaults.dnsNames(),
              addresses != null ? addresses : defaults.ipAddresses());
      CertificateAuthority ca = pki.open();
      out.println(issuedLine(ca, issue.apply(ca, names)));
    }
  }

  @Command(
      name = "issue-broker",
      mixinStandardHelpOptions = true,
      description = {
        "Issue the broker's server certificate again (broker.p12), e.g. for other host names.",
        "Default names: localhost, 127.0.0.1 and ::1."
      })
  static final class IssueBroker extends IssueServer {
    IssueBroker() {
      super(DevPki.LOCAL_BROKER, (ca, names) -> ca.issueBroker(names, true));
    }
  }

  @Command(
      name = "issue-cassandra",
      mixinStandardHelpOptions = true,
      description = {
        "Issue the Cassandra nodes' server certificate (cassandra.p12): the CQL port's TLS"
            + " certificate (peyvand.cassandra.embedded.client-encryption.key-store), which the"
            + " driver checks names the address it dials. Name every node's address.",
        "Default names: localhost, 127.0.0.1, 127.0.0.2 and 127.0.0.3 (the local cluster)."
      })
  static final class IssueCassandra extends IssueServer {
    IssueCassandra() {
      super(DevPki.LOCAL_CASSANDRA, (ca, names) -> ca.issueCassandra(names, true));
    }
  }

  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description = {
        "Revoke a certificate by serial and write the revocation list again.",
        "A running broker reads it within peyvand.tls.crl-reload-interval: the certificate's"
            + " handshakes are refused and its sessions closed."
      })
  static final class Revoke extends Sub {
    @Parameters(paramLabel = "SERIAL", description = "The serial, hexadecimal, as list prints it.")
    String serial;

    @Override
    void run(PrintWriter out) {
      BigInteger value;
      try {
        value = new BigInteger(serial.replace(":", "").replaceFirst("^0[xX]", ""), 16);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not a hexadecimal serial: " + serial);
      }
      CertificateAuthority ca = pki.open();
      CertificateAuthority.Issued revoked = ca.revoke(value);
      out.println(
          "revoked "
              + revoked.kind().name().toLowerCase(Locale.ROOT)
              + " "
              + revoked.name()
              + " (serial "
              + revoked.serialHex()
              + ") at "
              + revoked.revokedAt().orElseThrow());
      out.println("wrote " + ca.layout().crl());
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List the certificates the CA issued, with their state.")
  static final class ListIssued extends Sub {
    @Override
    void run(PrintWriter out) {
      CertificateAuthority ca = pki.open();
      Instant now = Clock.systemUTC().instant();
      out.printf("%-34s %-9s %-24s %-10s %s%n", "SERIAL", "KIND", "NAME", "STATE", "FILE");
      for (CertificateAuthority.Issued issued : ca.issued()) {
        String state =
            issued.revokedAt().isPresent()
                ? "revoked"
                : issued.notAfter().isBefore(now) ? "expired" : "valid";
        out.printf(
            "%-34s %-9s %-24s %-10s %s%n",
            issued.serialHex(),
            issued.kind().name().toLowerCase(Locale.ROOT),
            issued.name(),
            state,
            ca.layout().directory().resolve(issued.file()));
      }
    }
  }
}
