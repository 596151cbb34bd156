package io.peyvand.protocol.transparency;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The tree against the reference vectors of RFC 6962's implementation (the eight leaves Certificate
 * Transparency's tests use), and every proof for trees of up to 64 leaves: each verifies, and each
 * fails once one of its inputs is changed.
 */
class MerkleTreeTest {
  private static final HexFormat HEX = HexFormat.of();

  private static final byte[][] LEAVES = {
    {},
    {0x00},
    {0x10},
    {0x20, 0x21},
    {0x30, 0x31},
    {0x40, 0x41, 0x42, 0x43},
    HEX.parseHex("5051525354555657"),
    HEX.parseHex("606162636465666768696a6b6c6d6e6f")
  };

  private static final String[] ROOTS = {
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
  };

  @Test
  void rootsMatchTheReferenceVectors() {
    List<byte[]> hashes = new ArrayList<>();
    for (byte[] leaf : LEAVES) {
      hashes.add(MerkleTree.leafHash(leaf));
    }
    assertEquals(
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        MerkleTree.hex(MerkleTree.root(hashes, 0)),
        "the empty tree's root is the hash of the empty string");
    for (int size = 1; size <= LEAVES.length; size++) {
      assertEquals(ROOTS[size - 1], MerkleTree.hex(MerkleTree.root(hashes, size)), "size " + size);
    }
  }

  @Test
  void everyInclusionProofVerifiesAndFailsForAnotherLeafIndexOrRoot() {
    List<byte[]> hashes = leaves(64);
    for (int size = 1; size <= 64; size++) {
      byte[] root = MerkleTree.root(hashes, size);
      for (int index = 0; index < size; index++) {
        List<byte[]> path = MerkleTree.inclusionProof(hashes, index, size);
        assertTrue(
            MerkleTree.verifyInclusion(hashes.get(index), index, size, path, root),
            index + " in " + size);
        byte[] other = hashes.get((index + 1) % 64);
        assertFalse(MerkleTree.verifyInclusion(other, index, size, path, root), "another leaf");
        if (size > 1) {
          assertFalse(
              MerkleTree.verifyInclusion(hashes.get(index), (index + 1) % size, size, path, root),
              "another index");
          assertFalse(
              MerkleTree.verifyInclusion(hashes.get(index), index, size, path, hashes.get(0)),
              "another root");
          List<byte[]> altered = new ArrayList<>(path);
          altered.set(0, MerkleTree.leafHash("x".getBytes(StandardCharsets.UTF_8)));
          assertFalse(
              MerkleTree.verifyInclusion(hashes.get(index), index, size, altered, root),
              "an altered path");
          assertFalse(
              MerkleTree.verifyInclusion(
                  hashes.get(index), index, size, path.subList(0, path.size() - 1), root),
              "a shortened path");
        }
      }
      assertFalse(MerkleTree.verifyInclusion(hashes.get(0), size, size, List.of(), root));
    }
  }

  @Test
  void everyConsistencyProofVerifiesAndFailsAgainstARewrittenHistory() {
    List<byte[]> hashes = leaves(40);
    for (int second = 1; second <= 40; second++) {
      byte[] secondRoot = MerkleTree.root(hashes, second);
      for (int first = 0; first <= second; first++) {
        byte[] firstRoot = MerkleTree.root(hashes, first);
        List<byte[]> proof = MerkleTree.consistencyProof(hashes, first, second);
        assertTrue(
            MerkleTree.verifyConsistency(first, second, firstRoot, secondRoot, proof),
            first + " to " + second);
        if (first > 0 && first < second) {
          // the same first size, but one of its entries rewritten afterwards
          List<byte[]> rewritten = new ArrayList<>(hashes);
          rewritten.set(first - 1, MerkleTree.leafHash(new byte[] {9, 9}));
          byte[] rewrittenRoot = MerkleTree.root(rewritten, second);
          assertFalse(
              MerkleTree.verifyConsistency(
                  first,
                  second,
                  firstRoot,
                  rewrittenRoot,
                  MerkleTree.consistencyProof(rewritten, first, second)),
              "a rewritten entry " + (first - 1) + " of " + first + " to " + second);
          assertFalse(
              MerkleTree.verifyConsistency(first, second, secondRoot, secondRoot, proof),
              "a wrong first root");
        }
      }
    }
  }

  @Test
  void proofsOutsideTheTreeAreRefused() {
    List<byte[]> hashes = leaves(4);
    assertThrows(IllegalArgumentException.class, () -> MerkleTree.inclusionProof(hashes, 4, 4));
    assertThrows(IllegalArgumentException.class, () -> MerkleTree.inclusionProof(hashes, 0, 5));
    assertThrows(IllegalArgumentException.class, () -> MerkleTree.consistencyProof(hashes, 3, 2));
    assertFalse(
        MerkleTree.verifyConsistency(
            3, 2, MerkleTree.root(hashes, 3), MerkleTree.root(hashes, 2), List.of()));
  }

  @Test
  void aLeafAndANodeOfTheSameBytesHashApart() {
    byte[] a = MerkleTree.leafHash(new byte[] {1});
    byte[] b = MerkleTree.leafHash(new byte[] {2});
    byte[] joined = new byte[64];
    System.arraycopy(a, 0, joined, 0, 32);
    System.arraycopy(b, 0, joined, 32, 32);
    assertFalse(MerkleTree.same(MerkleTree.nodeHash(a, b), MerkleTree.leafHash(joined)));
    assertArrayEquals(MerkleTree.nodeHash(a, b), MerkleTree.root(List.of(a, b), 2));
  }

  private static List<byte[]> leaves(int n) {
    List<byte[]> hashes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      hashes.add(MerkleTree.leafHash(("entry " + i).getBytes(StandardCharsets.UTF_8)));
    }
    return hashes;
  }
}
