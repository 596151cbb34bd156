package io.peyvand.protocol.transparency;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * The Merkle tree of Certificate Transparency (RFC 9162 §2.1) over SHA-256: leaf and node hashes
 * with their domain-separating prefixes, the root (MTH), inclusion and consistency proofs, and the
 * verification of both exactly as §2.1.3.2 and §2.1.4.2 write them. Pure functions over lists of
 * leaf hashes; the log that stores entries and signs heads is the broker's.
 */
public final class MerkleTree {
  /** SHA-256's output length. */
  public static final int HASH_LENGTH = 32;

  private static final byte LEAF_PREFIX = 0x00;
  private static final byte NODE_PREFIX = 0x01;

  private MerkleTree() {}

  /** HASH(0x00 || leaf). */
  public static byte[] leafHash(byte[] leaf) {
    MessageDigest sha = sha256();
    sha.update(LEAF_PREFIX);
    return sha.digest(leaf);
  }

  /** HASH(0x01 || left || right). */
  public static byte[] nodeHash(byte[] left, byte[] right) {
    MessageDigest sha = sha256();
    sha.update(NODE_PREFIX);
    sha.update(left);
    return sha.digest(right);
  }

  /** MTH of the first {@code size} leaves (the hash of the empty string for none). */
  public static byte[] root(List<byte[]> leafHashes, int size) {
    checkSize(leafHashes, size);
    return size == 0 ? sha256().digest() : mth(leafHashes, 0, size);
  }

  /**
   * PATH(index, D[size]): the hashes that take leaf {@code index} to the root of the first {@code
   * size} leaves, from the leaf up.
   */
  public static List<byte[]> inclusionProof(List<byte[]> leafHashes, int index, int size) {
    checkSize(leafHashes, size);
    if (index < 0 || index >= size) {
      throw new IllegalArgumentException(
          "leaf " + index + " is not in a tree of " + size + " leaves");
    }
    List<byte[]> path = new ArrayList<>();
    path(leafHashes, index, 0, size, path);
    return path;
  }

  /**
   * PROOF(first, D[second]): what shows that the tree of the first {@code first} leaves is a prefix
   * of the tree of {@code second}; empty when {@code first} is 0 or equals {@code second}.
   */
  public static List<byte[]> consistencyProof(List<byte[]> leafHashes, int first, int second) {
    checkSize(leafHashes, second);
    if (first < 0 || first > second) {
      throw new IllegalArgumentException(
          "a tree of " + first + " leaves is no prefix of one of " + second);
    }
    List<byte[]> proof = new ArrayList<>();
    if (first > 0 && first < second) {
      subproof(leafHashes, first, 0, second, true, proof);
    }
    return proof;
  }

  /**
   * RFC 9162 §2.1.3.2: whether {@code path} proves leaf {@code index} in the tree of {@code root}.
   */
  public static boolean verifyInclusion(
      byte[] leafHash, long index, long size, List<byte[]> path, byte[] root) {
    if (index < 0 || index >= size) {
      return false;
    }
    long fn = index;
    long sn = size - 1;
    byte[] r = leafHash;
    for (byte[] p : path) {
      if (sn == 0) {
        return false;
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = nodeHash(p, r);
        if ((fn & 1) == 0) {
          while ((fn & 1) == 0 && fn != 0) {
            fn >>= 1;
            sn >>= 1;
          }
        }
      } else {
        r = nodeHash(r, p);
      }
      fn >>= 1;
      sn >>= 1;
    }
    return sn == 0 && MessageDigest.isEqual(r, root);
  }

  /**
   * RFC 9162 §2.1.4.2: whether {@code path} proves the tree of {@code first} leaves with root
   * {@code firstRoot} a prefix of the tree of {@code second} leaves with root {@code secondRoot}.
   * Equal sizes need an empty path and equal roots; an empty first tree is a prefix of any tree.
   */
  public static boolean verifyConsistency(
      long first, long second, byte[] firstRoot, byte[] secondRoot, List<byte[]> path) {
    if (first < 0 || first > second) {
      return false;
    }
    if (first == second) {
      return path.isEmpty() && MessageDigest.isEqual(firstRoot, secondRoot);
    }
    if (first == 0) {
      return path.isEmpty();
    }
    if (path.isEmpty()) {
      return false;
    }
    List<byte[]> c = new ArrayList<>(path);
    if (Long.bitCount(first) == 1) {
      c.add(0, firstRoot);
    }
    long fn = first - 1;
    long sn = second - 1;
    while ((fn & 1) == 1) {
      fn >>= 1;
      sn >>= 1;
    }
    byte[] fr = c.get(0);
    byte[] sr = c.get(0);
    for (byte[] value : c.subList(1, c.size())) {
      if (sn == 0) {
        return false;
      }
      if ((fn & 1) == 1 || fn == sn) {
        fr = nodeHash(value, fr);
        sr = nodeHash(value, sr);
        if ((fn & 1) == 0) {
          while ((fn & 1) == 0 && fn != 0) {
            fn >>= 1;
            sn >>= 1;
          }
        }
      } else {
        sr = nodeHash(sr, value);
      }
      fn >>= 1;
      sn >>= 1;
    }
    return MessageDigest.isEqual(fr, firstRoot) && MessageDigest.isEqual(sr, secondRoot) && sn == 0;
  }

  /** A hash as lower-case hexadecimal. */
  public static String hex(byte[] hash) {
    StringBuilder out = new StringBuilder(hash.length * 2);
    for (byte b : hash) {
      out.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
    }
    return out.toString();
  }

  /** MTH(D[from:to]) for a non-empty range. */
  private static byte[] mth(List<byte[]> hashes, int from, int to) {
    int n = to - from;
    if (n == 1) {
      return hashes.get(from);
    }
    int k = split(n);
    return nodeHash(mth(hashes, from, from + k), mth(hashes, from + k, to));
  }

  private static void path(List<byte[]> hashes, int m, int from, int to, List<byte[]> out) {
    int n = to - from;
    if (n == 1) {
      return;
    }
    int k = split(n);
    if (m < k) {
      path(hashes, m, from, from + k, out);
      out.add(mth(hashes, from + k, to));
    } else {
      path(hashes, m - k, from + k, to, out);
      out.add(mth(hashes, from, from + k));
    }
  }

  private static void subproof(
      List<byte[]> hashes, int m, int from, int to, boolean complete, List<byte[]> out) {
    int n = to - from;
    if (m == n) {
      if (!complete) {
        out.add(mth(hashes, from, to));
      }
      return;
    }
    int k = split(n);
    if (m <= k) {
      subproof(hashes, m, from, from + k, complete, out);
      out.add(mth(hashes, from + k, to));
    } else {
      subproof(hashes, m - k, from + k, to, false, out);
      out.add(mth(hashes, from, from + k));
    }
  }

  /** The largest power of two smaller than {@code n} (n at least 2). */
  private static int split(int n) {
    return Integer.highestOneBit(n - 1);
  }

  private static void checkSize(List<byte[]> leafHashes, int size) {
    if (size < 0 || size > leafHashes.size()) {
      throw new IllegalArgumentException(
          "a tree of " + size + " leaves, but " + leafHashes.size() + " are known");
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /** Whether two hashes are equal (constant time). */
  public static boolean same(byte[] a, byte[] b) {
    return MessageDigest.isEqual(a, b);
  }
}
