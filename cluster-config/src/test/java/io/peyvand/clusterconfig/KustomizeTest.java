package io.peyvand.clusterconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * KubernetesManifestsTest checks what {@link Kustomize} builds; this checks that it builds what
 * kustomize itself does with the same manifests, so that the checks hold for what is applied.
 */
class KustomizeTest {
  private static final Path ROOT = Path.of(System.getProperty("peyvand.cluster-config", "."));

  @TempDir Path tmp;

  /**
   * {@link Kustomize} against the real one, where kubectl is installed: for each overlay, on a copy
   * of k8s/ and conf/ with placeholder secret files, {@code kubectl kustomize} yields the same
   * resources (generated names without their hash suffix; Secrets by keys).
   */
  @ParameterizedTest
  @ValueSource(strings = {"dev", "production"})
  void theTestsKustomizeBuildsWhatKubectlKustomizeBuilds(String overlay) throws Exception {
    Optional<Path> kubectl =
        Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
            .map(dir -> Path.of(dir, "kubectl"))
            .filter(Files::isExecutable)
            .findFirst();
    assumeTrue(kubectl.isPresent(), "kubectl is not installed");
    Path copy = tmp.resolve("cluster-config");
    for (String folder : List.of("k8s", "conf")) {
      try (Stream<Path> files = Files.walk(ROOT.resolve(folder))) {
        for (Path file : files.filter(Files::isRegularFile).toList()) {
          Path target = copy.resolve(ROOT.relativize(file).toString());
          Files.createDirectories(target.getParent());
          Files.copy(file, target);
        }
      }
    }
    Path folder = copy.resolve("k8s/overlays").resolve(overlay);
    Kustomize.Build ours = Kustomize.build(folder);
    for (Map<String, Path> files : ours.secretFiles().values()) {
      for (Path file : files.values()) {
        Files.writeString(file, "placeholder");
      }
    }
    Process process =
        new ProcessBuilder(kubectl.get().toString(), "kustomize", folder.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String output = new String(process.getInputStream().readAllBytes());
    assertEquals(0, process.waitFor(), "kubectl kustomize " + folder);
    List<HasMetadata> theirs = Kustomize.SERIALIZATION.unmarshal(output);
    // kustomize's generated names: ours plus "-" and a 10-character hash.
    Map<String, String> generated = new HashMap<>();
    for (HasMetadata resource : theirs) {
      String name = resource.getMetadata().getName();
      for (HasMetadata mine : ours.resources()) {
        String base = mine.getMetadata().getName();
        if (mine.getKind().equals(resource.getKind())
            && name.matches(Pattern.quote(base) + "-[a-z0-9]{10}")) {
          generated.put(name, base);
        }
      }
    }
    Map<String, Object> expected = normalized(theirs, generated);
    Map<String, Object> actual = normalized(ours.resources(), Map.of());
    assertEquals(expected.keySet(), actual.keySet());
    expected.forEach((name, resource) -> assertEquals(resource, actual.get(name), name));
  }

  /** Resources by kind/name as JSON maps, generated names unhashed, Secrets by their keys. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> normalized(
      List<HasMetadata> resources, Map<String, String> generated) {
    Map<String, Object> byName = new TreeMap<>();
    for (HasMetadata resource : resources) {
      String json = Kustomize.SERIALIZATION.asJson(resource);
      for (Map.Entry<String, String> name : generated.entrySet()) {
        json = json.replace("\"" + name.getKey() + "\"", "\"" + name.getValue() + "\"");
      }
      Map<String, Object> map = Kustomize.SERIALIZATION.unmarshal(json, Map.class);
      if (resource instanceof Secret) {
        map.put("data", new TreeSet<>(((Map<String, Object>) map.get("data")).keySet()));
      }
      byName.put(
          resource.getKind() + "/" + ((Map<String, Object>) map.get("metadata")).get("name"), map);
    }
    return byName;
  }
}
