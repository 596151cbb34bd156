package io.peyvand.protocol.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

class BrokerEndpointTest {
  private static final BrokerEndpoint ONE = new BrokerEndpoint("127.0.0.1", 7410);
  private static final BrokerEndpoint TWO = new BrokerEndpoint("127.0.0.1", 7420);
  private static final BrokerEndpoint V6 = new BrokerEndpoint("::1", 7430);

  @Test
  void aListIsParsedInOrder() {
    assertEquals(
        List.of(ONE, TWO, V6),
        BrokerEndpoint.parseList("127.0.0.1:7410, 127.0.0.1:7420,[::1]:7430"));
    assertEquals(List.of(ONE), BrokerEndpoint.parseList("127.0.0.1:7410"));
    assertEquals(
        "127.0.0.1:7410,127.0.0.1:7420,[::1]:7430", BrokerEndpoint.format(List.of(ONE, TWO, V6)));
  }

  @Test
  void badListsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> BrokerEndpoint.parseList(""));
    assertThrows(IllegalArgumentException.class, () -> BrokerEndpoint.parseList("a:1,,b:2"));
    assertThrows(IllegalArgumentException.class, () -> BrokerEndpoint.parseList("a:1,"));
    assertThrows(IllegalArgumentException.class, () -> BrokerEndpoint.parseList("a:1,b"));
    assertThrows(
        IllegalArgumentException.class,
        () -> BrokerEndpoint.parseList("a:1,a:1"),
        "the same node twice");
  }

  @Test
  void theConfigsBrokersListWinsOverTheSingleBroker() {
    var config =
        ConfigFactory.parseString(
                """
        peyvand.sdk.brokers = ["127.0.0.1:7410", "127.0.0.1:7420"]
        peyvand.sdk.broker { host = "10.0.0.1", port = 7400 }
        """)
            .withFallback(ConfigFactory.load());
    assertEquals(List.of(ONE, TWO), BrokerEndpoint.listFromConfig(config));
    assertEquals(
        List.of(ONE, TWO), PeyvandClient.builder(config).platformId("bale").settings().brokers());
  }

  @Test
  void withoutAListTheSingleBrokerIsUsed() {
    var config =
        ConfigFactory.parseString(
                """
        peyvand.sdk.broker { host = "10.0.0.1", port = 7401 }
        """)
            .withFallback(ConfigFactory.load());
    assertEquals(
        List.of(new BrokerEndpoint("10.0.0.1", 7401)), BrokerEndpoint.listFromConfig(config));
  }

  @Test
  void startAtPicksTheFirstNodeModuloTheirNumber() {
    PeyvandClientBuilder builder =
        PeyvandClient.builder().platformId("bale").brokers(List.of(ONE, TWO, V6));
    assertEquals(ONE, builder.settings().broker());
    assertEquals(V6, builder.startAt(2).settings().broker());
    assertEquals(TWO, builder.startAt(4).settings().broker());
    assertEquals(
        List.of(TWO), builder.broker(TWO).settings().brokers(), "broker(...) is a list of one");
    assertEquals(TWO, builder.settings().broker(), "startAt wraps on a list of one");
    assertThrows(IllegalArgumentException.class, () -> builder.startAt(-1));
  }
}
