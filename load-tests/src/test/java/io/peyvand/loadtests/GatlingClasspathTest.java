package io.peyvand.loadtests;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import org.junit.jupiter.api.Test;

/**
 * The simulations run in CI only as compiled code, so a dependency that Maven mediates to a version
 * Gatling cannot run on would go unnoticed until someone runs `./peyvand load`. This initialises
 * the Gatling classes that broke that way once (its JSON support on the Cassandra driver's older
 * Jackson), on this module's test classpath, which is the one the plugin runs.
 */
class GatlingClasspathTest {

  @Test
  void gatlingsJsonSupportInitialisesOnThisClasspath() {
    assertDoesNotThrow(
        () -> Class.forName("io.gatling.core.json.Json$", true, getClass().getClassLoader()));
  }
}
