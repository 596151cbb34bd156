package io.peyvand.protocol.sdk.cli;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.TextFormat;
import io.peyvand.protocol.transparency.MerkleTree;
import io.peyvand.protocol.transparency.TreeHeads;
import io.peyvand.protocol.v1.AuditEntries;
import io.peyvand.protocol.v1.AuditRecord;
import io.peyvand.protocol.v1.ConsistencyProof;
import io.peyvand.protocol.v1.GetAuditEntriesRequest;
import io.peyvand.protocol.v1.GetAuditHeadRequest;
import io.peyvand.protocol.v1.InclusionProof;
import io.peyvand.protocol.v1.ProveConsistencyRequest;
import io.peyvand.protocol.v1.ProveInclusionRequest;
import io.peyvand.protocol.v1.RegulatorClient;
import io.peyvand.protocol.v1.SignedTreeHead;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code audit}: a regulator's checks of the broker's tamper-evident audit log through the
 * Regulator service, made with a regulator's certificate ({@code <pki-dir>/regulators/<name>.p12},
 * default dev-regulator as {@code ./peyvand dev} issues it). Every check is made here, on the
 * regulator's side: the head's signature and its certificate against the CA, the root recomputed
 * from the entries' bytes, the proofs. Heads are kept as files (protobuf text format) so that a
 * later head can be proved to extend them.
 */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = "Check the broker's tamper-evident audit log (a regulator's certificate).",
    subcommands = {
      AuditCommand.Head.class,
      AuditCommand.Verify.class,
      AuditCommand.Prove.class,
      AuditCommand.Consistent.class
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:verified",
      "1:the log, a head or a proof does not verify, or the broker refused",
      "2:the broker could not be reached, or a usage error"
    })
final class AuditCommand {
  static final int FAILED = CertifiedCall.REFUSED;

  /** What every audit subcommand shares: where the broker is, who asks, which CA to trust. */
  abstract static class Call extends CertifiedCall {
    @Option(
        names = "--regulator",
        paramLabel = "NAME",
        defaultValue = "dev-regulator",
        description =
            "The regulator whose certificate (<pki-dir>/regulators/NAME.p12) is used"
                + " (default ${DEFAULT-VALUE}).")
    String regulator;

    @Mixin CaOption ca = new CaOption();

    RegulatorClient client;

    /** Runs the check; returns the exit status. */
    abstract int run(PrintWriter out) throws Exception;

    @Override
    TlsOption.Connection connection() {
      return connect.tls.forRegulator(regulator);
    }

    @Override
    int run(Target target, PrintWriter out) throws Exception {
      client =
          RegulatorClient.create(
              target.settings(target.endpoints().get(0), Duration.ofSeconds(20)), target.system());
      return run(out);
    }

    <T> T await(CompletionStage<T> call)
        throws ExecutionException, TimeoutException, InterruptedException {
      return call.toCompletableFuture().get(25, TimeUnit.SECONDS);
    }

    /** The CA named by --ca, else the PKI directory's, if there is one. */
    Optional<X509Certificate> ca() {
      return ca.certificate(spec, connect.tls.pkiDir);
    }

    /** The head's problems (signature, certificate), printed; true if there were none. */
    boolean headVerifies(SignedTreeHead head, String which, PrintWriter out) {
      List<String> problems = TreeHeads.problems(head, ca());
      for (String problem : problems) {
        out.println(which + " does not verify: " + problem);
      }
      return problems.isEmpty();
    }

    SignedTreeHead latestHead() throws Exception {
      return await(client.getAuditHead(GetAuditHeadRequest.getDefaultInstance()));
    }
  }

  @Command(
      name = "head",
      mixinStandardHelpOptions = true,
      description =
          "Fetch the latest signed tree head, check its signature, and keep it in a file for a"
              + " later consistency proof.")
  static final class Head extends Call {
    @Option(
        names = "--out",
        paramLabel = "FILE",
        description = "Write the head there (protobuf text format).")
    Path file;

    @Override
    int run(PrintWriter out) throws Exception {
      SignedTreeHead head = latestHead();
      out.println(describe(head));
      if (!headVerifies(head, "the head", out)) {
        return FAILED;
      }
      return keep(head, file, out);
    }
  }

  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description =
          "Check the whole log against its latest signed head: every entry's bytes are fetched,"
              + " hashed and combined into the root the head signs.")
  static final class Verify extends Call {
    @Option(
        names = "--save-head",
        paramLabel = "FILE",
        description = "Once verified, write the head there (protobuf text format).")
    Path file;

    @Option(names = "--print", description = "Print every entry.")
    boolean print;

    @Override
    int run(PrintWriter out) throws Exception {
      SignedTreeHead head = latestHead();
      out.println(describe(head));
      boolean ok = headVerifies(head, "the head", out);
      List<byte[]> hashes = new ArrayList<>();
      long size = head.getTreeSize();
      while (hashes.size() < size) {
        AuditEntries page =
            await(
                client.getAuditEntries(
                    GetAuditEntriesRequest.newBuilder()
                        .setStart(hashes.size())
                        .setCount((int) Math.min(1_000, size - hashes.size()))
                        .build()));
        if (page.getLeavesCount() == 0) {
          out.println(
              "entry "
                  + hashes.size()
                  + " is missing: the log holds "
                  + hashes.size()
                  + " entries in a row, the head covers "
                  + size);
          return FAILED;
        }
        for (ByteString leaf : page.getLeavesList()) {
          long index = hashes.size();
          Optional<String> problem = entryProblem(leaf, index, print ? out : null);
          if (problem.isPresent()) {
            out.println(problem.get());
            ok = false;
          }
          hashes.add(MerkleTree.leafHash(leaf.toByteArray()));
          if (hashes.size() == size) {
            break;
          }
        }
      }
      byte[] root = MerkleTree.root(hashes, (int) size);
      if (!MerkleTree.same(root, head.getRootHash().toByteArray())) {
        out.println(
            "the "
                + size
                + " entries give the root "
                + MerkleTree.hex(root)
                + ", not the signed "
                + MerkleTree.hex(head.getRootHash().toByteArray())
                + ": an entry was altered, removed, reordered or inserted");
        ok = false;
      }
      if (!ok) {
        out.println("NOT VERIFIED");
        return FAILED;
      }
      out.println("verified: " + size + " entries give the signed root");
      return keep(head, file, out);
    }
  }

  @Command(
      name = "prove",
      mixinStandardHelpOptions = true,
      description =
          "Print and check the inclusion proof of an entry in the latest signed head's tree.")
  static final class Prove extends Call {
    @Parameters(paramLabel = "ENTRY", description = "The entry's index, from 0.")
    long index;

    @Override
    int run(PrintWriter out) throws Exception {
      SignedTreeHead head = latestHead();
      boolean ok = headVerifies(head, "the head", out);
      InclusionProof proof =
          await(
              client.proveInclusion(
                  ProveInclusionRequest.newBuilder()
                      .setLeafIndex(index)
                      .setTreeSize(head.getTreeSize())
                      .build()));
      entryProblem(proof.getLeaf(), index, out).ifPresent(out::println);
      out.println("tree size " + proof.getTreeSize() + ", path:");
      for (ByteString hash : proof.getPathList()) {
        out.println("  " + MerkleTree.hex(hash.toByteArray()));
      }
      boolean included =
          MerkleTree.verifyInclusion(
              MerkleTree.leafHash(proof.getLeaf().toByteArray()),
              index,
              proof.getTreeSize(),
              hashes(proof.getPathList()),
              head.getRootHash().toByteArray());
      if (!included || !ok) {
        out.println("NOT VERIFIED: the proof does not take entry " + index + " to the signed root");
        return FAILED;
      }
      out.println("verified: entry " + index + " is in the signed tree of " + head.getTreeSize());
      return 0;
    }
  }

  @Command(
      name = "consistent",
      mixinStandardHelpOptions = true,
      description =
          "Prove that the log only grew between two heads kept as files (./peyvand audit head"
              + " --out, or verify --save-head).")
  static final class Consistent extends Call {
    @Parameters(index = "0", paramLabel = "OLD_HEAD")
    Path older;

    @Parameters(index = "1", paramLabel = "NEW_HEAD")
    Path newer;

    @Override
    int run(PrintWriter out) throws Exception {
      SignedTreeHead first = read(older);
      SignedTreeHead second = read(newer);
      boolean ok = headVerifies(first, "the old head", out);
      ok &= headVerifies(second, "the new head", out);
      if (first.getTreeSize() > second.getTreeSize()) {
        out.println(
            "NOT VERIFIED: the old head covers "
                + first.getTreeSize()
                + " entries, the new one "
                + second.getTreeSize());
        return FAILED;
      }
      ConsistencyProof proof =
          await(
              client.proveConsistency(
                  ProveConsistencyRequest.newBuilder()
                      .setFirstSize(first.getTreeSize())
                      .setSecondSize(second.getTreeSize())
                      .build()));
      boolean consistent =
          MerkleTree.verifyConsistency(
              first.getTreeSize(),
              second.getTreeSize(),
              first.getRootHash().toByteArray(),
              second.getRootHash().toByteArray(),
              hashes(proof.getPathList()));
      if (!consistent || !ok) {
        out.println(
            "NOT VERIFIED: the log of "
                + second.getTreeSize()
                + " entries does not extend the one of "
                + first.getTreeSize()
                + " (its history was rewritten, or a head is not this log's)");
        return FAILED;
      }
      out.println(
          "verified: the log of "
              + second.getTreeSize()
              + " entries extends the one of "
              + first.getTreeSize()
              + " ("
              + proof.getPathCount()
              + " hashes)");
      return 0;
    }

    private SignedTreeHead read(Path file) {
      try {
        SignedTreeHead.Builder head = SignedTreeHead.newBuilder();
        TextFormat.merge(Files.readString(file, StandardCharsets.UTF_8), head);
        return head.build();
      } catch (IOException e) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "cannot read the head " + file + ": " + e.getMessage());
      }
    }
  }

  static String describe(SignedTreeHead head) {
    return "head of "
        + head.getLogId()
        + ": "
        + head.getTreeSize()
        + " entries, root "
        + MerkleTree.hex(head.getRootHash().toByteArray())
        + ", signed "
        + Instant.ofEpochMilli(head.getTimestampMs())
        + (head.getSignerCertificate().isEmpty() ? " (no certificate: broker without TLS)" : "");
  }

  /**
   * What is wrong with the entry's bytes at {@code index} (not an AuditRecord, or naming another
   * index); prints it to {@code print} when given.
   */
  static Optional<String> entryProblem(ByteString leaf, long index, PrintWriter print) {
    try {
      AuditRecord record = AuditRecord.parseFrom(leaf);
      if (print != null) {
        print.println(
            "  #"
                + record.getIndex()
                + " "
                + Instant.ofEpochMilli(record.getAtMs())
                + " "
                + record.getActor()
                + " "
                + record.getAction()
                + " "
                + record.getSubject()
                + " -> "
                + record.getOutcome());
      }
      return record.getIndex() == index
          ? Optional.empty()
          : Optional.of(
              "entry " + index + " names index " + record.getIndex() + ": entries were moved");
    } catch (InvalidProtocolBufferException e) {
      return Optional.of("entry " + index + " is not an AuditRecord");
    }
  }

  private static List<byte[]> hashes(List<ByteString> path) {
    return path.stream().map(ByteString::toByteArray).toList();
  }

  /**
   * Writes {@code head} to {@code file} (protobuf text format) when one was given, saying so; the
   * exit status of a head verified and kept: 0.
   */
  private static int keep(SignedTreeHead head, Path file, PrintWriter out) throws IOException {
    if (file == null) {
      return 0;
    }
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, TextFormat.printer().printToString(head), StandardCharsets.UTF_8);
    out.println("wrote " + file);
    return 0;
  }
}
