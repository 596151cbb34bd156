package io.peyvand.protocol.mls;

import com.google.protobuf.ByteString;
import java.util.Objects;

/**
 * An MLS extension (RFC 9420 §13): its type and its data, kept opaque (the broker reads none of
 * them; it only asks whether one is present, e.g. {@link KeyPackage#LAST_RESORT}).
 *
 * @param type the extension type, uint16
 * @param data the extension_data, as sent
 */
public record Extension(int type, ByteString data) {
  public Extension {
    Objects.requireNonNull(data, "data");
  }
}
