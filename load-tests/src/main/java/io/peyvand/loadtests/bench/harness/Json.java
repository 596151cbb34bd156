package io.peyvand.loadtests.bench.harness;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.peyvand.protocol.v1.ErrorCode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;

/**
 * The reports' JSON, written with Jackson: objects built field by field in the order the reports
 * document, numbers with a fixed number of decimals where a figure is measured ({@link #fixed}).
 */
public final class Json {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** {@code value} with {@code decimals} decimals (half up), e.g. 4.0, 0.0001, 1.50. */
  public static BigDecimal fixed(double value, int decimals) {
    return BigDecimal.valueOf(value).setScale(decimals, RoundingMode.HALF_UP);
  }

  /** Nanoseconds as milliseconds with one decimal. */
  public static BigDecimal ms(long nanos) {
    return fixed(nanos / 1e6, 1);
  }

  /** Names to counts, in the map's order. */
  public static ObjectNode counts(Map<String, ? extends Number> counts) {
    ObjectNode node = object();
    counts.forEach((name, n) -> node.put(name, n.longValue()));
    return node;
  }

  /** Refusals by error code name. */
  public static ObjectNode byCode(Map<ErrorCode, Integer> refused) {
    ObjectNode o = object();
    refused.forEach((code, n) -> o.put(code.name(), n));
    return o;
  }

  public static String text(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of nodes always writes", e);
    }
  }
}
