package io.peyvand.protocol.transparency;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompactRangeTest {
  @Test
  void itsRootIsTheTreesRootAtEverySize() {
    List<byte[]> hashes = new ArrayList<>();
    CompactRange range = new CompactRange();
    assertArrayEquals(MerkleTree.root(hashes, 0), range.root(), "empty");
    for (int i = 0; i < 300; i++) {
      byte[] hash = MerkleTree.leafHash(("entry " + i).getBytes(StandardCharsets.UTF_8));
      hashes.add(hash);
      range.append(hash);
      assertEquals(i + 1, range.size());
      assertArrayEquals(MerkleTree.root(hashes, i + 1), range.root(), "size " + (i + 1));
    }
  }

  @Test
  void aCopyGoesOnAloneAndTheOriginalStaysWhereItWas() {
    CompactRange range = new CompactRange();
    List<byte[]> hashes = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      byte[] hash = MerkleTree.leafHash(new byte[] {(byte) i});
      hashes.add(hash);
      range.append(hash);
    }
    CompactRange copy = range.copy();
    copy.append(MerkleTree.leafHash(new byte[] {9}));
    assertEquals(5, range.size());
    assertArrayEquals(MerkleTree.root(hashes, 5), range.root());
    hashes.add(MerkleTree.leafHash(new byte[] {9}));
    assertArrayEquals(MerkleTree.root(hashes, 6), copy.root());
  }
}
