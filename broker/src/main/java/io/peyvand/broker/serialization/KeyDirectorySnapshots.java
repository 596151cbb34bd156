package io.peyvand.broker.serialization;

import com.google.protobuf.ByteString;
import io.peyvand.broker.keys.KeyShelf;
import io.peyvand.broker.keys.KeyShelf.Stored;
import io.peyvand.persistence.stored.v1.KeyDirectorySnapshot;
import io.peyvand.persistence.stored.v1.StoredKeyPackage;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.persistence.typed.SnapshotAdapter;

/**
 * A {@link KeyShelf} to and from its stored snapshot ({@code KeyDirectorySnapshot}): every
 * KeyPackage held, in the order published. References and clients are hex in memory, bytes when
 * stored.
 */
public final class KeyDirectorySnapshots implements SnapshotAdapter<KeyShelf> {
  private static final HexFormat HEX = HexFormat.of();
  private final int maxOrdinary;

  public KeyDirectorySnapshots(int maxOrdinary) {
    this.maxOrdinary = maxOrdinary;
  }

  @Override
  public Object toJournal(KeyShelf shelf) {
    KeyDirectorySnapshot.Builder stored = KeyDirectorySnapshot.newBuilder();
    shelf.list().forEach(s -> stored.addKeyPackages(stored(s)));
    return stored.build();
  }

  @Override
  public KeyShelf fromJournal(Object from) {
    KeyShelf shelf = new KeyShelf(maxOrdinary);
    for (StoredKeyPackage s : ((KeyDirectorySnapshot) from).getKeyPackagesList()) {
      shelf.published(stored(s), Optional.empty());
    }
    return shelf;
  }

  static StoredKeyPackage stored(Stored s) {
    return StoredKeyPackage.newBuilder()
        .setReference(bytes(s.reference()))
        .setClient(bytes(s.client()))
        .setCipherSuite(s.cipherSuite())
        .setNotBeforeEpochSeconds(s.notBefore().getEpochSecond())
        .setNotAfterEpochSeconds(s.notAfter().getEpochSecond())
        .setLastResort(s.lastResort())
        .setLogIndex(s.logIndex())
        .setClaimed(s.claimed())
        .setKeyPackage(ByteString.copyFrom(s.bytes()))
        .build();
  }

  static Stored stored(StoredKeyPackage s) {
    return new Stored(
        hex(s.getReference()),
        hex(s.getClient()),
        s.getCipherSuite(),
        Instant.ofEpochSecond(s.getNotBeforeEpochSeconds()),
        Instant.ofEpochSecond(s.getNotAfterEpochSeconds()),
        s.getLastResort(),
        s.getLogIndex(),
        s.getClaimed(),
        s.getKeyPackage().toByteArray());
  }

  static ByteString bytes(String hex) {
    return ByteString.copyFrom(HEX.parseHex(hex));
  }

  static String hex(ByteString bytes) {
    return HEX.formatHex(bytes.toByteArray());
  }

  static List<ByteString> bytes(List<String> hex) {
    return hex.stream().map(KeyDirectorySnapshots::bytes).toList();
  }

  static List<String> hex(List<ByteString> bytes) {
    return bytes.stream().map(KeyDirectorySnapshots::hex).toList();
  }
}
