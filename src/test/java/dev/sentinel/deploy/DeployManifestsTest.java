package dev.sentinel.deploy;

import dev.sentinel.config.ConfigLoader;
import dev.sentinel.config.Role;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No Docker daemon or cluster runs here, so the deployment files are read instead: they parse,
 * and every port, path, environment variable, role and config key they name for a Sentinel
 * container exists in the code, the packed defaults and the contract. A renamed variable or a
 * moved endpoint fails here rather than in somebody's rollout.
 */
class DeployManifestsTest {

  private static final Path DEPLOY = Path.of("deploy");
  /** Paths the management port serves besides the contract's (see the README, "Operating Sentinel"). */
  private static final Set<String> MANAGEMENT_PATHS = Set.of("/health", "/metrics");
  /** Variables a Sentinel container may carry that the JVM or its libraries read, not ConfigLoader. */
  private static final Set<String> PLATFORM_VARIABLES = Set.of("JAVA_TOOL_OPTIONS");

  private final Map<String, Object> defaults = yaml(Path.of("conf/sentinel.yaml"));
  private final int apiPort = ((Number) at(defaults, "http.port")).intValue();
  private final int metricsPort = ((Number) at(defaults, "metrics.port")).intValue();

  @Test void composeNamesOnlyVariablesRolesAndPortsTheNodeHas() {
    Map<String, Object> compose = yaml(DEPLOY.resolve("compose/docker-compose.yml"));
    Map<String, Object> services = map(compose.get("services"));
    assertThat(services).containsKeys("redis", "api", "worker", "prometheus", "grafana");
    List<String> sentinelServices = services.keySet().stream()
        .filter(s -> "sentinel:local".equals(map(services.get(s)).get("image"))).toList();
    assertThat(sentinelServices).containsExactlyInAnyOrder("api", "worker");
    for (String name : sentinelServices) {
      Map<String, Object> service = map(services.get(name));
      Map<String, Object> env = map(service.get("environment"));
      assertKnownVariables(name, env.keySet());
      roles(String.valueOf(env.get("SENTINEL_ROLES")));
      for (Object published : list(service.getOrDefault("ports", List.of()))) {
        int container = Integer.parseInt(String.valueOf(published).replaceAll(".*:", ""));
        assertThat(container).as(name + " publishes " + published).isIn(apiPort, metricsPort);
      }
    }
    assertThat(roles(String.valueOf(map(map(services.get("api")).get("environment")).get("SENTINEL_ROLES"))))
        .contains(Role.API, Role.WATCHER);
    assertThat(map(map(services.get("worker")).get("deploy")).get("replicas")).isEqualTo(2);
    String redis = String.join(" ", stringList(map(services.get("redis")).get("command")));
    assertThat(redis).contains("--appendonly yes").contains("--maxmemory-policy noeviction");
    assertThat(list(map(services.get("redis")).get("volumes"))).isNotEmpty();
  }

  @Test void prometheusScrapesEveryNodeOnTheManagementPort() {
    Map<String, Object> prometheus = yaml(DEPLOY.resolve("compose/prometheus.yml"));
    List<String> jobs = new ArrayList<>();
    for (Object o : list(prometheus.get("scrape_configs"))) {
      Map<String, Object> job = map(o);
      jobs.add(String.valueOf(job.get("job_name")));
      assertThat(job.get("metrics_path")).isEqualTo("/metrics");
      for (Object c : list(job.getOrDefault("static_configs", List.of()))) {
        for (String target : stringList(map(c).get("targets"))) {
          assertThat(Integer.parseInt(target.replaceAll(".*:", ""))).as(target).isEqualTo(metricsPort);
        }
      }
      for (Object c : list(job.getOrDefault("dns_sd_configs", List.of()))) {
        assertThat(map(c).get("port")).isEqualTo(metricsPort);
      }
    }
    assertThat(jobs).containsExactlyInAnyOrder("sentinel-api", "sentinel-worker");
  }

  @Test void grafanaIsProvisionedWithTheDashboardDirectoryComposeMounts() {
    Map<String, Object> compose = yaml(DEPLOY.resolve("compose/docker-compose.yml"));
    List<String> volumes = stringList(map(map(compose.get("services")).get("grafana")).get("volumes"));
    String provider = String.valueOf(at(map(list(yaml(DEPLOY.resolve("compose/grafana/provisioning/dashboards/sentinel.yml"))
        .get("providers")).get(0)), "options.path"));
    assertThat(volumes).anySatisfy(v -> assertThat(v).startsWith("../grafana:" + provider));
    assertThat(volumes).anySatisfy(v -> assertThat(v).startsWith("./grafana/provisioning:/etc/grafana/provisioning"));
    assertThat(Files.isRegularFile(DEPLOY.resolve("grafana/sentinel.json"))).isTrue();
  }

  @Test void kubernetesContainersUseOnlyRolesVariablesPortsAndPathsThatExist() throws IOException {
    Set<String> contractPaths = map(yaml(Path.of("openapi.yaml")).get("paths")).keySet();
    List<Map<String, Object>> deployments = kubernetes("Deployment");
    Set<Role> roles = new HashSet<>();
    for (Map<String, Object> deployment : deployments) {
      String name = String.valueOf(at(deployment, "metadata.name"));
      Map<String, Object> pod = map(at(deployment, "spec.template.spec"));
      for (Object c : list(pod.get("containers"))) {
        Map<String, Object> container = map(c);
        List<String> args = stringList(container.get("args"));
        roles.addAll(roles(args.get(args.indexOf("--roles") + 1)));
        String conf = args.get(args.indexOf("--conf") + 1);
        assertThat(stringList(list(container.get("volumeMounts")).stream().map(m -> map(m).get("mountPath")).toList()))
            .as(name + " mounts the directory of " + conf).contains(Path.of(conf).getParent().toString());
        assertKnownVariables(name, list(container.get("env")).stream().map(e -> String.valueOf(map(e).get("name"))).toList());
        Map<String, Integer> ports = new HashMap<>();
        for (Object p : list(container.get("ports"))) {
          int port = ((Number) map(p).get("containerPort")).intValue();
          assertThat(port).as(name + " port").isIn(apiPort, metricsPort);
          ports.put(String.valueOf(map(p).get("name")), port);
        }
        for (String probe : List.of("livenessProbe", "readinessProbe")) {
          if (!container.containsKey(probe)) continue;
          String path = String.valueOf(at(map(container.get(probe)), "httpGet.path"));
          Integer port = ports.get(String.valueOf(at(map(container.get(probe)), "httpGet.port")));
          assertThat(port).as(name + " " + probe + " names a declared port").isNotNull();
          if (port == metricsPort) assertThat(path).as(name + " " + probe).isIn(MANAGEMENT_PATHS);
          else assertThat(contractPaths).as(name + " " + probe).contains(path);
        }
      }
    }
    assertThat(roles).containsExactlyInAnyOrder(Role.API, Role.WORKER, Role.WATCHER);
  }

  @Test void theWorkersGraceCoversPreStopAndTheDrain() {
    Map<String, Object> worker = kubernetes("Deployment").stream()
        .filter(d -> "sentinel-worker".equals(at(d, "metadata.name"))).findFirst().orElseThrow();
    Map<String, Object> pod = map(at(worker, "spec.template.spec"));
    Map<String, Object> container = map(list(pod.get("containers")).get(0));
    long preStopMs = 1000L * Long.parseLong(stringList(at(map(container.get("lifecycle")), "preStop.exec.command")).get(1));
    Object configured = at(configMapSentinelYaml(), "worker.drain_ms");
    long drainMs = ((Number) (configured != null ? configured : at(defaults, "worker.drain_ms"))).longValue();
    long graceMs = 1000L * ((Number) pod.get("terminationGracePeriodSeconds")).longValue();
    // a few seconds beyond the drain for the hand-back and the JVM's exit
    assertThat(graceMs).isGreaterThanOrEqualTo(preStopMs + drainMs + 5000);
  }

  @Test void theConfigMapSetsOnlyKeysTheDefaultsHave() {
    Map<String, Object> conf = configMapSentinelYaml();
    assertThat(leaves(conf, "")).isNotEmpty().allSatisfy(key -> assertThat(at(defaults, key) != null || hasKey(defaults, key))
        .as("conf/sentinel.yaml has " + key).isTrue());
  }

  @Test void servicesAndBudgetsSelectPodsThatExist() {
    List<Map<String, Object>> podLabels = kubernetes("Deployment").stream().map(d -> map(at(d, "spec.template.metadata.labels"))).toList();
    List<Map<String, Object>> selectors = new ArrayList<>();
    kubernetes("Service").forEach(s -> selectors.add(map(at(s, "spec.selector"))));
    kubernetes("PodDisruptionBudget").forEach(p -> selectors.add(map(at(p, "spec.selector.matchLabels"))));
    assertThat(selectors).hasSize(3);
    for (Map<String, Object> selector : selectors) {
      assertThat(podLabels).as("pods selected by " + selector).anyMatch(labels -> labels.entrySet().containsAll(selector.entrySet()));
    }
  }

  // ---- reading

  private void assertKnownVariables(String where, Collection<String> names) {
    Set<String> known = new HashSet<>(ConfigLoader.environmentVariables());
    known.addAll(PLATFORM_VARIABLES);
    for (String name : names) {
      if (name.startsWith("OTEL_")) continue;   // OpenTelemetry's own, read by its SDK
      assertThat(known).as(where + " sets " + name + ", which no Sentinel node reads").contains(name);
    }
  }

  private static Set<Role> roles(String text) {
    Set<Role> roles = new HashSet<>();
    for (String r : text.split(",")) roles.add(Role.parse(r));
    return roles;
  }

  private Map<String, Object> configMapSentinelYaml() {
    Map<String, Object> cm = kubernetes("ConfigMap").get(0);
    return new Yaml().load(String.valueOf(map(cm.get("data")).get("sentinel.yaml")));
  }

  private static List<Map<String, Object>> kubernetes(String kind) {
    List<Map<String, Object>> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(DEPLOY.resolve("kubernetes"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        for (Object doc : new Yaml().loadAll(Files.readString(f))) {
          if (doc != null && kind.equals(map(doc).get("kind"))) out.add(map(doc));
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    assertThat(out).as("kubernetes manifests of kind " + kind).isNotEmpty();
    return out;
  }

  private static List<String> leaves(Map<String, Object> map, String prefix) {
    List<String> out = new ArrayList<>();
    map.forEach((k, v) -> {
      String key = prefix.isEmpty() ? k : prefix + "." + k;
      if (v instanceof Map<?, ?> m && !m.isEmpty()) out.addAll(leaves(map(m), key));
      else out.add(key);
    });
    return out;
  }

  private static boolean hasKey(Map<String, Object> map, String dotted) {
    int dot = dotted.lastIndexOf('.');
    Object parent = dot < 0 ? map : at(map, dotted.substring(0, dot));
    return parent instanceof Map<?, ?> m && m.containsKey(dotted.substring(dot + 1));
  }

  private static Object at(Map<String, Object> map, String dotted) {
    Object here = map;
    for (String part : dotted.split("\\.")) {
      if (!(here instanceof Map<?, ?> m)) return null;
      here = m.get(part);
    }
    return here;
  }

  private static Map<String, Object> yaml(Path file) {
    try {
      return new Yaml().load(Files.readString(file));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    assertThat(o).isInstanceOf(Map.class);
    return (Map<String, Object>) o;
  }

  private static List<Object> list(Object o) {
    assertThat(o).isInstanceOf(List.class);
    return new ArrayList<>((List<?>) o);
  }

  private static List<String> stringList(Object o) {
    return list(o).stream().map(String::valueOf).toList();
  }
}
