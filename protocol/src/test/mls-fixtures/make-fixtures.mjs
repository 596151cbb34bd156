// Generates the MLS (RFC 9420) fixtures of protocol/src/test/resources/mls with ts-mls, a real MLS
// implementation, so that the broker's KeyPackage parser (io.peyvand.protocol.mls) is tested
// against objects it did not make itself. Run once, and commit what it writes:
//
//   cd protocol/src/test/mls-fixtures && npm ci && npm run fixtures
//
// Every run makes new keys, so new bytes: rerun only to change the fixtures, and then commit the
// whole directory (the .bin files and fixtures.json go together). See README.md beside the
// fixtures for the identity convention and what each file is.

import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  createApplicationMessage,
  createCommit,
  createGroup,
  decodeMlsMessage,
  defaultCapabilities,
  emptyPskIndex,
  encodeMlsMessage,
  generateKeyPackage,
  generateKeyPackageWithKey,
  getCiphersuiteFromName,
  getCiphersuiteImpl,
  joinGroup,
  processPrivateMessage,
} from "ts-mls";
import { p256 } from "@noble/curves/nist.js";
import { encodeKeyPackage, makeKeyPackageRef, verifyKeyPackage } from "ts-mls/keyPackage.js";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "resources", "mls");
const tsMlsVersion = JSON.parse(readFileSync(join(here, "node_modules", "ts-mls", "package.json"), "utf8")).version;

// The last_resort KeyPackage extension (draft-ietf-mls-extensions, "Last resort KeyPackages";
// IANA MLS Extension Types 0x000A). ts-mls 1.x has no name for it, but takes any extension type
// as a number with its (here empty) extension_data.
const LAST_RESORT = 0x000a;

const SUITES = {
  1: "MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519",
  2: "MLS_128_DHKEMP256_AES128GCM_SHA256_P256",
  3: "MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519",
  5: "MLS_256_DHKEMP521_AES256GCM_SHA512_P521",
  7: "MLS_256_DHKEMP384_AES256GCM_SHA384_P384",
  // Not an RFC 9420 suite (ts-mls has it from the post-quantum drafts): the parser reads it but
  // cannot tell its hash or signature scheme.
  77: "MLS_128_MLKEM512_AES128GCM_SHA256_Ed25519",
};

const DAY = 86_400n;
const generatedAt = BigInt(Math.floor(Date.now() / 1000));
// From a day ago, for ten years: clients use about three months, but the broker's tests publish
// these KeyPackages to a running broker, whose clock is the real one, for years after they were
// made (those tests raise peyvand.keys.max-lifetime, which refuses such lifetimes by default).
const current = { notBefore: generatedAt - DAY, notAfter: generatedAt + 3650n * DAY };
// Already over when the fixtures were made: ts-mls takes the lifetime as given (it checks
// lifetimes only when a KeyPackage is added to a group), so this one is signed like any other.
const expired = { notBefore: generatedAt - 60n * DAY, notAfter: generatedAt - 30n * DAY };

const text = (s) => new TextEncoder().encode(s);
const hex = (b) => Buffer.from(b).toString("hex");
const impls = {};
async function impl(suite) {
  impls[suite] ??= await getCiphersuiteImpl(getCiphersuiteFromName(SUITES[suite]));
  return impls[suite];
}

// Replaces the previous fixtures (the README stays).
mkdirSync(out, { recursive: true });
for (const old of readdirSync(out).filter((f) => f.endsWith(".bin") || f === "fixtures.json")) {
  rmSync(join(out, old));
}
const index = [];
function write(file, bytes, entry) {
  writeFileSync(join(out, file), bytes);
  index.push({ file, size: bytes.length, ...entry });
}

/**
 * A KeyPackage of user `identity` (the text form of a Peyvand address, platform_id:user_id) in
 * `suite`, written as an MLSMessage (wire_format mls_key_package) unless `bare`.
 */
async function keyPackage(
  file,
  identity,
  suite,
  { lifetime = current, lastResort = false, bare = false, certificates, signatureKeyPair, note },
) {
  const cs = await impl(suite);
  const capabilities = defaultCapabilities();
  const extensions = [];
  if (lastResort) {
    capabilities.extensions = [...capabilities.extensions, LAST_RESORT];
    extensions.push({ extensionType: LAST_RESORT, extensionData: new Uint8Array() });
  }
  const credential = certificates
    ? { credentialType: "x509", certificates }
    : { credentialType: "basic", identity: text(identity) };
  const kp = signatureKeyPair
    ? await generateKeyPackageWithKey(credential, capabilities, lifetime, extensions, signatureKeyPair, cs)
    : await generateKeyPackage(credential, capabilities, lifetime, extensions, cs);
  if (!(await verifyKeyPackage(kp.publicPackage, cs.signature))) {
    throw new Error(`ts-mls does not verify its own KeyPackage ${file}`);
  }
  const bytes = bare
    ? encodeKeyPackage(kp.publicPackage)
    : encodeMlsMessage({ version: "mls10", wireformat: "mls_key_package", keyPackage: kp.publicPackage });
  const expiredAtGeneration = lifetime.notAfter < generatedAt;
  write(file, bytes, {
    kind: "key_package",
    form: bare ? "bare" : "mls_message",
    credential_type: certificates ? "x509" : "basic",
    identity,
    certificate_sizes: certificates?.map((c) => c.length),
    cipher_suite: suite,
    signature_key_size: kp.publicPackage.leafNode.signaturePublicKey.length,
    cipher_suite_name: SUITES[suite],
    not_before: Number(lifetime.notBefore),
    not_after: Number(lifetime.notAfter),
    last_resort: lastResort,
    // Signatures verify (ts-mls checked them above); "valid" is the lifetime at generated_at.
    valid_at_generation: !expiredAtGeneration,
    key_package_ref: hex(await makeKeyPackageRef(kp.publicPackage, cs.hash)),
    note,
  });
  return kp;
}


// --- KeyPackages -------------------------------------------------------------------------------
const alice = await keyPackage("kp-eitaa-alice-s1.bin", "eitaa:alice", 1, {
  note: "alice's own KeyPackage; she creates the group with it",
});
const bob = await keyPackage("kp-bale-bob-phone-s1.bin", "bale:bob", 1, {
  note: "bob's phone; alice adds this one (welcome.bin)",
});
await keyPackage("kp-bale-bob-laptop-s2.bin", "bale:bob", 2, {
  note: "a second client of the same user, P-256 (ECDSA, DER signatures); ts-mls writes the signature key as a compressed point (33 bytes)",
});
// RFC 9420 §5.1.1 wants ECDSA signature keys as uncompressed points (65 bytes for P-256), which
// ts-mls 1.6.4 does not write by itself (noble's getPublicKey compresses): give it the key pair.
const tabletSignKey = p256.utils.randomSecretKey();
await keyPackage("kp-bale-bob-tablet-s2.bin", "bale:bob", 2, {
  signatureKeyPair: { signKey: tabletSignKey, publicKey: p256.getPublicKey(tabletSignKey, false) },
  note: "P-256 with the signature key as RFC 9420 §5.1.1 says: an uncompressed point (65 bytes)",
});
await keyPackage("kp-bale-bob-last-resort-s1.bin", "bale:bob", 1, {
  lastResort: true,
  note: "last_resort extension (0x000A) in the KeyPackage's extensions and the leaf's capabilities",
});
await keyPackage("kp-bale-carol-s1.bin", "bale:carol", 1, { note: "an MLSMessage, like the others" });
await keyPackage("kp-bale-carol-bare-s1.bin", "bale:carol", 1, {
  bare: true,
  note: "a bare KeyPackage, without the MLSMessage header",
});
await keyPackage("kp-soroush-dave-s3.bin", "soroush:dave", 3, { note: "Ed25519 with ChaCha20-Poly1305" });
await keyPackage("kp-rubika-erin-s7.bin", "rubika:erin", 7, { note: "P-384 / SHA-384" });
await keyPackage("kp-rubika-erin-s5.bin", "rubika:erin", 5, { note: "P-521 / SHA-512" });
await keyPackage("kp-rubika-erin-s77.bin", "rubika:erin", 77, {
  note: "suite 77 (ML-KEM-512, not in RFC 9420): parsed, but its KeyPackageRef and signatures are the caller's problem",
});
// An x509 credential: a chain of one self-signed certificate (subject CN=bale:grace) that openssl
// makes here. Its key is not the leaf's signature key, so it serves parsing only (a real chain
// would certify the signature key).
const certificate = execFileSync("openssl", [
  "req", "-x509", "-newkey", "ed25519", "-nodes", "-keyout", "/dev/null",
  "-subj", "/CN=bale:grace", "-days", "90", "-outform", "DER",
], { stdio: ["ignore", "pipe", "ignore"] });
await keyPackage("kp-bale-grace-x509-s1.bin", "bale:grace", 1, {
  certificates: [new Uint8Array(certificate)],
  note: "x509 credential, one self-signed certificate (CN=bale:grace) not bound to the signature key",
});
await keyPackage("kp-bale-frank-expired-s1.bin", "bale:frank", 1, {
  lifetime: expired,
  note: "lifetime over 30 days before generated_at; otherwise sound",
});

// --- A group: alice (eitaa) creates it, adds bob's phone, they talk ----------------------------
const cs = await impl(1);
let aliceGroup = await createGroup(text("eitaa:family"), alice.publicPackage, alice.privatePackage, [], cs);
const addBob = await createCommit(
  { state: aliceGroup, cipherSuite: cs },
  {
    extraProposals: [{ proposalType: "add", add: { keyPackage: bob.publicPackage } }],
    // Bob gets the tree inside the Welcome, so the Welcome alone lets him join.
    ratchetTreeExtension: true,
  },
);
aliceGroup = addBob.newState;
const welcome = encodeMlsMessage({ version: "mls10", wireformat: "mls_welcome", welcome: addBob.welcome });
write("welcome.bin", welcome, {
  kind: "welcome",
  wire_format: 3,
  cipher_suite: 1,
  sender: "eitaa:alice",
  note: "alice's Welcome to bob's phone (kp-bale-bob-phone-s1.bin), with the ratchet tree",
});
write("commit-add-bob.bin", encodeMlsMessage(addBob.commit), {
  kind: "commit",
  wire_format: addBob.commit.wireformat === "mls_private_message" ? 2 : 1,
  cipher_suite: 1,
  sender: "eitaa:alice",
  epoch: 0,
  note: "the Commit that adds bob (epoch 0, only alice can read it)",
});

const decodedWelcome = decodeMlsMessage(welcome, 0)[0];
let bobGroup = await joinGroup(decodedWelcome.welcome, bob.publicPackage, bob.privatePackage, emptyPskIndex, cs);

/** Sends `plaintext` from one member's state, checks that the other decrypts it, writes it. */
async function application(file, from, to, sender, plaintext) {
  const sent = await createApplicationMessage(from, text(plaintext), cs);
  const bytes = encodeMlsMessage({
    version: "mls10",
    wireformat: "mls_private_message",
    privateMessage: sent.privateMessage,
  });
  const received = decodeMlsMessage(bytes, 0)[0];
  const result = await processPrivateMessage(to, received.privateMessage, emptyPskIndex, cs);
  if (result.kind !== "applicationMessage" || new TextDecoder().decode(result.message) !== plaintext) {
    throw new Error(`${file}: the other member did not decrypt ${JSON.stringify(plaintext)}`);
  }
  write(file, bytes, {
    kind: "application",
    wire_format: 2,
    cipher_suite: 1,
    sender,
    epoch: Number(from.groupContext.epoch),
    plaintext,
    decrypted_by_recipient: true,
  });
  return [sent.newState, result.newState];
}

[aliceGroup, bobGroup] = await application("app-1-alice.bin", aliceGroup, bobGroup, "eitaa:alice", "Salam bob!");
[aliceGroup, bobGroup] = await application(
  "app-2-alice.bin",
  aliceGroup,
  bobGroup,
  "eitaa:alice",
  "Across platforms, end to end: سلام",
);
[bobGroup, aliceGroup] = await application("app-3-bob.bin", bobGroup, aliceGroup, "bale:bob", "Hi alice, got it.");

// An empty Commit (a path update: new keys, new epoch) that bob processes.
const update = await createCommit({ state: aliceGroup, cipherSuite: cs }, {});
aliceGroup = update.newState;
const updateBytes = encodeMlsMessage(update.commit);
const updateReceived = decodeMlsMessage(updateBytes, 0)[0];
const bobAfterUpdate = await processPrivateMessage(bobGroup, updateReceived.privateMessage, emptyPskIndex, cs);
if (bobAfterUpdate.kind !== "newState") throw new Error("bob did not process alice's update Commit");
bobGroup = bobAfterUpdate.newState;
if (bobGroup.groupContext.epoch !== aliceGroup.groupContext.epoch) throw new Error("epochs differ after the Commit");
write("commit-update.bin", updateBytes, {
  kind: "commit",
  wire_format: 2,
  cipher_suite: 1,
  sender: "eitaa:alice",
  epoch: 1,
  processed_by: "bale:bob",
  note: "an empty Commit with a path (new epoch 2), processed by bob",
});
[aliceGroup, bobGroup] = await application(
  "app-4-alice-epoch2.bin",
  aliceGroup,
  bobGroup,
  "eitaa:alice",
  "New epoch, same group.",
);

writeFileSync(
  join(out, "fixtures.json"),
  JSON.stringify(
    {
      generator: "protocol/src/test/mls-fixtures/make-fixtures.mjs",
      ts_mls_version: tsMlsVersion,
      generated_at: Number(generatedAt),
      group_id: "eitaa:family",
      last_resort_extension_type: LAST_RESORT,
      fixtures: index,
    },
    null,
    2,
  ) + "\n",
);
console.log(`wrote ${index.length} fixtures and fixtures.json to ${out} (ts-mls ${tsMlsVersion})`);
