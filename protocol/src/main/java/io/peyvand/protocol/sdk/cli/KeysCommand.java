package io.peyvand.protocol.sdk.cli;

import com.google.protobuf.ByteString;
import io.peyvand.protocol.sdk.KeyLogMonitor;
import io.peyvand.protocol.sdk.KeyPackageCalls;
import io.peyvand.protocol.sdk.KeyPackageProofs;
import io.peyvand.protocol.sdk.PeyvandClient;
import io.peyvand.protocol.transparency.KeyLogs;
import io.peyvand.protocol.v1.AuditRecord;
import io.peyvand.protocol.v1.ClaimKeyPackagesResult;
import io.peyvand.protocol.v1.ClaimedKeyPackage;
import io.peyvand.protocol.v1.KeyPackageInfo;
import io.peyvand.protocol.v1.KeyPackageOutcome;
import io.peyvand.protocol.v1.SignedTreeHead;
import io.peyvand.protocol.v1.UserAddress;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code keys}: the MLS key-package directory (the KeyPackageDirectory service, PROTOCOL.md §18) by
 * hand, for trying end-to-end encryption between platforms and watching what the directory holds.
 * One line per KeyPackage, naming it by its KeyPackageRef in hex as Remove takes it: {@code
 * phone.bin: stored reference=... client=... suite=1 last-resort=no log-index=7}; a claim's lines
 * end in {@code verified} or {@code NOT verified: <why>}, checked here with {@link
 * KeyPackageProofs}.
 */
@Command(
    name = "keys",
    mixinStandardHelpOptions = true,
    description =
        "MLS key packages (end-to-end encryption): publish, claim, list, remove; read the key"
            + " log.",
    subcommands = {
      KeysCommand.Publish.class,
      KeysCommand.Claim.class,
      KeysCommand.ListKeys.class,
      KeysCommand.Remove.class,
      KeysCommand.Log.class
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:done",
      "1:refused by the broker (publish: the call, or one KeyPackage or more)",
      "2:not sent (a usage error, or a request the protocol refuses) or the broker could not"
          + " be reached",
      "3:claim: a KeyPackage's proof does not verify (not written to --out); log: the key log"
          + " does not verify against its signed head",
      "4:log: a publication whose KeyPackage is not one of --published"
    })
final class KeysCommand {
  /** The exit status of a claim that handed out a KeyPackage whose proof does not verify. */
  static final int UNVERIFIED = 3;

  /** The exit status of a key log that names a KeyPackage the platform did not publish. */
  static final int UNKNOWN_KEY = 4;

  private static final HexFormat HEX = HexFormat.of();

  /** A KeyPackageDirectory call. */
  abstract static class KeysCall extends UnaryCall {
    KeysCall() {
      super("KeyPackageDirectory", "the MLS key-package directory");
    }
  }

  /** A call acting for {@code --user}, a user of the calling platform. */
  abstract static class ForUser extends KeysCall {
    @Option(
        names = "--user",
        required = true,
        paramLabel = "PLATFORM:USER",
        description = "The user whose KeyPackages these are, e.g. bale:bob; their platform calls.")
    String userText;

    @Override
    String platform() {
      return user().getPlatformId();
    }

    UserAddress user() {
      return user(userText, "--user");
    }
  }

  @Command(
      name = "publish",
      mixinStandardHelpOptions = true,
      description = {
        "Publish MLS KeyPackages of the --user (one per file: MLSMessage bytes, or a bare"
            + " KeyPackage), each with a basic credential naming the user; one line per file,"
            + " stored or refused. Sent in calls of at most 100.",
        "e.g. ./peyvand keys publish --user bale:bob phone.bin laptop.bin"
      })
  static final class Publish extends ForUser {
    @Parameters(arity = "1..*", paramLabel = "FILE", description = "KeyPackage files.")
    List<Path> files = new ArrayList<>();

    @Override
    void run(PeyvandClient client, PrintWriter out) throws Exception {
      List<ByteString> keyPackages = new ArrayList<>();
      for (Path file : files) {
        try {
          keyPackages.add(ByteString.copyFrom(Files.readAllBytes(file)));
        } catch (IOException e) {
          throw new CommandLine.ParameterException(
              spec.commandLine(), "cannot read the KeyPackage " + file + ": " + e);
        }
      }
      for (int from = 0; from < files.size(); from += KeyPackageCalls.MAX_PER_CALL) {
        int to = Math.min(files.size(), from + KeyPackageCalls.MAX_PER_CALL);
        List<KeyPackageOutcome> outcomes =
            await(client.keyPackages().publish(user(), keyPackages.subList(from, to)))
                .getOutcomesList();
        for (int i = 0; i < outcomes.size(); i++) {
          KeyPackageOutcome outcome = outcomes.get(i);
          if (outcome.hasStored()) {
            out.println(files.get(from + i) + ": stored " + line(outcome.getStored()));
          } else {
            out.println(
                files.get(from + i)
                    + ": refused "
                    + outcome.getRefused().getCode()
                    + ": "
                    + outcome.getRefused().getMessage());
            exitStatus = REFUSED;
          }
        }
        out.flush();
      }
    }
  }

  @Command(
      name = "claim",
      mixinStandardHelpOptions = true,
      description = {
        "For the --claimer, one KeyPackage per client of the --target (a user of another"
            + " platform), each checked against the transparency log: its SHA-256 in its"
            + " publication's entry, the entry's inclusion proof, the tree head's signature"
            + " (and its signer's certificate, with a CA). One line per KeyPackage, or (none).",
        "e.g. ./peyvand keys claim --claimer eitaa:alice --target bale:bob --suite 1 --out kp/"
      })
  static final class Claim extends KeysCall {
    @Option(
        names = "--claimer",
        required = true,
        paramLabel = "PLATFORM:USER",
        description = "The user who will add the target to a group; their platform calls.")
    String claimer;

    @Option(
        names = "--target",
        required = true,
        paramLabel = "PLATFORM:USER",
        description = "The user of another platform whose KeyPackages are claimed.")
    String target;

    @Option(
        names = "--suite",
        paramLabel = "N",
        description = "An MLS cipher suite the group can use (repeatable; default any).")
    List<Integer> suites = new ArrayList<>();

    @Option(
        names = "--out",
        paramLabel = "DIR",
        description = "Write each verified KeyPackage to DIR/<reference>.bin.")
    Path outDir;

    @Mixin CaOption ca = new CaOption();

    @Override
    String platform() {
      return user(claimer, "--claimer").getPlatformId();
    }

    @Override
    void run(PeyvandClient client, PrintWriter out) throws Exception {
      Optional<X509Certificate> authority = ca.certificate(spec, connect.tls.pkiDir);
      ClaimKeyPackagesResult result =
          await(
              client
                  .keyPackages()
                  .claim(
                      user(claimer, "--claimer"),
                      user(target, "--target"),
                      new LinkedHashSet<>(suites)));
      if (result.getKeyPackagesCount() == 0) {
        out.println("(none)");
        return;
      }
      Optional<SignedTreeHead> head;
      try {
        head = Optional.of(KeyPackageProofs.head(result));
      } catch (IllegalArgumentException e) {
        head = Optional.empty();
      }
      for (ClaimedKeyPackage claimed : result.getKeyPackagesList()) {
        List<String> problems =
            head.map(h -> KeyPackageProofs.verify(claimed, h, user(target, "--target"), authority))
                .orElse(List.of("the claim's signed_tree_head is not a SignedTreeHead"));
        String reference = HEX.formatHex(claimed.getInfo().getReference().toByteArray());
        if (problems.isEmpty() && outDir != null) {
          Files.createDirectories(outDir);
          Files.write(outDir.resolve(reference + ".bin"), claimed.getKeyPackage().toByteArray());
        }
        if (!problems.isEmpty()) {
          exitStatus = UNVERIFIED;
        }
        out.println(
            line(claimed.getInfo())
                + (problems.isEmpty()
                    ? " verified" + (authority.isEmpty() ? " (no CA: signature only)" : "")
                    : " NOT verified: " + String.join("; ", problems)));
      }
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = {
        "The KeyPackages the directory holds for the --user, one line each, or (none).",
        "e.g. ./peyvand keys list --user bale:bob"
      })
  static final class ListKeys extends ForUser {
    @Override
    void run(PeyvandClient client, PrintWriter out) throws Exception {
      List<KeyPackageInfo> held = await(client.keyPackages().list(user())).getKeyPackagesList();
      if (held.isEmpty()) {
        out.println("(none)");
      }
      for (KeyPackageInfo info : held) {
        out.println(
            line(info)
                + " claimed="
                + yesNo(info.getClaimed())
                + " not-after="
                + Instant.ofEpochSecond(info.getNotAfter()));
      }
    }
  }

  @Command(
      name = "remove",
      mixinStandardHelpOptions = true,
      description = {
        "Withdraw KeyPackages of the --user by reference, or without references all of them;"
            + " prints how many were withdrawn.",
        "e.g. ./peyvand keys remove --user bale:bob 3f9a...e1"
      })
  static final class Remove extends ForUser {
    @Parameters(
        arity = "0..*",
        paramLabel = "REFERENCE_HEX",
        description = "KeyPackageRefs in hex, as publish and list print them.")
    List<String> references = new ArrayList<>();

    @Override
    void run(PeyvandClient client, PrintWriter out) throws Exception {
      List<ByteString> refs = new ArrayList<>();
      for (String reference : references) {
        try {
          refs.add(ByteString.copyFrom(HEX.parseHex(reference)));
        } catch (IllegalArgumentException e) {
          throw new CommandLine.ParameterException(
              spec.commandLine(),
              "reference \"" + reference + "\" is not hex: give it as publish or list print it");
        }
      }
      out.println("removed " + await(client.keyPackages().remove(user(), refs)).getRemoved());
    }
  }

  @Command(
      name = "log",
      mixinStandardHelpOptions = true,
      description = {
        "Read the --platform's own key log from its start and check it against the log's signed"
            + " head (PROTOCOL.md §18.3): one line per entry, then the verdict. With --published,"
            + " every publication must be of a KeyPackage in that directory (the files publish"
            + " took): any other is a key the directory could hand out for the platform's user.",
        "e.g. ./peyvand keys log --platform bale --published kp/"
      })
  static final class Log extends KeysCall {
    @Option(
        names = "--platform",
        required = true,
        paramLabel = "PLATFORM",
        description = "The calling platform, whose key log is read.")
    String platformId;

    @Option(
        names = "--published",
        paramLabel = "DIR",
        description = "The KeyPackage files the platform published (every file in DIR).")
    Path published;

    @Mixin CaOption ca = new CaOption();

    @Override
    String platform() {
      return platformId;
    }

    @Override
    void run(PeyvandClient client, PrintWriter out) throws Exception {
      Optional<Set<String>> known = Optional.empty();
      if (published != null) {
        known = Optional.of(sha256s(published));
      }
      KeyLogMonitor monitor =
          new KeyLogMonitor(platformId, ca.certificate(spec, connect.tls.pkiDir));
      KeyLogMonitor.Advance advance = await(client.keyPackages().follow(monitor));
      if (!advance.verified()) {
        out.println("NOT verified: " + String.join("; ", advance.problems()));
        exitStatus = UNVERIFIED;
        return;
      }
      int unknown = 0;
      for (AuditRecord entry : advance.entries()) {
        Optional<KeyLogs.Subject> subject = KeyLogs.subject(entry);
        boolean foreign =
            known.isPresent()
                && entry.getAction().equals(KeyLogs.PUBLISHED)
                && subject.flatMap(KeyLogs.Subject::sha256).filter(known.get()::contains).isEmpty();
        if (foreign) {
          unknown++;
        }
        out.println(
            entry.getIndex()
                + " "
                + Instant.ofEpochMilli(entry.getAtMs())
                + " "
                + entry.getAction()
                + " "
                + entry.getSubject()
                + " "
                + entry.getOutcome()
                + (foreign ? " NOT PUBLISHED BY " + platformId : ""));
      }
      SignedTreeHead head = monitor.head().orElseThrow();
      out.println(
          "verified: "
              + head.getLogId()
              + " of "
              + head.getTreeSize()
              + " entries, root "
              + HEX.formatHex(head.getRootHash().toByteArray())
              + ", signed at "
              + Instant.ofEpochMilli(head.getTimestampMs())
              + (ca.certificate(spec, connect.tls.pkiDir).isEmpty()
                  ? " (no CA: signature only)"
                  : ""));
      if (unknown > 0) {
        out.println(unknown + " publication(s) of KeyPackages not in " + published);
        exitStatus = UNKNOWN_KEY;
      }
    }

    private Set<String> sha256s(Path dir) {
      Set<String> sums = new HashSet<>();
      try (var files = Files.list(dir)) {
        for (Path file : files.filter(Files::isRegularFile).toList()) {
          sums.add(
              HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))));
        }
      } catch (IOException | NoSuchAlgorithmException e) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "cannot read the published KeyPackages in " + dir + ": " + e);
      }
      return sums;
    }
  }

  /** {@code reference=<hex> client=<hex> suite=N last-resort=yes|no log-index=N}. */
  static String line(KeyPackageInfo info) {
    return "reference="
        + HEX.formatHex(info.getReference().toByteArray())
        + " client="
        + HEX.formatHex(info.getClient().toByteArray())
        + " suite="
        + info.getCipherSuite()
        + " last-resort="
        + yesNo(info.getLastResort())
        + " log-index="
        + info.getLogIndex();
  }

  private static String yesNo(boolean value) {
    return value ? "yes" : "no";
  }
}
