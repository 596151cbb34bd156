package io.peyvand.clusterconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.RollingUpdateDeployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.peyvand.broker.BrokerSettings;
import io.peyvand.broker.tls.TlsSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The manifests of k8s/ (and the kustomization of conf/ they include) read into fabric8's
 * Kubernetes model, each overlay built as kustomize would ({@link Kustomize}), and the references
 * between them checked: what the Services, the PodDisruptionBudget and Pekko Discovery select are
 * the broker's pods; ports and probes name the container's ports, which are the ones the broker's
 * configuration listens on; the RBAC grants pod listing to the pods' service account; every Secret
 * and ConfigMap a pod uses is defined, with the keys used; and the broker's configuration in its
 * ConfigMap passes the deployable check of conf/ ({@link Deployables}), with its certificate files
 * where the Secrets are mounted and every environment variable it reads set. No cluster is needed.
 * One test per kind of reference, each over both overlays: its length is the number of references a
 * deployment depends on; building (Kustomize) and comparing with kubectl (KustomizeTest) live
 * apart.
 */
class KubernetesManifestsTest {
  private static final Path ROOT = Path.of(System.getProperty("peyvand.cluster-config", "."));
  private static final Path K8S = ROOT.resolve("k8s");
  private static final String BROKER_CONF = "broker.conf";

  /** The file of the CA the driver trusts Cassandra's certificates by. */
  private static final String CASSANDRA_TRUST =
      "datastax-java-driver.advanced.ssl-engine-factory.trust-certificates";

  /** Where a test lays out the broker's configuration files as its pod would see them. */
  @TempDir Path tmp;

  private static Kustomize.Build overlay(String name) {
    return Kustomize.build(K8S.resolve("overlays").resolve(name));
  }

  private static PodSpec pod(Kustomize.Build build) {
    return build.broker().getSpec().getTemplate().getSpec();
  }

  private static Container container(Kustomize.Build build) {
    List<Container> containers = pod(build).getContainers();
    assertEquals(1, containers.size(), "the broker's pod runs one container");
    return containers.get(0);
  }

  private static Map<String, String> podLabels(Kustomize.Build build) {
    return build.broker().getSpec().getTemplate().getMetadata().getLabels();
  }

  private static ContainerPort port(Container container, String name) {
    return container.getPorts().stream()
        .filter(p -> name.equals(p.getName()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("the container has no port named " + name));
  }

  private static boolean selects(Map<String, String> selector, Map<String, String> labels) {
    return selector != null
        && !selector.isEmpty()
        && selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }

  /** The broker's configuration files as the pod sees them in its conf volume, in {@code tmp}. */
  private Path materializeConf(Kustomize.Build build) throws IOException {
    Path folder = tmp;
    Container container = container(build);
    VolumeMount mount =
        container.getVolumeMounts().stream()
            .filter(m -> m.getName().equals("conf"))
            .findFirst()
            .orElseThrow();
    List<String> args = container.getArgs();
    assertEquals(
        mount.getMountPath() + "/" + BROKER_CONF,
        args.get(args.indexOf("--config") + 1),
        "the broker runs the configuration of its conf volume");
    for (VolumeProjection source : volume(build, "conf").getProjected().getSources()) {
      ConfigMap configMap = build.one(ConfigMap.class, source.getConfigMap().getName());
      for (Map.Entry<String, String> file : configMap.getData().entrySet()) {
        Files.writeString(folder.resolve(file.getKey()), file.getValue());
      }
    }
    assertTrue(Files.isRegularFile(folder.resolve(BROKER_CONF)));
    return folder.resolve(BROKER_CONF);
  }

  private Config brokerConfig(Kustomize.Build build) {
    try {
      return Deployables.load(materializeConf(build));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Volume volume(Kustomize.Build build, String name) {
    return pod(build).getVolumes().stream()
        .filter(v -> v.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("the pod has no volume " + name));
  }

  @Test
  void everyManifestParsesIntoTheKubernetesModelAndEveryKustomizationEntryExists()
      throws IOException {
    List<Path> yaml;
    try (Stream<Path> files = Files.walk(K8S)) {
      yaml = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertTrue(yaml.size() >= 12, yaml.toString());
    for (Path file : yaml) {
      if (!file.getFileName().toString().equals("kustomization.yaml")) {
        assertFalse(Kustomize.parse(file).isEmpty(), file.toString());
      }
    }
    // Every file of k8s/ is in a build: none lies around unchecked.
    Set<String> used = new HashSet<>();
    for (String name : List.of("dev", "production")) {
      Kustomize.Build build = overlay(name);
      build.resources().forEach(r -> used.add(r.getKind() + "/" + r.getMetadata().getName()));
    }
    for (Path file : yaml) {
      if (!file.getFileName().toString().equals("kustomization.yaml")
          && !file.getParent().getFileName().toString().matches("dev|production")) {
        for (HasMetadata resource : Kustomize.parse(file)) {
          assertTrue(
              used.contains(resource.getKind() + "/" + resource.getMetadata().getName()),
              file + " is in no overlay's build");
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "production"})
  void servicesSelectTheBrokerPodsAndTargetItsNamedPorts(String overlay) {
    Kustomize.Build build = overlay(overlay);
    Container container = container(build);
    Service broker = build.one(Service.class, "peyvand-broker");
    assertTrue(
        selects(broker.getSpec().getSelector(), podLabels(build)),
        "Service peyvand-broker's selector "
            + broker.getSpec().getSelector()
            + " does not select the pods "
            + podLabels(build));
    Set<String> names = new HashSet<>();
    for (ServicePort servicePort : broker.getSpec().getPorts()) {
      IntOrString target = servicePort.getTargetPort();
      assertNotNull(target.getStrVal(), "target ports by name: " + servicePort);
      ContainerPort port = port(container, target.getStrVal());
      assertEquals(servicePort.getPort(), port.getContainerPort(), servicePort.getName());
      names.add(servicePort.getName());
    }
    assertEquals(Set.of("grpc", "https"), names, "the Service serves gRPC and HTTPS");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "production"})
  void containerPortsAreTheOnesTheBrokerConfigurationListensOn(String overlay) {
    Kustomize.Build build = overlay(overlay);
    Container container = container(build);
    Config config = brokerConfig(build);
    BrokerSettings settings = BrokerSettings.fromConfig(config);
    assertEquals(settings.grpc().port(), port(container, "grpc").getContainerPort());
    assertEquals("0.0.0.0", settings.grpc().iface());
    assertEquals(settings.http().port(), port(container, "https").getContainerPort());
    assertEquals("0.0.0.0", settings.http().iface());
    assertEquals(
        config.getInt("pekko.remote.artery.canonical.port"),
        port(container, "remoting").getContainerPort());
    assertEquals(
        config.getInt("pekko.management.http.port"),
        port(container, "management").getContainerPort(),
        "the management port is declared");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "production"})
  void probesAskTheHealthPathsOverHttpsOnTheContainersPort(String overlay) {
    Container container = container(overlay(overlay));
    Map<String, Probe> probes =
        Map.of(
            "/health/ready", container.getReadinessProbe(),
            "/health/alive", container.getLivenessProbe());
    List<Probe> all = new ArrayList<>(probes.values());
    all.add(container.getStartupProbe());
    for (Map.Entry<String, Probe> probe : probes.entrySet()) {
      assertNotNull(probe.getValue(), probe.getKey());
      assertEquals(probe.getKey(), probe.getValue().getHttpGet().getPath());
    }
    assertEquals("/health/alive", container.getStartupProbe().getHttpGet().getPath());
    for (Probe probe : all) {
      HTTPGetAction get = probe.getHttpGet();
      assertEquals("HTTPS", get.getScheme(), "the HTTP port is TLS in production");
      assertEquals(
          port(container, "https").getName(),
          get.getPort().getStrVal(),
          "probes ask the container's HTTPS port by name");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "production"})
  void disruptionsAndRollingUpdatesKeepAMajorityOfTheCluster(String overlay) {
    Kustomize.Build build = overlay(overlay);
    Deployment broker = build.broker();
    int replicas = broker.getSpec().getReplicas();
    assertTrue(replicas >= 3, "at least 3 nodes: the Split Brain Resolver needs a majority");
    List<PodDisruptionBudget> budgets = build.all(PodDisruptionBudget.class);
    assertEquals(1, budgets.size());
    PodDisruptionBudget budget = budgets.get(0);
    assertTrue(
        selects(budget.getSpec().getSelector().getMatchLabels(), podLabels(build)),
        "the PodDisruptionBudget selects the broker pods");
    int available =
        budget.getSpec().getMinAvailable() != null
            ? budget.getSpec().getMinAvailable().getIntVal()
            : replicas - budget.getSpec().getMaxUnavailable().getIntVal();
    assertTrue(
        available > replicas / 2,
        "the PodDisruptionBudget keeps " + available + " of " + replicas + ", not a majority");
    RollingUpdateDeployment rolling = broker.getSpec().getStrategy().getRollingUpdate();
    assertEquals("RollingUpdate", broker.getSpec().getStrategy().getType());
    int unavailable = rolling.getMaxUnavailable().getIntVal();
    assertTrue(
        replicas - unavailable > replicas / 2,
        "a rolling update keeps " + (replicas - unavailable) + " of " + replicas);
    // Cluster Bootstrap forms a cluster only with required-contact-point-nr pods: no more than the
    // overlay runs.
    Config config = brokerConfig(build);
    assertTrue(
        config.getInt(
                "pekko.management.cluster.bootstrap.contact-point-discovery.required-contact-point-nr")
            <= replicas);
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "production"})
  void theRoleBindingGrantsPodListingToThePodsServiceAccount(String overlay) {
    Kustomize.Build build = overlay(overlay);
    String account = pod(build).getServiceAccountName();
    build.one(ServiceAccount.class, account);
    String namespace = build.broker().getMetadata().getNamespace();
    assertNotNull(namespace, "the overlay sets the namespace");
    List<RoleBinding> bindings = build.all(RoleBinding.class);
    assertEquals(1, bindings.size());
    RoleBinding binding = bindings.get(0);
    assertEquals("Role", binding.getRoleRef().getKind());
    Role role = build.one(Role.class, binding.getRoleRef().getName());
    Subject subject = binding.getSubjects().get(0);
    assertEquals("ServiceAccount", subject.getKind());
    assertEquals(account, subject.getName(), "the binding's subject is the pods' service account");
    assertEquals(namespace, subject.getNamespace());
    PolicyRule rule = role.getRules().get(0);
    assertEquals(List.of(""), rule.getApiGroups());
    assertEquals(List.of("pods"), rule.getResources());
    assertTrue(rule.getVerbs().containsAll(List.of("get", "watch", "list")), rule.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "production"})
  void everySecretAndConfigMapThePodUsesIsDefinedWithItsKeys(String overlay) {
    Kustomize.Build build = overlay(overlay);
    List<String> checked = new ArrayList<>();
    for (Volume volume : pod(build).getVolumes()) {
      List<VolumeProjection> sources =
          volume.getProjected() != null ? volume.getProjected().getSources() : List.of();
      for (VolumeProjection source : sources) {
        if (source.getSecret() != null) {
          Secret secret = build.one(Secret.class, source.getSecret().getName());
          hasKeys(secret.getData(), source.getSecret().getItems(), secret);
          checked.add(secret.getMetadata().getName());
        }
        if (source.getConfigMap() != null) {
          ConfigMap configMap = build.one(ConfigMap.class, source.getConfigMap().getName());
          hasKeys(configMap.getData(), source.getConfigMap().getItems(), configMap);
          checked.add(configMap.getMetadata().getName());
        }
      }
      if (volume.getSecret() != null || volume.getConfigMap() != null) {
        throw new AssertionError("volume " + volume.getName() + ": use a projected volume");
      }
    }
    for (EnvVar env : container(build).getEnv()) {
      if (env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null) {
        var ref = env.getValueFrom().getSecretKeyRef();
        Secret secret = build.one(Secret.class, ref.getName());
        assertTrue(secret.getData().containsKey(ref.getKey()), env.getName() + ": " + ref);
        checked.add(secret.getMetadata().getName());
      }
      if (env.getValueFrom() != null && env.getValueFrom().getConfigMapKeyRef() != null) {
        var ref = env.getValueFrom().getConfigMapKeyRef();
        assertTrue(
            build.one(ConfigMap.class, ref.getName()).getData().containsKey(ref.getKey()),
            env.getName() + ": " + ref);
      }
    }
    assertTrue(
        checked.containsAll(
            List.of(
                "peyvand-broker-tls",
                "peyvand-interconnect-ca",
                "peyvand-cassandra-ca",
                "peyvand-directory-key")),
        checked.toString());
    // The Secrets' files are the operator's (CLUSTER.md): under secrets/, which git ignores.
    Path overlayFolder = K8S.resolve("overlays").resolve(overlay).normalize();
    Path secrets = overlayFolder.resolve("secrets");
    assertTrue(Kustomize.text(secrets.resolve(".gitignore")).lines().anyMatch("*"::equals));
    build
        .secretFiles()
        .forEach(
            (name, files) ->
                files.values().forEach(f -> assertTrue(f.startsWith(secrets), name + ": " + f)));
  }

  private static void hasKeys(Map<String, String> data, List<KeyToPath> items, HasMetadata owner) {
    for (KeyToPath item : items == null ? List.<KeyToPath>of() : items) {
      assertTrue(
          data.containsKey(item.getKey()),
          owner.getKind() + " " + owner.getMetadata().getName() + " has no key " + item.getKey());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "production"})
  void theBrokerConfigurationPassesTheDeployableCheckAndReadsWhatThePodProvides(String overlay)
      throws IOException {
    Kustomize.Build build = overlay(overlay);
    Path conf = materializeConf(build);
    Deployables.check("k8s " + overlay + " ConfigMap " + BROKER_CONF, conf);
    Config config = Deployables.load(conf);
    BrokerSettings settings = BrokerSettings.fromConfig(config);
    assertEquals(BrokerSettings.Environment.PRODUCTION, settings.environment());
    assertEquals(BrokerSettings.Join.BOOTSTRAP, settings.join());
    assertEquals(List.of(), config.getStringList("pekko.cluster.seed-nodes"));

    // The certificate files are where the tls volume puts its Secrets' items.
    Container container = container(build);
    Map<Path, String> mounted = new HashMap<>();
    for (VolumeMount mount : container.getVolumeMounts()) {
      Volume volume = volume(build, mount.getName());
      if (volume.getProjected() != null) {
        for (VolumeProjection source : volume.getProjected().getSources()) {
          if (source.getSecret() != null) {
            for (KeyToPath item : source.getSecret().getItems()) {
              mounted.put(
                  Path.of(mount.getMountPath(), item.getPath()), source.getSecret().getName());
            }
          }
        }
      }
    }
    TlsSettings tls = settings.tls();
    Map<String, Optional<Path>> read = new LinkedHashMap<>();
    read.put("peyvand.tls.key-store", Optional.of(tls.keyStore()));
    read.put("peyvand.tls.trust-store", Optional.of(tls.trustStore()));
    read.put("peyvand.tls.crl-file", tls.crlFile());
    read.put(CASSANDRA_TRUST, Optional.of(Path.of(config.getString(CASSANDRA_TRUST))));
    read.forEach(
        (setting, file) ->
            assertTrue(
                file.isPresent() && mounted.containsKey(file.get()),
                setting
                    + " reads "
                    + file
                    + ", which no Secret is mounted at: "
                    + mounted.keySet()));
    assertEquals(
        "peyvand-cassandra-ca",
        mounted.get(Path.of(config.getString(CASSANDRA_TRUST))),
        "the driver trusts the CA of Cassandra's certificates");

    // Every environment variable the configuration reads is set on the container.
    Set<String> env = new HashSet<>();
    container.getEnv().forEach(e -> env.add(e.getName()));
    Pattern variable = Pattern.compile("\\$\\{\\??([A-Z][A-Z0-9_]*)\\}");
    try (Stream<Path> files = Files.list(tmp)) {
      for (Path file : files.toList()) {
        Matcher m = variable.matcher(Kustomize.text(file));
        while (m.find()) {
          assertTrue(env.contains(m.group(1)), file.getFileName() + " reads $" + m.group(1));
        }
      }
    }
    assertEquals(
        "status.podIP",
        container.getEnv().stream()
            .filter(e -> e.getName().equals("PEYVAND_HOSTNAME"))
            .findFirst()
            .orElseThrow()
            .getValueFrom()
            .getFieldRef()
            .getFieldPath(),
        "the node's address is the pod's IP");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "production"})
  void discoveryFindsTheBrokerPodsAndTheirManagementPort(String overlay) {
    Kustomize.Build build = overlay(overlay);
    Config config = brokerConfig(build);
    String discovery = "pekko.management.cluster.bootstrap.contact-point-discovery.";
    assertEquals("kubernetes-api", config.getString(discovery + "discovery-method"));
    String selector =
        config
            .getString("pekko.discovery.kubernetes-api.pod-label-selector")
            .formatted(config.getString(discovery + "service-name"));
    Map<String, String> wanted = new HashMap<>();
    for (String term : selector.split(",")) {
      String[] kv = term.split("=", 2);
      wanted.put(kv[0].trim(), kv[1].trim());
    }
    assertTrue(
        selects(wanted, podLabels(build)),
        "Pekko Discovery selects " + selector + ", the pods are labelled " + podLabels(build));
    ContainerPort management = port(container(build), config.getString(discovery + "port-name"));
    assertEquals(config.getInt("pekko.management.http.port"), management.getContainerPort());
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "production"})
  void cassandraIsAnExternalServiceTheDriverNames(String overlay) {
    Kustomize.Build build = overlay(overlay);
    Config config = brokerConfig(build);
    for (String contactPoint : config.getStringList("datastax-java-driver.basic.contact-points")) {
      String[] hostPort = contactPoint.split(":");
      Service cassandra = build.one(Service.class, hostPort[0]);
      assertEquals("ExternalName", cassandra.getSpec().getType());
      assertTrue(
          cassandra.getSpec().getPorts().stream()
              .anyMatch(p -> p.getPort() == Integer.parseInt(hostPort[1])),
          contactPoint);
    }
    // The data centre the driver calls local is the one the keyspace replicates three times.
    String local =
        config.getString("datastax-java-driver.basic.load-balancing-policy.local-datacenter");
    Config datacenters = config.getConfig("peyvand.cassandra.schema.replication.datacenters");
    assertEquals(Set.of(local), datacenters.root().keySet());
    assertEquals(3, datacenters.getInt(local));
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "production"})
  void thePodRunsAsNonRootFromATaggedBrokerImage(String overlay) {
    Kustomize.Build build = overlay(overlay);
    assertTrue(pod(build).getSecurityContext().getRunAsNonRoot());
    String image = container(build).getImage();
    assertTrue(image.matches("peyvand/broker:[\\w.-]+"), image);
    assertNotNull(container(build).getResources().getRequests().get("cpu"));
    assertEquals(
        container(build).getResources().getRequests().get("memory"),
        container(build).getResources().getLimits().get("memory"),
        "memory requested is memory limited: the heap is a share of the limit");
  }

  @Test
  void productionIsSizedAsCapacityMdSaysAndDevIsSmall() {
    Container production = container(overlay("production"));
    assertEquals(6, overlay("production").broker().getSpec().getReplicas());
    assertEquals(new Quantity("15"), production.getResources().getRequests().get("cpu"));
    assertEquals(new Quantity("16Gi"), production.getResources().getLimits().get("memory"));
    assertEquals(3, overlay("dev").broker().getSpec().getReplicas());
  }
}
