package io.peyvand.protocol.mls;

import com.google.protobuf.ByteString;

/**
 * A cursor over TLS-presentation-language bytes as RFC 9420 §2.1 encodes them: fixed-width unsigned
 * integers in network order, and variable-length vectors prefixed by the MLS varint. Every read
 * checks that the bytes are there first, so a declared length never allocates anything the input
 * does not already hold; every refusal is an {@link MlsFormatException} naming the field and the
 * absolute offset.
 */
final class MlsReader {
  /** The largest value a 4-byte MLS varint carries (2^30 - 1). */
  static final int MAX_VARINT = (1 << 30) - 1;

  private final byte[] bytes;
  private final String structure;
  private final int end;
  private int position;

  /** Reads {@code bytes[start, end)}; offsets in errors count from {@code bytes[0]}. */
  MlsReader(byte[] bytes, int start, int end, String structure) {
    this.bytes = bytes;
    this.structure = structure;
    this.position = start;
    this.end = end;
  }

  int position() {
    return position;
  }

  boolean atEnd() {
    return position == end;
  }

  String structure() {
    return structure;
  }

  MlsFormatException refuse(int offset, String problem) {
    return new MlsFormatException(structure, offset, problem);
  }

  int uint8(String field) {
    need(field, 1);
    return bytes[position++] & 0xff;
  }

  int uint16(String field) {
    need(field, 2);
    int value = ((bytes[position] & 0xff) << 8) | (bytes[position + 1] & 0xff);
    position += 2;
    return value;
  }

  /** A ProtocolVersion (uint16) that must be mls10 (1): a later version may encode differently. */
  int mls10(String field) {
    int at = position;
    int version = uint16(field);
    if (version != KeyPackage.MLS10) {
      throw refuse(at, field + " " + version + " is not mls10 (1), the only one RFC 9420 has");
    }
    return version;
  }

  /** A uint64, as a long read unsigned: values of 2^63 and more come back negative. */
  long uint64(String field) {
    need(field, 8);
    long value = 0;
    for (int i = 0; i < 8; i++) {
      value = (value << 8) | (bytes[position + i] & 0xff);
    }
    position += 8;
    return value;
  }

  /**
   * The MLS varint of RFC 9420 §2.1.2: the two high bits of the first byte give its length (00: 1
   * byte, 01: 2, 10: 4; 11 is invalid), and the value must use the shortest of them.
   */
  int varint(String field) {
    int at = position;
    int first = uint8(field);
    int prefix = first >>> 6;
    int value = first & 0x3f;
    if (prefix == 3) {
      throw refuse(
          at, field + ": varint prefix 11 (first byte 0x" + hex(first) + ") is not valid in MLS");
    }
    int length = 1 << prefix;
    for (int i = 1; i < length; i++) {
      value = (value << 8) | uint8(field);
    }
    if (length > 1 && value < (1 << (8 * (length / 2) - 2))) {
      throw refuse(
          at,
          field
              + ": varint "
              + value
              + " in "
              + length
              + " bytes is not minimally encoded (RFC 9420 §2.1.2)");
    }
    return value;
  }

  /** A variable-length {@code opaque field<V>}. */
  ByteString opaque(String field) {
    int length = vectorLength(field);
    ByteString value = ByteString.copyFrom(bytes, position, length);
    position += length;
    return value;
  }

  /**
   * The contents of a variable-length vector as a reader of their own, which the caller must read
   * to its end ({@link #expectEnd}); this reader moves past them.
   */
  MlsReader vector(String field) {
    int length = vectorLength(field);
    MlsReader contents = new MlsReader(bytes, position, position + length, structure);
    position += length;
    return contents;
  }

  /** Refuses bytes left over after the last field of {@code what}. */
  void expectEnd(String what) {
    if (position != end) {
      throw refuse(
          position,
          (end - position) + " byte(s) left over after " + what + ", which must end here");
    }
  }

  /** The bytes between two offsets already read, e.g. a structure's encoding. */
  ByteString slice(int from, int to) {
    return ByteString.copyFrom(bytes, from, to - from);
  }

  /** How many bytes the MLS varint of {@code value} takes (minimal encoding). */
  static int varintSize(int value) {
    if (value < 0 || value > MAX_VARINT) {
      throw new IllegalArgumentException("not an MLS varint: " + value);
    }
    return value < (1 << 6) ? 1 : value < (1 << 14) ? 2 : 4;
  }

  /** Writes {@code value} as an opaque<V>: its length as a minimal MLS varint, then the bytes. */
  static void writeOpaque(java.io.ByteArrayOutputStream out, byte[] value) {
    int length = value.length;
    switch (varintSize(length)) {
      case 1 -> out.write(length);
      case 2 -> {
        out.write(0x40 | (length >>> 8));
        out.write(length & 0xff);
      }
      default -> {
        out.write(0x80 | (length >>> 24));
        out.write((length >>> 16) & 0xff);
        out.write((length >>> 8) & 0xff);
        out.write(length & 0xff);
      }
    }
    out.write(value, 0, length);
  }

  private int vectorLength(String field) {
    int at = position;
    int length = varint(field);
    if (length > end - position) {
      throw refuse(
          at,
          field
              + " declares "
              + length
              + " byte(s) but only "
              + (end - position)
              + " remain in its enclosing structure");
    }
    return length;
  }

  private void need(String field, int count) {
    if (end - position < count) {
      throw refuse(
          position,
          field
              + " needs "
              + count
              + " byte(s) but only "
              + (end - position)
              + " remain (truncated?)");
    }
  }

  private static String hex(int b) {
    return String.format("%02x", b);
  }
}
