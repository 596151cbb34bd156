package io.peyvand.protocol.sdk.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.peyvand.protocol.sdk.KeyPackageSamples;
import io.peyvand.protocol.sdk.ScriptedBroker;
import io.peyvand.protocol.sdk.UserAddresses;
import io.peyvand.protocol.v1.ClaimKeyPackagesRequest;
import io.peyvand.protocol.v1.ClaimKeyPackagesResult;
import io.peyvand.protocol.v1.Error;
import io.peyvand.protocol.v1.ErrorCode;
import io.peyvand.protocol.v1.KeyPackageOutcome;
import io.peyvand.protocol.v1.ListKeyPackagesResult;
import io.peyvand.protocol.v1.PublishKeyPackagesRequest;
import io.peyvand.protocol.v1.PublishKeyPackagesResult;
import io.peyvand.protocol.v1.RemoveKeyPackagesRequest;
import io.peyvand.protocol.v1.UserAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code keys} against a scripted broker: requests, lines, proofs checked, exit status. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeysCommandTest {
  private static final UserAddress BOB = UserAddresses.parse("bale:bob");
  private static final HexFormat HEX = HexFormat.of();

  @RegisterExtension final ScriptedBroker broker = ScriptedBroker.perClass("keys-cli-test");

  private CliRun run(String... args) {
    return CliRun.subcommand(broker.port(), args);
  }

  private static String hex(ByteString bytes) {
    return HEX.formatHex(bytes.toByteArray());
  }

  private CliRun claim(String... more) {
    String[] args = {"keys", "claim", "--claimer", "eitaa:alice", "--target", "bale:bob"};
    String[] all = new String[args.length + more.length];
    System.arraycopy(args, 0, all, 0, args.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return run(all);
  }

  @Test
  void publishSendsEachFileAndPrintsALinePerKeyPackageRefusedOnesExitingOne(@TempDir Path dir)
      throws Exception {
    Path phone = dir.resolve("phone.bin");
    Path laptop = dir.resolve("laptop.bin");
    Files.write(phone, KeyPackageSamples.KEY_PACKAGES.get(0).toByteArray());
    Files.write(laptop, KeyPackageSamples.KEY_PACKAGES.get(1).toByteArray());
    broker.onKeyPackageCall =
        request ->
            CompletableFuture.completedFuture(
                PublishKeyPackagesResult.newBuilder()
                    .addOutcomes(
                        KeyPackageOutcome.newBuilder().setStored(KeyPackageSamples.info(0)))
                    .addOutcomes(
                        KeyPackageOutcome.newBuilder()
                            .setRefused(
                                Error.newBuilder()
                                    .setCode(ErrorCode.INVALID_ARGUMENT)
                                    .setMessage("cipher suite 2 is not one bale declared")))
                    .build());
    CliRun run = run("keys", "publish", "--user", "bale:bob", phone.toString(), laptop.toString());
    assertEquals(1, run.status(), run.err());
    assertEquals(
        List.of(
            phone
                + ": stored reference="
                + hex(KeyPackageSamples.info(0).getReference())
                + " client="
                + hex(KeyPackageSamples.info(0).getClient())
                + " suite=1 last-resort=no log-index=1",
            laptop + ": refused INVALID_ARGUMENT: cipher suite 2 is not one bale declared"),
        run.lines());
    assertEquals(
        List.of(
            PublishKeyPackagesRequest.newBuilder()
                .setUser(BOB)
                .addAllKeyPackages(KeyPackageSamples.KEY_PACKAGES)
                .build()),
        broker.keyPackageCalls);
  }

  @Test
  void claimChecksEachProofUnderTheCaAndWritesTheKeyPackages(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("kp");
    CliRun run =
        claim(
            "--suite",
            "2",
            "--suite",
            "1",
            "--ca",
            KeyPackageSamples.caFile().toString(),
            "--out",
            out.toString());
    assertEquals(0, run.status(), run.err());
    assertEquals(2, run.lines().size(), run.out());
    for (int i = 0; i < 2; i++) {
      String reference = hex(KeyPackageSamples.info(i).getReference());
      assertEquals(
          "reference="
              + reference
              + " client="
              + hex(KeyPackageSamples.info(i).getClient())
              + " suite="
              + (i + 1)
              + " last-resort="
              + (i == 1 ? "yes" : "no")
              + " log-index="
              + KeyPackageSamples.LOG_INDEXES.get(i)
              + " verified",
          run.lines().get(i));
      assertArrayEquals(
          KeyPackageSamples.KEY_PACKAGES.get(i).toByteArray(),
          Files.readAllBytes(out.resolve(reference + ".bin")));
    }
    assertEquals(
        List.of(
            ClaimKeyPackagesRequest.newBuilder()
                .setClaimer(UserAddresses.parse("eitaa:alice"))
                .setTarget(BOB)
                .addCipherSuites(1)
                .addCipherSuites(2)
                .build()),
        broker.keyPackageCalls);
  }

  @Test
  void aSubstitutedKeyPackageIsNotVerifiedNorWrittenAndExitsThree(@TempDir Path dir) {
    ClaimKeyPackagesResult claim = KeyPackageSamples.claim();
    ClaimKeyPackagesResult substituted =
        claim.toBuilder()
            .setKeyPackages(
                0,
                claim.getKeyPackages(0).toBuilder()
                    .setKeyPackage(KeyPackageSamples.KEY_PACKAGES.get(1)))
            .build();
    broker.onKeyPackageCall = request -> CompletableFuture.completedFuture(substituted);
    Path out = dir.resolve("kp");
    CliRun run = claim("--ca", KeyPackageSamples.caFile().toString(), "--out", out.toString());
    assertEquals(KeysCommand.UNVERIFIED, run.status(), run.err());
    assertTrue(run.lines().get(0).contains(" NOT verified: the SHA-256 of key_package"), run.out());
    assertTrue(run.lines().get(1).endsWith(" verified"), run.out());
    assertFalse(
        Files.exists(out.resolve(hex(KeyPackageSamples.info(0).getReference()) + ".bin")),
        "a KeyPackage that does not verify is not written");
  }

  @Test
  void aHeadSignedUnderAnotherCaIsNotVerified() {
    CliRun run = claim("--ca", KeyPackageSamples.notTheCaFile().toString());
    assertEquals(KeysCommand.UNVERIFIED, run.status(), run.err());
    assertTrue(
        run.lines().get(0).contains("NOT verified: the tree head: the signer's certificate"),
        run.out());
  }

  @Test
  void aClaimWithoutACaSaysOnlyTheSignatureWasCheckedAndNoneIsSaid(@TempDir Path dir) {
    CliRun run = claim("--pki-dir", dir.toString());
    assertEquals(0, run.status(), run.err());
    assertTrue(run.lines().get(0).endsWith(" verified (no CA: signature only)"), run.out());

    broker.onKeyPackageCall =
        request -> CompletableFuture.completedFuture(ClaimKeyPackagesResult.getDefaultInstance());
    assertEquals(new CliRun(0, "(none)", ""), claim());
  }

  @Test
  void logVerifiesThePlatformsKeyLogAndFlagsPublicationsItDidNotMake(@TempDir Path dir)
      throws Exception {
    String ca = KeyPackageSamples.caFile().toString();
    CliRun all = run("keys", "log", "--platform", "bale", "--ca", ca);
    assertEquals(0, all.status(), all.err());
    assertEquals(KeyPackageSamples.TREE_SIZE + 1, all.lines().size(), all.out());
    assertTrue(all.lines().get(1).startsWith("1 "), all.out());
    assertTrue(all.lines().get(1).contains(" key-package-published bale:bob key_package="));
    assertTrue(
        all.lines().get(5).startsWith("verified: peyvand-keys:bale of 5 entries, root "),
        all.out());

    // bale kept only the phone's file: the laptop's publication is one it did not make.
    Path published = Files.createDirectories(dir.resolve("published"));
    Files.write(
        published.resolve("phone.bin"), KeyPackageSamples.KEY_PACKAGES.get(0).toByteArray());
    CliRun flagged =
        run("keys", "log", "--platform", "bale", "--ca", ca, "--published", published.toString());
    assertEquals(KeysCommand.UNKNOWN_KEY, flagged.status(), flagged.out());
    assertFalse(flagged.lines().get(1).contains("NOT PUBLISHED"), flagged.out());
    assertTrue(flagged.lines().get(3).endsWith(" NOT PUBLISHED BY bale"), flagged.out());
    assertTrue(flagged.out().contains("1 publication(s) of KeyPackages not in "), flagged.out());

    // Another platform's log, as the scripted broker answers bale's whoever asks: not verified.
    CliRun eitaa = run("keys", "log", "--platform", "eitaa", "--ca", ca);
    assertEquals(KeysCommand.UNVERIFIED, eitaa.status(), eitaa.out());
    assertTrue(eitaa.out().contains("not \"peyvand-keys:eitaa\""), eitaa.out());
  }

  @Test
  void listPrintsWhatTheDirectoryHoldsAndRemoveSendsTheReferences() {
    broker.onKeyPackageCall =
        request ->
            CompletableFuture.completedFuture(
                ListKeyPackagesResult.newBuilder()
                    .addKeyPackages(KeyPackageSamples.info(1).toBuilder().setClaimed(true))
                    .build());
    CliRun list = run("keys", "list", "--user", "bale:bob");
    assertEquals(0, list.status(), list.err());
    assertTrue(
        list.out()
            .endsWith("last-resort=yes log-index=3 claimed=yes not-after=2096-10-02T07:06:40Z"),
        list.out());

    broker.onKeyPackageCall = ScriptedBroker::keyPackageAnswer;
    assertEquals(
        new CliRun(0, "removed 2", ""), run("keys", "remove", "--user", "bale:bob", "0a0B", "ff"));
    assertEquals(new CliRun(0, "removed 1", ""), run("keys", "remove", "--user", "bale:bob"));
    assertEquals(
        List.of(
            RemoveKeyPackagesRequest.newBuilder()
                .setUser(BOB)
                .addReferences(ByteString.copyFrom(new byte[] {0x0a, 0x0b}))
                .addReferences(ByteString.copyFrom(new byte[] {(byte) 0xff}))
                .build(),
            RemoveKeyPackagesRequest.newBuilder().setUser(BOB).build()),
        broker.keyPackageCalls.subList(1, 3));
  }

  @Test
  void aReferenceThatIsNotHexOrAClaimOfOnesOwnPlatformIsNotSent() {
    CliRun notHex = run("keys", "remove", "--user", "bale:bob", "xyz");
    assertEquals(2, notHex.status());
    assertTrue(notHex.err().contains("\"xyz\" is not hex"), notHex.err());
    CliRun own =
        run("keys", "claim", "--claimer", "bale:ali", "--target", "bale:bob", "--plaintext");
    assertEquals(2, own.status());
    assertTrue(own.err().startsWith("not sent: INVALID_ARGUMENT: target bale:bob"), own.err());
    assertEquals(List.of(), broker.keyPackageCalls);
  }

  @Test
  void aRefusalExitsOneAndABrokerWithoutTheServiceIsSaidToBeOne() {
    broker.onKeyPackageCall =
        ScriptedBroker.refusing(ErrorCode.CAPABILITY_NOT_SUPPORTED, "bale does not list mls", 0);
    assertEquals(
        new CliRun(1, "refused CAPABILITY_NOT_SUPPORTED: bale does not list mls", ""),
        run("keys", "list", "--user", "bale:bob"));
    broker.onKeyPackageCall = request -> ScriptedBroker.unimplemented();
    CliRun run = run("keys", "list", "--user", "bale:bob");
    assertEquals(2, run.status());
    assertTrue(
        run.err().contains("does not serve peyvand.v1.KeyPackageDirectory (UNIMPLEMENTED)"),
        run.err());
  }
}
