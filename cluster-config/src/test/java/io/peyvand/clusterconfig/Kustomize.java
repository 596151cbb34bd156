package io.peyvand.clusterconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The part of {@code kustomize build} that cluster-config/k8s uses, on fabric8's Kubernetes model:
 * resources (files and kustomization folders), configMapGenerator and secretGenerator (names
 * without kustomize's hash suffix, which kustomize writes into every reference alike), namespace,
 * replicas and strategic-merge patches (maps merged, lists of named items merged by name). Anything
 * else in a kustomization fails the build, so the manifests cannot outgrow what is checked.
 * Generated ConfigMaps keep their files' text; generated Secrets keep only their keys and where
 * each comes from (the files are the operator's, not in the repository).
 */
final class Kustomize {
  static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private static final List<String> UNDERSTOOD =
      List.of(
          "apiVersion",
          "kind",
          "namespace",
          "resources",
          "replicas",
          "patches",
          "configMapGenerator",
          "secretGenerator");

  /** What a build yields: the resources, and the files each generated Secret reads. */
  record Build(List<HasMetadata> resources, Map<String, Map<String, Path>> secretFiles) {
    <T extends HasMetadata> List<T> all(Class<T> kind) {
      return resources.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    <T extends HasMetadata> T one(Class<T> kind, String name) {
      return all(kind).stream()
          .filter(r -> r.getMetadata().getName().equals(name))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no " + kind.getSimpleName() + " " + name));
    }

    Deployment broker() {
      List<Deployment> deployments = all(Deployment.class);
      assertEquals(1, deployments.size(), "one Deployment, the broker's");
      return deployments.get(0);
    }
  }

  private Kustomize() {}

  static Build build(Path folder) {
    Map<String, Object> kustomization = read(folder.resolve("kustomization.yaml"));
    for (String key : kustomization.keySet()) {
      assertTrue(
          UNDERSTOOD.contains(key),
          folder + ": '" + key + "' is not applied by this test's kustomize; extend Kustomize");
    }
    List<HasMetadata> resources = new ArrayList<>();
    Map<String, Map<String, Path>> secretFiles = new LinkedHashMap<>();
    for (String entry : strings(kustomization.get("resources"))) {
      Path path = folder.resolve(entry).normalize();
      assertTrue(Files.exists(path), folder + " lists " + entry + ", which does not exist");
      if (Files.isDirectory(path)) {
        Build nested = build(path);
        resources.addAll(nested.resources());
        secretFiles.putAll(nested.secretFiles());
      } else {
        resources.addAll(parse(path));
      }
    }
    for (Map<String, Object> generator : maps(kustomization.get("configMapGenerator"))) {
      ConfigMapBuilder configMap =
          new ConfigMapBuilder().withNewMetadata().withName(name(generator)).endMetadata();
      files(folder, generator).forEach((key, file) -> configMap.addToData(key, text(file)));
      resources.add(configMap.build());
    }
    for (Map<String, Object> generator : maps(kustomization.get("secretGenerator"))) {
      SecretBuilder secret =
          new SecretBuilder()
              .withNewMetadata()
              .withName(name(generator))
              .endMetadata()
              .withType("Opaque");
      Map<String, Path> files = files(folder, generator);
      files.keySet().forEach(key -> secret.addToData(key, ""));
      resources.add(secret.build());
      secretFiles.put(name(generator), files);
    }
    for (Map<String, Object> patch : maps(kustomization.get("patches"))) {
      assertEquals(
          Set.of("path"), patch.keySet(), folder + ": only patches by file are applied here");
      Path path = folder.resolve((String) patch.get("path"));
      assertTrue(Files.isRegularFile(path), folder + ": patch " + path + " does not exist");
      HasMetadata change = parse(path).get(0);
      int target = indexOf(resources, change.getKind(), change.getMetadata().getName(), path);
      resources.set(target, merge(resources.get(target), change));
    }
    for (Map<String, Object> replicas : maps(kustomization.get("replicas"))) {
      String name = name(replicas);
      Deployment deployment =
          (Deployment) resources.get(indexOf(resources, "Deployment", name, folder));
      deployment.getSpec().setReplicas(((Number) replicas.get("count")).intValue());
    }
    if (kustomization.get("namespace") instanceof String namespace) {
      resources.forEach(r -> r.getMetadata().setNamespace(namespace));
      resources.stream()
          .filter(RoleBinding.class::isInstance)
          .flatMap(r -> ((RoleBinding) r).getSubjects().stream())
          .filter(s -> s.getKind().equals("ServiceAccount"))
          .forEach(s -> s.setNamespace(namespace));
    }
    return new Build(resources, secretFiles);
  }

  /** The documents of a manifest, each as its kind's model class, with no field left unknown. */
  static List<HasMetadata> parse(Path file) {
    Object parsed = SERIALIZATION.unmarshal(text(file));
    List<HasMetadata> resources = new ArrayList<>();
    if (parsed instanceof List<?> list) {
      list.forEach(item -> resources.add((HasMetadata) item));
    } else if (parsed instanceof HasMetadata resource) {
      resources.add(resource);
    } else {
      fail(file + " is not a Kubernetes resource: " + parsed);
    }
    for (HasMetadata resource : resources) {
      assertTrue(
          resource.getClass().getName().startsWith("io.fabric8.kubernetes.api.model."),
          file + ": " + resource.getKind() + " is no kind of the Kubernetes model");
      noUnknownFields(file + ": " + resource.getKind(), resource);
    }
    return resources;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> read(Path file) {
    return SERIALIZATION.unmarshal(text(file), Map.class);
  }

  static String text(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Fails on a field the model does not know (a misspelt {@code readinesProbe} would otherwise land
   * in the model's additional properties, unchecked and ignored).
   */
  private static void noUnknownFields(String where, Object model) {
    if (model instanceof List<?> list) {
      list.forEach(item -> noUnknownFields(where, item));
      return;
    }
    if (model instanceof Map<?, ?> map) {
      map.values().forEach(value -> noUnknownFields(where, value));
      return;
    }
    if (!(model instanceof KubernetesResource)) {
      return;
    }
    for (Method getter : model.getClass().getMethods()) {
      if (getter.getParameterCount() != 0
          || !getter.getName().startsWith("get")
          || getter.getName().equals("getClass")) {
        continue;
      }
      Object value;
      try {
        value = getter.invoke(model);
      } catch (IllegalAccessException | InvocationTargetException e) {
        throw new IllegalStateException(getter.toString(), e);
      }
      if (getter.getName().equals("getAdditionalProperties")) {
        assertTrue(
            value == null || ((Map<?, ?>) value).isEmpty(),
            where + " has fields the Kubernetes model does not know: " + value);
      } else {
        noUnknownFields(where, value);
      }
    }
  }

  /** A strategic-merge patch as the overlays write them: maps merged, named items by name. */
  @SuppressWarnings("unchecked")
  private static HasMetadata merge(HasMetadata target, HasMetadata patch) {
    Map<String, Object> merged = SERIALIZATION.convertValue(target, Map.class);
    mergeInto(merged, SERIALIZATION.convertValue(patch, Map.class));
    return SERIALIZATION.convertValue(merged, target.getClass());
  }

  @SuppressWarnings("unchecked")
  private static void mergeInto(Map<String, Object> target, Map<String, Object> patch) {
    patch.forEach(
        (key, value) -> {
          Object old = target.get(key);
          if (old instanceof Map && value instanceof Map) {
            mergeInto((Map<String, Object>) old, (Map<String, Object>) value);
          } else if (old instanceof List<?> oldList && value instanceof List<?> newList) {
            for (Object item : newList) {
              Object name = item instanceof Map<?, ?> m ? m.get("name") : null;
              Map<String, Object> same =
                  name == null
                      ? null
                      : (Map<String, Object>)
                          oldList.stream()
                              .filter(o -> o instanceof Map<?, ?> m && name.equals(m.get("name")))
                              .findFirst()
                              .orElse(null);
              assertTrue(same != null, "the patch's item " + name + " of " + key + " exists");
              mergeInto(same, (Map<String, Object>) item);
            }
          } else {
            target.put(key, value);
          }
        });
  }

  private static int indexOf(List<HasMetadata> resources, String kind, String name, Path where) {
    for (int i = 0; i < resources.size(); i++) {
      HasMetadata r = resources.get(i);
      if (r.getKind().equals(kind) && r.getMetadata().getName().equals(name)) {
        return i;
      }
    }
    throw new AssertionError(where + " changes " + kind + " " + name + ", which does not exist");
  }

  /** A generator's files by key: {@code key=path} or a path whose file name is the key. */
  private static Map<String, Path> files(Path folder, Map<String, Object> generator) {
    Map<String, Path> files = new LinkedHashMap<>();
    for (String entry : strings(generator.get("files"))) {
      int eq = entry.indexOf('=');
      Path path = folder.resolve(eq < 0 ? entry : entry.substring(eq + 1)).normalize();
      assertTrue(
          path.startsWith(folder.toAbsolutePath().normalize()) || path.startsWith(folder),
          folder + ": " + entry + " is outside the kustomization (kustomize refuses it)");
      files.put(eq < 0 ? path.getFileName().toString() : entry.substring(0, eq), path);
    }
    return files;
  }

  private static String name(Map<String, Object> entry) {
    return (String) entry.get("name");
  }

  @SuppressWarnings("unchecked")
  private static List<String> strings(Object list) {
    return list == null ? List.of() : (List<String>) list;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> maps(Object list) {
    return list == null ? List.of() : (List<Map<String, Object>>) list;
  }
}
