package io.peyvand.protocol.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** SDK.md quotes ExampleAdapter, which compiles and runs: the guide cannot drift from the code. */
class SdkGuideTest {
  private static final Pattern JAVA_BLOCK =
      Pattern.compile("```java\\n(.*?)\\n```", Pattern.DOTALL);
  private static final Pattern TAGGED =
      Pattern.compile("// tag::(\\w+)\\[]\\n(.*?)\\n\\s*// end::\\1\\[]", Pattern.DOTALL);

  @Test
  void everyJavaBlockOfTheGuideIsARegionOfTheCompiledExampleInOrder() throws IOException {
    String guide = Files.readString(Path.of("SDK.md"));
    String example =
        Files.readString(Path.of("src/test/java/io/peyvand/protocol/sdk/ExampleAdapter.java"));
    assertEquals(
        all(TAGGED, example, 2).stream().map(SdkGuideTest::dedent).toList(),
        all(JAVA_BLOCK, guide, 1));
  }

  private static List<String> all(Pattern pattern, String text, int group) {
    List<String> found = new ArrayList<>();
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      found.add(m.group(group));
    }
    return found;
  }

  private static String dedent(String region) {
    List<String> lines = region.lines().toList();
    int indent =
        lines.stream()
            .filter(l -> !l.isBlank())
            .mapToInt(l -> l.length() - l.stripLeading().length())
            .min()
            .orElse(0);
    return lines.stream()
        .map(l -> l.isBlank() ? "" : l.substring(indent))
        .collect(Collectors.joining("\n"))
        .stripTrailing();
  }
}
