package io.peyvand.loadtests.bench.harness;

import java.util.SplittableRandom;

/**
 * Message bodies: slices of one seeded text of common (transliterated) chat words, so that a body
 * costs no allocation beyond its own string and the same seed gives the same bodies.
 */
public final class Bodies {
  private static final String[] WORDS = {
    "salam",
    "merci",
    "khoobi",
    "che",
    "khabar",
    "bale",
    "na",
    "fardaa",
    "emrooz",
    "saat",
    "hashtast",
    "kojaei",
    "befrest",
    "aks",
    "doost",
    "ghorbaan",
    "baashe",
    "hatman",
    "montazeram",
    "khodaahaafez",
    "ok",
    "?",
    "!",
    ":)"
  };

  private final String text;

  /** Bodies of up to {@code maxBytes} from the text of {@code seed}. */
  public Bodies(long seed, int maxBytes) {
    SplittableRandom random = new SplittableRandom(seed);
    int length = Math.max(4096, 2 * maxBytes);
    StringBuilder sb = new StringBuilder(length + 16);
    while (sb.length() < length) {
      sb.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
    }
    this.text = sb.substring(0, length);
  }

  /** {@code bytes} ASCII characters, chosen by {@code key}: the same key, the same body. */
  public String body(long key, int bytes) {
    int offset = (int) Math.floorMod(key * 7919L, (long) text.length() - bytes + 1);
    return text.substring(offset, offset + bytes);
  }
}
