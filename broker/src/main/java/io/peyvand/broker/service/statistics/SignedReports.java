package io.peyvand.broker.service.statistics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.peyvand.broker.audit.HeadSigner;
import io.peyvand.protocol.transparency.TreeHeads;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The regulator's report as a file: {@code {"report": {...}, "signature": {"algorithm", "value",
 * "certificate", "public_key"}}}, the signature (base64) over the report's canonical JSON (keys
 * sorted at every level, no spaces, UTF-8), by the key of the broker node that made it, with its
 * certificate (base64 DER). {@link #problems} checks a file offline against the CA.
 */
public final class SignedReports {
  /** Canonical JSON: keys sorted, no whitespace. */
  static final ObjectMapper CANONICAL =
      new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private static final ObjectMapper PRETTY =
      new ObjectMapper()
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .enable(SerializationFeature.INDENT_OUTPUT);

  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private SignedReports() {}

  /** The canonical JSON of a tree of maps, lists, strings, numbers and booleans. */
  public static String canonical(Object tree) {
    try {
      return CANONICAL.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a JSON tree: " + e.getMessage(), e);
    }
  }

  /** Parses JSON into a tree of maps; IllegalArgumentException saying why it is not JSON. */
  public static Map<String, Object> parse(String json) {
    try {
      return CANONICAL.readValue(json, MAP);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** The report of a signed file (not checked: see {@link #problems}). */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> report(String file) {
    Object report = parse(file).get("report");
    if (!(report instanceof Map<?, ?>)) {
      throw new IllegalArgumentException("the file has no \"report\" object");
    }
    return (Map<String, Object>) report;
  }

  /**
   * The signed file of {@code report}, indented for people (the signature covers its canonical
   * form).
   */
  public static String sign(Map<String, Object> report, HeadSigner signer) {
    HeadSigner.Signed signed =
        signer.sign(canonical(report).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    Base64.Encoder base64 = Base64.getEncoder();
    Map<String, Object> signature = new TreeMap<>();
    signature.put("algorithm", signed.algorithm());
    signature.put("value", base64.encodeToString(signed.signature()));
    signature.put("certificate", base64.encodeToString(signed.certificate()));
    signature.put("public_key", base64.encodeToString(signed.publicKey()));
    Map<String, Object> file = new TreeMap<>();
    file.put("report", report);
    file.put("signature", signature);
    try {
      return PRETTY.writeValueAsString(file) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * What is wrong with a signed report file: not JSON, no report or signature, a signature that
   * does not verify over the report's canonical form, a signer the CA did not certify. Empty when
   * nothing is.
   */
  @SuppressWarnings("unchecked")
  public static List<String> problems(String file, Optional<X509Certificate> ca) {
    List<String> problems = new ArrayList<>();
    Map<String, Object> parsed;
    try {
      parsed = parse(file);
    } catch (IllegalArgumentException e) {
      problems.add("the file is " + e.getMessage());
      return problems;
    }
    if (!(parsed.get("report") instanceof Map<?, ?> report)
        || !(parsed.get("signature") instanceof Map<?, ?> signature)) {
      problems.add("the file has no \"report\" and \"signature\" objects");
      return problems;
    }
    Base64.Decoder base64 = Base64.getDecoder();
    try {
      problems.addAll(
          TreeHeads.signatureProblems(
              canonical(report).getBytes(java.nio.charset.StandardCharsets.UTF_8),
              String.valueOf(signature.get("algorithm")),
              base64.decode(String.valueOf(signature.get("value"))),
              base64.decode(
                  String.valueOf(
                      ((Map<String, Object>) signature).getOrDefault("certificate", ""))),
              base64.decode(
                  String.valueOf(((Map<String, Object>) signature).getOrDefault("public_key", ""))),
              ca));
    } catch (IllegalArgumentException e) {
      problems.add("the signature's fields are not base64: " + e.getMessage());
    }
    return problems;
  }
}
