package io.peyvand.protocol.transparency;

import java.util.ArrayList;
import java.util.List;

/**
 * The right edge of a Merkle tree (RFC 9162 §2.1.1): the roots of the perfect subtrees that the
 * binary form of its size splits it into, largest first. It takes the tree's leaves one by one and
 * gives the root of the tree so far, keeping at most 64 hashes however many leaves it has seen, so
 * that a monitor can follow a log of any length without holding its entries.
 */
public final class CompactRange {
  private final List<byte[]> roots = new ArrayList<>();
  private final List<Long> sizes = new ArrayList<>();
  private long size;

  /** How many leaves it has taken. */
  public long size() {
    return size;
  }

  /** Takes the next leaf by its leaf hash ({@link MerkleTree#leafHash}). */
  public void append(byte[] leafHash) {
    roots.add(leafHash);
    sizes.add(1L);
    size++;
    int last = roots.size() - 1;
    while (last > 0 && sizes.get(last).equals(sizes.get(last - 1))) {
      byte[] merged = MerkleTree.nodeHash(roots.get(last - 1), roots.get(last));
      roots.remove(last);
      sizes.remove(last);
      roots.set(last - 1, merged);
      sizes.set(last - 1, sizes.get(last - 1) * 2);
      last--;
    }
  }

  /** MTH of the leaves taken (the hash of the empty string for none). */
  public byte[] root() {
    if (roots.isEmpty()) {
      return MerkleTree.root(List.of(), 0);
    }
    byte[] root = roots.get(roots.size() - 1);
    for (int i = roots.size() - 2; i >= 0; i--) {
      root = MerkleTree.nodeHash(roots.get(i), root);
    }
    return root;
  }

  /** An independent copy, to try leaves on without changing this one. */
  public CompactRange copy() {
    CompactRange copy = new CompactRange();
    copy.roots.addAll(roots);
    copy.sizes.addAll(sizes);
    copy.size = size;
    return copy;
  }
}
