package io.peyvand.loadtests.bench;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Which platforms take part: a count (the first N of {@link #DEV}) or a comma-separated list of
 * platform ids. Cross-platform messaging needs at least two.
 */
final class Platforms {
  /** The platforms {@code ./peyvand dev} registers (all opted in by default), in choice order. */
  static final List<String> DEV = List.of("eitaa", "bale", "rubika", "soroush");

  private Platforms() {
  }

  /** {@code "3"} is eitaa, bale, rubika; {@code "bale,soroush"} is those two. */
  static List<String> parse(String selection) {
    String text = selection.trim();
    if (text.chars().allMatch(Character::isDigit) && !text.isEmpty()) {
      int count = Integer.parseInt(text);
      if (count < 2 || count > DEV.size()) {
        throw new IllegalArgumentException("--platforms: between 2 and " + DEV.size()
            + " (the dev platforms " + DEV + "), or a comma-separated list; got " + count);
      }
      return DEV.subList(0, count);
    }
    List<String> ids = List.copyOf(new LinkedHashSet<>(Arrays.stream(text.split(","))
        .map(String::trim).filter(s -> !s.isEmpty()).toList()));
    if (ids.size() < 2) {
      throw new IllegalArgumentException("--platforms: at least two distinct platforms are"
          + " needed for cross-platform messages; got '" + selection + "'");
    }
    return ids;
  }
}
