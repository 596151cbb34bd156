package io.peyvand.broker.observability;

/** Writing the Prometheus text exposition format: headers, samples, label escaping. */
final class Prometheus {
  private Prometheus() {
  }

  /** A gauge without labels: its HELP and TYPE lines and its one sample. */
  static void gauge(StringBuilder out, String name, String help, double value) {
    header(out, name, "gauge", help);
    out.append(name).append(' ');
    number(out, value);
    out.append('\n');
  }

  static void header(StringBuilder out, String name, String type, String help) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n')
        .append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  /** One sample with one label. */
  static void sample(StringBuilder out, String name, String label, String labelValue,
      double value) {
    out.append(name).append('{').append(label).append("=\"").append(escape(labelValue))
        .append("\"} ");
    number(out, value);
    out.append('\n');
  }

  /**
   * The samples of one histogram: {@code name_bucket{labels,le=...}} cumulative over
   * {@code perBucket} (one count per bucket, the last +Inf), {@code _sum} in seconds, and
   * {@code _count} as the +Inf bucket (so the two agree within a scrape). {@code labels} is
   * {@code a="x",b="y"}, escaped, or empty.
   */
  static void histogram(StringBuilder out, String name, String labels, double[] bounds,
      long[] perBucket, double sumSeconds) {
    String prefix = labels.isEmpty() ? "" : labels + ",";
    long cumulative = 0;
    for (int i = 0; i < perBucket.length; i++) {
      cumulative += perBucket[i];
      out.append(name).append("_bucket{").append(prefix).append("le=\"")
          .append(i < bounds.length ? Double.toString(bounds[i]) : "+Inf").append("\"} ")
          .append(cumulative).append('\n');
    }
    String braces = labels.isEmpty() ? "" : "{" + labels + "}";
    out.append(name).append("_sum").append(braces).append(' ').append(sumSeconds).append('\n');
    out.append(name).append("_count").append(braces).append(' ').append(cumulative)
        .append('\n');
  }

  /** A label value with backslash, double quote and line feed escaped. */
  static String escape(String label) {
    return label.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  private static void number(StringBuilder out, double value) {
    if (value == Math.rint(value) && !Double.isInfinite(value)) {
      out.append((long) value);
    } else {
      out.append(value);
    }
  }
}
