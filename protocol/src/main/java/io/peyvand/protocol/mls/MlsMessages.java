package io.peyvand.protocol.mls;

/**
 * The header of an MLSMessage (RFC 9420 §6): the broker carries Welcomes, Commits and application
 * messages opaquely between platforms, and only checks that the bytes claim to be an MLSMessage of
 * version mls10 and of the wire format expected (and their size, elsewhere). Nothing after the
 * header is read: the rest is encrypted or signed for the group, which the broker is not in.
 */
public final class MlsMessages {
  private static final String STRUCTURE = "MLSMessage";

  /** The encryption scheme of MLS content ({@code encrypted.scheme}), PROTOCOL.md §18.1. */
  public static final String SCHEME = "mls";

  private MlsMessages() {}

  /** The wire formats of RFC 9420 §6 (IANA "MLS Wire Formats"). */
  public enum WireFormat {
    PUBLIC_MESSAGE(1),
    PRIVATE_MESSAGE(2),
    WELCOME(3),
    GROUP_INFO(4),
    KEY_PACKAGE(5);

    private final int code;

    WireFormat(int code) {
      this.code = code;
    }

    /** The uint16 code point. */
    public int code() {
      return code;
    }
  }

  /**
   * The wire_format of the MLSMessage in {@code bytes}: version mls10 (1), then one of {@link
   * WireFormat}'s code points, then at least one byte of body. Anything else is an {@link
   * MlsFormatException} naming the offset. The body is not read.
   */
  public static WireFormat wireFormat(byte[] bytes) {
    MlsReader r = new MlsReader(bytes, 0, bytes.length, STRUCTURE);
    r.mls10("version");
    int code = r.uint16("wire_format");
    for (WireFormat format : WireFormat.values()) {
      if (format.code == code) {
        if (r.atEnd()) {
          throw r.refuse(4, "an MLSMessage of wire_format " + format + " needs a body");
        }
        return format;
      }
    }
    throw r.refuse(
        2,
        "wire_format "
            + code
            + " is none of 1 public_message, 2 private_message, 3 welcome, 4 group_info,"
            + " 5 key_package");
  }
}
