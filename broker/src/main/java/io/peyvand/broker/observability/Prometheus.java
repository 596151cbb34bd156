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
