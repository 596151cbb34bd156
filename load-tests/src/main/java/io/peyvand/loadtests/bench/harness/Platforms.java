package io.peyvand.loadtests.bench.harness;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Which platforms take part: a count (the first N of {@link #DEV}) or a comma-separated list of
 * platform ids. Cross-platform messaging needs at least two. Also the size of each dev platform's
 * audience ({@link #MONTHLY_USERS}), by which the Gatling simulations spread users and traffic.
 */
public final class Platforms {
  /** The platforms {@code ./peyvand dev} registers (all opted in by default), in choice order. */
  public static final List<String> DEV = List.of("eitaa", "bale", "rubika", "soroush");

  /**
   * Monthly active users of each dev platform (Soroush Plus is {@code soroush}), the figures of the
   * interconnection's first phase: a platform's share of users, and of the messages its users send
   * and receive, is its share of this total.
   */
  public static final Map<String, Long> MONTHLY_USERS =
      Map.of(
          "rubika", 40_000_000L, "eitaa", 22_000_000L, "bale", 16_500_000L, "soroush", 10_500_000L);

  private Platforms() {}

  /** {@code "3"} is eitaa, bale, rubika; {@code "bale,soroush"} is those two. */
  public static List<String> parse(String selection) {
    String text = selection.trim();
    if (text.chars().allMatch(Character::isDigit) && !text.isEmpty()) {
      int count = Integer.parseInt(text);
      if (count < 2 || count > DEV.size()) {
        throw new IllegalArgumentException(
            "--platforms: between 2 and "
                + DEV.size()
                + " (the dev platforms "
                + DEV
                + "), or a comma-separated list; got "
                + count);
      }
      return DEV.subList(0, count);
    }
    List<String> ids =
        List.copyOf(
            new LinkedHashSet<>(
                Arrays.stream(text.split(","))
                    .map(String::trim)
                    .filter(s -> !s.isEmpty())
                    .toList()));
    if (ids.size() < 2) {
      throw new IllegalArgumentException(
          "--platforms: at least two distinct platforms are"
              + " needed for cross-platform messaging; got '"
              + selection
              + "'");
    }
    return ids;
  }

  /**
   * {@code total} users split among {@code platforms} in proportion to their monthly users, by
   * largest remainder (so the parts add up to {@code total}), each at least 1; in the order given.
   */
  public static Map<String, Integer> users(List<String> platforms, int total) {
    if (total < platforms.size()) {
      throw new IllegalArgumentException("at least one user per platform: " + total);
    }
    long all = 0;
    for (String p : platforms) {
      Long monthly = MONTHLY_USERS.get(p);
      if (monthly == null) {
        throw new IllegalArgumentException(
            "no monthly user figure for platform " + p + "; known: " + MONTHLY_USERS.keySet());
      }
      all += monthly;
    }
    int[] parts = new int[platforms.size()];
    double[] remainders = new double[platforms.size()];
    int given = 0;
    for (int i = 0; i < parts.length; i++) {
      double exact = (double) total * MONTHLY_USERS.get(platforms.get(i)) / all;
      parts[i] = Math.max(1, (int) Math.floor(exact));
      remainders[i] = exact - Math.floor(exact);
      given += parts[i];
    }
    while (given < total) {
      int best = 0;
      for (int i = 1; i < parts.length; i++) {
        if (remainders[i] > remainders[best]) {
          best = i;
        }
      }
      parts[best]++;
      remainders[best] = -1;
      given++;
    }
    Map<String, Integer> users = new LinkedHashMap<>();
    for (int i = 0; i < parts.length; i++) {
      users.put(platforms.get(i), parts[i]);
    }
    return users;
  }
}
