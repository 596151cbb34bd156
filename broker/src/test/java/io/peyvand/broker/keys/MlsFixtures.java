package io.peyvand.broker.keys;

import com.google.protobuf.ByteString;
import io.peyvand.broker.TestBroker;
import io.peyvand.persistence.testkit.CassandraKeyspace;
import io.peyvand.protocol.v1.Capabilities;
import io.peyvand.protocol.v1.ClaimKeyPackagesResult;
import io.peyvand.protocol.v1.ConfigurePlatformRequest;
import io.peyvand.protocol.v1.UserAddress;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What the key-package directory's tests share: a broker whose bale and eitaa carry MLS, the
 * protocol module's real MLS fixtures (made by ts-mls), and bob's three KeyPackageRefs.
 */
final class MlsFixtures {
  static final String PHONE = "495a52e64801e588254dd44a57a5596e36480154733e90649fac6ac90bd7c050";
  static final String LAPTOP = "b053bb0b6ae90334decf05b8775a9cd74f1f9ae0769f2af010e20c3bde7a2c94";
  static final String LAST_RESORT =
      "014b7bc6ee4547d1fa0d37e5f4ae1de3535e01ce85f21d50e8e1c4be2d1ca745";

  private MlsFixtures() {}

  /**
   * A broker node where bale and eitaa list MLS suites 1 and 2. The fixtures live ten years, so the
   * node takes lifetimes that long, to keep passing on the real clock.
   */
  static TestBroker brokerWithMls(String name, CassandraKeyspace cassandra) throws Exception {
    TestBroker node =
        TestBroker.start(
            name,
            cassandra,
            TestBroker.BALE_AND_EITAA + "\npeyvand.keys.max-lifetime = 3700 days\n");
    for (String platform : List.of("bale", "eitaa")) {
      node.as(platform)
          .configurePlatform(
              ConfigurePlatformRequest.newBuilder()
                  .setPlatformId(platform)
                  .setCapabilities(
                      Capabilities.newBuilder()
                          .addAllEncryptionSchemes(List.of("mls", "mls-1", "mls-2")))
                  .setDefaultOptedIn(true)
                  .build())
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
    }
    return node;
  }

  /** A fixture of the protocol module's test resources {@code mls/}. */
  static ByteString fixture(String name) throws IOException {
    try (InputStream in = MlsFixtures.class.getResourceAsStream("/mls/" + name)) {
      if (in == null) {
        throw new IllegalStateException("no fixture mls/" + name + " on the test classpath");
      }
      return ByteString.readFrom(in);
    }
  }

  /** The KeyPackageRefs (hex) a claim handed out. */
  static Set<String> references(ClaimKeyPackagesResult result) {
    Set<String> refs = new HashSet<>();
    result.getKeyPackagesList().forEach(k -> refs.add(hex(k.getInfo().getReference())));
    return refs;
  }

  static String hex(ByteString bytes) {
    return HexFormat.of().formatHex(bytes.toByteArray());
  }

  static UserAddress user(String platform, String id) {
    return UserAddress.newBuilder().setPlatformId(platform).setUserId(id).build();
  }
}
