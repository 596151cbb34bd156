package io.peyvand.protocol.mls;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The MLS fixtures made by ts-mls (src/test/resources/mls, see its README) and their index,
 * fixtures.json, read with the small JSON reader below (the protocol module has no JSON library,
 * and the index is ours: objects, arrays, strings, integers, booleans, null).
 */
final class MlsFixtures {
  /** One entry of fixtures.json. */
  record Fixture(Map<String, Object> fields) {
    String file() {
      return text("file");
    }

    String kind() {
      return text("kind");
    }

    String text(String name) {
      return (String) fields.get(name);
    }

    long number(String name) {
      return (Long) fields.get(name);
    }

    boolean flag(String name) {
      return (Boolean) fields.get(name);
    }

    byte[] bytes() {
      return MlsFixtures.bytes(file());
    }

    @Override
    public String toString() {
      return file();
    }
  }

  private static final Map<String, Object> INDEX = index();

  private MlsFixtures() {}

  /** When ts-mls made the fixtures, in seconds: lifetimes are judged at this instant. */
  static long generatedAt() {
    return (Long) INDEX.get("generated_at");
  }

  static List<Fixture> all() {
    List<Fixture> fixtures = new ArrayList<>();
    for (Object entry : (List<?>) INDEX.get("fixtures")) {
      @SuppressWarnings("unchecked")
      Map<String, Object> fields = (Map<String, Object>) entry;
      fixtures.add(new Fixture(fields));
    }
    return fixtures;
  }

  static List<Fixture> keyPackages() {
    return all().stream().filter(f -> f.kind().equals("key_package")).toList();
  }

  static Fixture named(String file) {
    return all().stream()
        .filter(f -> f.file().equals(file))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no fixture " + file + " in fixtures.json"));
  }

  static byte[] bytes(String file) {
    try (InputStream in = MlsFixtures.class.getResourceAsStream("/mls/" + file)) {
      if (in == null) {
        throw new AssertionError("fixture /mls/" + file + " is not on the test classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> index() {
    String json = new String(bytes("fixtures.json"), StandardCharsets.UTF_8);
    Json reader = new Json(json);
    Object value = reader.value();
    reader.skipSpace();
    if (reader.at != json.length()) {
      throw new AssertionError("fixtures.json: text after the value at " + reader.at);
    }
    return (Map<String, Object>) value;
  }

  /** A recursive-descent reader of the JSON that JSON.stringify writes. */
  private static final class Json {
    private final String text;
    private int at;

    Json(String text) {
      this.text = text;
    }

    Object value() {
      skipSpace();
      char c = text.charAt(at);
      if (c == '{') {
        Map<String, Object> object = new LinkedHashMap<>();
        at++;
        skipSpace();
        if (text.charAt(at) == '}') {
          at++;
          return object;
        }
        do {
          skipSpace();
          String key = string();
          skipSpace();
          expect(':');
          object.put(key, value());
          skipSpace();
        } while (text.charAt(at++) == ',');
        check(text.charAt(at - 1) == '}', "'}'");
        return object;
      }
      if (c == '[') {
        List<Object> array = new ArrayList<>();
        at++;
        skipSpace();
        if (text.charAt(at) == ']') {
          at++;
          return array;
        }
        do {
          array.add(value());
          skipSpace();
        } while (text.charAt(at++) == ',');
        check(text.charAt(at - 1) == ']', "']'");
        return array;
      }
      if (c == '"') {
        return string();
      }
      for (String literal : List.of("true", "false", "null")) {
        if (text.startsWith(literal, at)) {
          at += literal.length();
          return literal.equals("null") ? null : Boolean.valueOf(literal);
        }
      }
      int start = at;
      while (at < text.length() && "-0123456789".indexOf(text.charAt(at)) >= 0) {
        at++;
      }
      check(at > start, "a value");
      return Long.parseLong(text.substring(start, at));
    }

    private String string() {
      expect('"');
      StringBuilder out = new StringBuilder();
      for (char c = text.charAt(at++); c != '"'; c = text.charAt(at++)) {
        if (c != '\\') {
          out.append(c);
          continue;
        }
        char escaped = text.charAt(at++);
        switch (escaped) {
          case 'n' -> out.append('\n');
          case 't' -> out.append('\t');
          case 'r' -> out.append('\r');
          case 'b' -> out.append('\b');
          case 'f' -> out.append('\f');
          case 'u' -> {
            out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
            at += 4;
          }
          default -> out.append(escaped);
        }
      }
      return out.toString();
    }

    void skipSpace() {
      while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
        at++;
      }
    }

    private void expect(char c) {
      check(text.charAt(at++) == c, "'" + c + "'");
    }

    private void check(boolean ok, String what) {
      if (!ok) {
        throw new AssertionError("fixtures.json: expected " + what + " at " + (at - 1));
      }
    }
  }
}
