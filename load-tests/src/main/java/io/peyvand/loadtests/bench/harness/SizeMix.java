package io.peyvand.loadtests.bench.harness;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The distribution of text body sizes, in UTF-8 bytes (the bodies are ASCII, so also characters).
 * {@code realistic}: mostly short chat lines, a tail of long texts, 80% under 200 bytes, mean about
 * 360 bytes, at most 16 KiB. {@code fixed:N}: every body N bytes. Sampled from the workload's
 * seeded random, so a seed fixes every size.
 */
public record SizeMix(String name, List<Bucket> buckets) {

  /** {@code weight} percent of the bodies are uniformly {@code min..max} bytes, both included. */
  record Bucket(int weight, int min, int max) {}

  /** The protocol's content limit (ProtocolLimits.maxContentBytes). */
  static final int MAX_BYTES = 64 * 1024;

  public static final SizeMix REALISTIC =
      new SizeMix(
          "realistic",
          List.of(
              new Bucket(50, 5, 60), // "salam", "ok, see you at 8"
              new Bucket(30, 61, 199), // a sentence or two
              new Bucket(14, 200, 999), // a paragraph
              new Bucket(5, 1000, 3999), // a forwarded article excerpt
              new Bucket(1, 4000, 16384))); // a long paste

  public SizeMix {
    if (buckets.isEmpty() || buckets.stream().mapToInt(Bucket::weight).sum() != 100) {
      throw new IllegalArgumentException("bucket weights must add up to 100: " + buckets);
    }
    for (Bucket b : buckets) {
      if (b.min() < 1 || b.max() < b.min() || b.max() > MAX_BYTES) {
        throw new IllegalArgumentException("a body size must be 1.." + MAX_BYTES + ": " + b);
      }
    }
  }

  /** {@code realistic} or {@code fixed:N}. */
  public static SizeMix parse(String text) {
    if (text.equals(REALISTIC.name())) {
      return REALISTIC;
    }
    if (text.startsWith("fixed:")) {
      try {
        int size = Integer.parseInt(text.substring("fixed:".length()));
        return new SizeMix(text, List.of(new Bucket(100, size, size)));
      } catch (NumberFormatException e) {
        // fall through to the error below
      }
    }
    throw new IllegalArgumentException(
        "--size-mix: 'realistic' or 'fixed:N' (N bytes, 1.." + MAX_BYTES + "), got '" + text + "'");
  }

  /** One body size. */
  public int sample(SplittableRandom random) {
    int roll = random.nextInt(100);
    for (Bucket b : buckets) {
      roll -= b.weight();
      if (roll < 0) {
        return b.min() == b.max() ? b.min() : random.nextInt(b.min(), b.max() + 1);
      }
    }
    throw new AssertionError("weights add up to 100");
  }

  /** The largest body this mix produces. */
  public int maxBytes() {
    return buckets.stream().mapToInt(Bucket::max).max().orElseThrow();
  }
}
