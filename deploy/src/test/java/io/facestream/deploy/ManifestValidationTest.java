package io.facestream.deploy;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.facestream.events.Topic;
import io.facestream.events.Topics;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.kafka.KafkaClusterSpec;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.nodepool.ProcessRoles;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Checks the deployment files (docker/, compose/, k8s/) as far as a machine without a Docker engine or a cluster
 * allows, offline and in a few seconds: every YAML document parses; every Kubernetes manifest reads strictly
 * (unknown fields and wrong scalar types refused) into the typed API model, fabric8's for Kubernetes kinds and
 * Strimzi's for Kafka, KafkaNodePool and KafkaTopic; the KafkaTopics equal what {@link Topics#all()} creates; and
 * ports, images, paths and names agree across the Dockerfiles, the compose file, the manifests and each
 * service's application.properties, so none of them can drift alone.
 */
class ManifestValidationTest {

    /** Surefire runs in the module directory. */
    private static final Path DEPLOY = Path.of("").toAbsolutePath();
    private static final Path REPO = DEPLOY.getParent();
    private static final Path K8S = DEPLOY.resolve("k8s");
    private static final Path COMPOSE = DEPLOY.resolve("compose/docker-compose.yml");
    private static final List<String> SERVICES =
            List.of("trainer-service", "converter-service", "embedder-service", "gallery-service");
    private static final String KAFKA_CONFIG_MAP = "facestream-kafka";

    /** The kinds the manifests may use, each with the typed model it must read into. */
    private static final Map<String, Class<? extends HasMetadata>> MODEL = Map.of(
            "v1/Namespace", Namespace.class,
            "v1/ConfigMap", ConfigMap.class,
            "v1/Service", Service.class,
            "v1/PersistentVolumeClaim", PersistentVolumeClaim.class,
            "apps/v1/Deployment", Deployment.class,
            "apps/v1/StatefulSet", StatefulSet.class,
            "autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class,
            "kafka.strimzi.io/v1/Kafka", Kafka.class,
            "kafka.strimzi.io/v1/KafkaNodePool", KafkaNodePool.class,
            "kafka.strimzi.io/v1/KafkaTopic", KafkaTopic.class);

    private static final ObjectMapper STRICT = strictMapper();
    private static List<HasMetadata> resources;

    // ---------------------------------------------------------------- YAML and the API schema

    @Test
    void every_yaml_document_parses_without_duplicate_keys() throws IOException {
        List<Path> files = yamlFiles();
        assertTrue(files.size() >= 10, "compose file and k8s manifests found: " + files);
        for (Path file : files) {
            List<Object> documents = loadAll(file);
            assertFalse(documents.isEmpty(), file + " has no document");
            for (Object document : documents) {
                assertTrue(document instanceof Map, file + ": every document is a mapping, not " + document);
            }
        }
    }

    @Test
    void kubernetes_manifests_read_strictly_into_the_typed_api_model() throws IOException {
        List<HasMetadata> all = k8sResources();
        Set<String> kinds = all.stream().map(HasMetadata::getKind).collect(Collectors.toSet());
        assertEquals(MODEL.keySet().stream().map(k -> k.substring(k.lastIndexOf('/') + 1)).collect(Collectors.toSet()),
                kinds, "every kind the deployment needs is there");
        Set<String> seen = new HashSet<>();
        for (HasMetadata r : all) {
            String name = r.getMetadata().getName();
            assertTrue(name != null && name.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?") && name.length() <= 253,
                    r.getKind() + " has a valid name: " + name);
            assertTrue(seen.add(r.getKind() + "/" + name), "one " + r.getKind() + " named " + name);
            assertNull(r.getMetadata().getNamespace(), name + ": the namespace comes from kustomization.yaml");
        }
        for (String kind : List.of("Kafka", "KafkaNodePool", "KafkaTopic")) {
            for (Map<String, Object> raw : rawDocuments(kind)) {
                assertTrue(raw.get("spec") instanceof Map, kind + " v1 requires a spec: " + raw.get("metadata"));
            }
        }
        for (HasMetadata r : all) {
            if (r.getApiVersion().startsWith("kafka.strimzi.io/")) {
                assertEquals(List.of(), strimziSchemaProblems(r, r.getKind() + "/" + r.getMetadata().getName()),
                        "no deprecated field (v1beta2-only: gone from v1), no required field missing");
            }
        }
    }

    @Test
    void strict_reading_refuses_what_the_api_server_refuses() {
        Map<String, Object> misspelt = Map.of("name", "x", "image", "y", "imagePullpolicy", "Always");
        Map<String, Object> quotedPort = Map.of("name", "x", "image", "y",
                "ports", List.of(Map.of("containerPort", "8081")));
        // the models keep unknown fields in a map by default, which is why the strict reader is needed
        assertDoesNotThrow(() -> new ObjectMapper().convertValue(misspelt, Container.class));
        assertThrows(IllegalArgumentException.class, () -> STRICT.convertValue(misspelt, Container.class));
        assertThrows(IllegalArgumentException.class, () -> STRICT.convertValue(quotedPort, Container.class));
        assertThrows(IllegalArgumentException.class, () -> STRICT.convertValue(
                Map.of("spec", Map.of("partitions", 1, "replica", 3)), KafkaTopic.class));

        Kafka withReplicas = STRICT.convertValue(Map.of("metadata", Map.of("name", "k"),
                "spec", Map.of("kafka", Map.of("replicas", 3, "listeners", List.of()))), Kafka.class);
        assertEquals(List.of("Kafka/k.spec.kafka.replicas is deprecated"),
                strimziSchemaProblems(withReplicas, "Kafka/k"));
        KafkaNodePool withoutStorage = STRICT.convertValue(Map.of("metadata", Map.of("name", "p"),
                "spec", Map.of("replicas", 1, "roles", List.of("broker"))), KafkaNodePool.class);
        assertEquals(List.of("KafkaNodePool/p.spec.storage is required"),
                strimziSchemaProblems(withoutStorage, "KafkaNodePool/p"));
    }

    @Test
    void kustomization_lists_every_manifest_and_sets_the_namespace() throws IOException {
        Map<String, Object> kustomization = kustomization();
        assertEquals("kustomize.config.k8s.io/v1beta1", kustomization.get("apiVersion"));
        assertEquals("Kustomization", kustomization.get("kind"));
        Set<String> listed = new TreeSet<>(strings(kustomization.get("resources")));
        Set<String> present;
        try (Stream<Path> files = Files.list(K8S)) {
            present = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(present, listed, "kustomization.yaml lists exactly the manifests in k8s/");
        List<Namespace> namespaces = all(Namespace.class);
        assertEquals(1, namespaces.size());
        assertEquals(namespaces.get(0).getMetadata().getName(), kustomization.get("namespace"));
    }

    // ---------------------------------------------------------------- topics and the Kafka cluster

    @Test
    void kafka_topics_are_exactly_the_topics_the_code_creates() throws IOException {
        String cluster = theKafka().getMetadata().getName();
        Map<String, KafkaTopic> declared = new TreeMap<>();
        for (KafkaTopic t : all(KafkaTopic.class)) {
            String name = t.getSpec().getTopicName() != null ? t.getSpec().getTopicName() : t.getMetadata().getName();
            declared.put(name, t);
            assertEquals(cluster, t.getMetadata().getLabels().get("strimzi.io/cluster"), name + " names its cluster");
        }
        Map<String, Topic<?, ?>> code = new TreeMap<>();
        Topics.all().forEach(t -> code.put(t.name(), t));
        assertEquals(code.keySet(), declared.keySet());
        assertEquals(13, code.size(), "seven topics and six dead-letter topics");
        for (Topic<?, ?> topic : code.values()) {
            KafkaTopic k8s = declared.get(topic.name());
            Map<String, String> config = new TreeMap<>();
            k8s.getSpec().getConfig().forEach((k, v) -> config.put(k, String.valueOf(v)));
            assertAll(topic.name(),
                    () -> assertEquals(topic.partitions(), k8s.getSpec().getPartitions(), "partitions"),
                    () -> assertEquals(new TreeMap<>(topic.configs()), config, "cleanup, retention, max size"),
                    () -> assertNull(k8s.getSpec().getReplicas(), "replicas: the cluster default, as the code"));
        }
    }

    @Test
    void kafka_cluster_is_kraft_with_a_node_pool_and_the_clients_version() throws IOException {
        Kafka kafka = theKafka();
        String name = kafka.getMetadata().getName();
        KafkaClusterSpec spec = kafka.getSpec().getKafka();
        String clients = AppInfoParser.getVersion();
        assertEquals(clients, spec.getVersion(), "the broker runs the version of the services' Kafka clients");
        assertTrue(spec.getMetadataVersion().startsWith(clients.substring(0, clients.lastIndexOf('.')) + "-IV"),
                "metadata version of the same release: " + spec.getMetadataVersion());
        assertNotNull(kafka.getSpec().getEntityOperator().getTopicOperator(),
                "the Topic Operator reconciles KafkaTopics");

        List<String> forbidden = splitList(KafkaClusterSpec.FORBIDDEN_PREFIXES);
        List<String> exceptions = splitList(KafkaClusterSpec.FORBIDDEN_PREFIX_EXCEPTIONS);
        for (String key : spec.getConfig().keySet()) {
            boolean managedByStrimzi = forbidden.stream().anyMatch(key::startsWith) && !exceptions.contains(key);
            assertFalse(managedByStrimzi, key + " is set by Strimzi itself and refused in spec.kafka.config");
        }

        List<KafkaNodePool> pools = all(KafkaNodePool.class).stream()
                .filter(p -> name.equals(p.getMetadata().getLabels().get("strimzi.io/cluster"))).toList();
        assertFalse(pools.isEmpty(), "KRaft nodes come from KafkaNodePools labelled strimzi.io/cluster=" + name);
        for (Map<String, Object> raw : rawDocuments("KafkaNodePool")) {
            Map<String, Object> poolSpec = map(raw.get("spec"));
            for (String required : List.of("replicas", "roles", "storage")) {
                assertTrue(poolSpec.containsKey(required), "KafkaNodePool v1 requires spec." + required);
            }
        }
        for (Map<String, Object> raw : rawDocuments("Kafka")) {
            for (Object listener : (List<?>) map(map(raw.get("spec")).get("kafka")).get("listeners")) {
                assertTrue(map(listener).keySet().containsAll(List.of("name", "port", "type", "tls")),
                        "a listener names its name, port, type and tls: " + listener);
            }
        }
        Set<ProcessRoles> roles = pools.stream().flatMap(p -> p.getSpec().getRoles().stream())
                .collect(Collectors.toSet());
        assertEquals(Set.of(ProcessRoles.CONTROLLER, ProcessRoles.BROKER), roles);
        int brokers = pools.stream().filter(p -> p.getSpec().getRoles().contains(ProcessRoles.BROKER))
                .mapToInt(p -> p.getSpec().getReplicas()).sum();
        int replication = intConfig(spec, "default.replication.factor");
        assertTrue(replication <= brokers, "replication factor " + replication + " fits " + brokers + " brokers");
        assertTrue(intConfig(spec, "min.insync.replicas") < replication, "one broker may be down and writes go on");
        assertTrue(intConfig(spec, "transaction.state.log.replication.factor") <= brokers,
                "the gallery's exactly-once transactions have their log");

        String bootstrap = one(ConfigMap.class, KAFKA_CONFIG_MAP).getData().get("KAFKA_BOOTSTRAP_SERVERS");
        List<String> plainBootstraps = spec.getListeners().stream()
                .filter(l -> !l.isTls() && "internal".equals(l.getType().toValue()))
                .map(l -> name + "-kafka-bootstrap:" + l.getPort()).toList();
        assertTrue(plainBootstraps.contains(bootstrap),
                "the services' bootstrap " + bootstrap + " is a plain internal listener: " + plainBootstraps);
    }

    // ---------------------------------------------------------------- workloads

    @Test
    void every_service_runs_with_probes_limits_and_its_configured_port() throws IOException {
        for (String service : SERVICES) {
            int port = httpPort(service);
            PodTemplateSpec template = podTemplate(service);
            LabelSelector selector = workloadSelector(service);
            Map<String, String> labels = template.getMetadata().getLabels();
            assertTrue(labels.entrySet().containsAll(selector.getMatchLabels().entrySet()),
                    service + ": the selector matches the pod labels");

            PodSpec pod = template.getSpec();
            assertEquals(1, pod.getContainers().size(), service);
            Container c = pod.getContainers().get(0);
            assertEquals(service, c.getName());
            assertEquals(composeService(service).get("image"), c.getImage(), service + ": same image as compose");
            assertEquals(1, c.getPorts().size(), service);
            assertEquals("http", c.getPorts().get(0).getName());
            assertEquals(port, c.getPorts().get(0).getContainerPort(), service + ": port of application.properties");

            assertProbe(c.getReadinessProbe(), "/q/health/ready", c, port, service + " readiness");
            assertProbe(c.getLivenessProbe(), "/q/health/live", c, port, service + " liveness");
            if (c.getStartupProbe() != null) {
                assertProbe(c.getStartupProbe(), "/q/health/live", c, port, service + " startup");
            }

            for (String resource : List.of("cpu", "memory")) {
                Quantity request = c.getResources().getRequests().get(resource);
                Quantity limit = c.getResources().getLimits().get(resource);
                assertNotNull(request, service + " requests " + resource);
                assertNotNull(limit, service + " limits " + resource);
                assertTrue(amount(request).compareTo(amount(limit)) <= 0,
                        service + ": " + resource + " request <= limit");
            }

            Dockerfile dockerfile = dockerfile(service);
            assertTrue(pod.getSecurityContext().getRunAsNonRoot(), service + " runs as non-root");
            assertEquals(Long.valueOf(dockerfile.user()), pod.getSecurityContext().getRunAsUser(),
                    service + ": the image's user");
            assertFalse(c.getSecurityContext().getAllowPrivilegeEscalation(), service);

            List<String> configMaps = c.getEnvFrom().stream().map(EnvFromSource::getConfigMapRef)
                    .filter(r -> r != null).map(r -> r.getName()).toList();
            assertEquals(List.of(KAFKA_CONFIG_MAP), configMaps, service + " takes the Kafka settings");
            assertNotNull(one(ConfigMap.class, KAFKA_CONFIG_MAP).getData().get("KAFKA_BOOTSTRAP_SERVERS"));

            Set<String> volumes = pod.getVolumes().stream().map(Volume::getName).collect(Collectors.toSet());
            volumes.addAll(claimTemplates(service));
            Map<String, String> mounts = new HashMap<>();
            for (VolumeMount m : c.getVolumeMounts()) {
                assertTrue(volumes.contains(m.getName()), service + " mounts a declared volume: " + m.getName());
                mounts.put(m.getMountPath(), m.getName());
            }
            for (Volume v : pod.getVolumes()) {
                if (v.getPersistentVolumeClaim() != null) {
                    one(PersistentVolumeClaim.class, v.getPersistentVolumeClaim().getClaimName());
                }
            }
            if (Boolean.TRUE.equals(c.getSecurityContext().getReadOnlyRootFilesystem())) {
                assertTrue(mounts.containsKey("/tmp"),
                        service + ": /tmp stays writable (native libraries unpack there)");
                for (String dir : dockerfile.writableDirs()) {
                    assertTrue(mounts.containsKey(dir), service + ": " + dir + " is a volume");
                }
            }

            Service svc = one(Service.class, service);
            assertTrue(labels.entrySet().containsAll(svc.getSpec().getSelector().entrySet()),
                    service + " Service selects its pods");
            ServicePort sp = svc.getSpec().getPorts().get(0);
            assertEquals(port, sp.getPort(), service + " Service port");
            assertEquals(port, resolvePort(sp.getTargetPort(), c), service + " Service target port");
        }
    }

    @Test
    void gallery_advertises_its_pod_name_under_the_headless_service() throws IOException {
        StatefulSet gallery = one(StatefulSet.class, "gallery-service");
        Service headless = one(Service.class, gallery.getSpec().getServiceName());
        assertEquals("None", headless.getSpec().getClusterIP(), "the StatefulSet's service is headless");
        assertTrue(headless.getSpec().getPublishNotReadyAddresses(), "peers resolve while not ready");
        Map<String, String> labels = gallery.getSpec().getTemplate().getMetadata().getLabels();
        assertTrue(labels.entrySet().containsAll(headless.getSpec().getSelector().entrySet()));

        String applicationServer = applicationProperties("gallery-service")
                .getProperty("quarkus.kafka-streams.application-server");
        assertTrue(applicationServer.startsWith("${GALLERY_ADVERTISED_HOST:"), applicationServer);

        Container c = gallery.getSpec().getTemplate().getSpec().getContainers().get(0);
        List<String> order = c.getEnv().stream().map(EnvVar::getName).toList();
        Map<String, EnvVar> env = c.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
        assertEquals("metadata.name", env.get("POD_NAME").getValueFrom().getFieldRef().getFieldPath());
        assertEquals("metadata.namespace", env.get("POD_NAMESPACE").getValueFrom().getFieldRef().getFieldPath());
        assertEquals("$(POD_NAME)." + headless.getMetadata().getName() + ".$(POD_NAMESPACE).svc",
                env.get("GALLERY_ADVERTISED_HOST").getValue(), "the pod's DNS name under the headless Service");
        assertTrue(order.indexOf("POD_NAME") < order.indexOf("GALLERY_ADVERTISED_HOST")
                        && order.indexOf("POD_NAMESPACE") < order.indexOf("GALLERY_ADVERTISED_HOST"),
                "Kubernetes expands $(VAR) only from variables defined earlier");

        String stateDir = dockerfile("gallery-service").env().get("GALLERY_STATE_DIR");
        assertTrue(applicationProperties("gallery-service").getProperty("kafka-streams.state.dir")
                .startsWith("${GALLERY_STATE_DIR:"), "Kafka Streams keeps its state where GALLERY_STATE_DIR says");
        String stateVolume = c.getVolumeMounts().stream().filter(m -> m.getMountPath().equals(stateDir))
                .map(VolumeMount::getName).findFirst().orElseThrow(() -> new AssertionError("state dir mounted"));
        assertTrue(claimTemplates("gallery-service").contains(stateVolume), "each instance has its own state volume");
        assertTrue(gallery.getSpec().getReplicas() <= Topics.EMBEDDINGS.partitions(),
                "no more instances than partitions to share");
    }

    @Test
    void embedder_autoscales_on_cpu_within_the_partition_count() throws IOException {
        HorizontalPodAutoscaler hpa = one(HorizontalPodAutoscaler.class, "embedder-service");
        var target = hpa.getSpec().getScaleTargetRef();
        assertEquals("apps/v1", target.getApiVersion());
        assertEquals("Deployment", target.getKind());
        Deployment embedder = one(Deployment.class, target.getName());
        assertNull(embedder.getSpec().getReplicas(), "the autoscaler owns the replica count");
        List<MetricSpec> metrics = hpa.getSpec().getMetrics();
        assertEquals(1, metrics.size());
        assertEquals("cpu", metrics.get(0).getResource().getName());
        assertEquals("Utilization", metrics.get(0).getResource().getTarget().getType());
        assertTrue(hpa.getSpec().getMinReplicas() >= 1);
        int partitions = Math.min(Topics.FRAMES.partitions(), Topics.ENROLLMENTS.partitions());
        assertTrue(hpa.getSpec().getMaxReplicas() <= partitions,
                "one consumer per pod: at most " + partitions + " pods have partitions");
        Map<String, String> env = embedder.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
        assertEquals("1", env.get("EMBEDDER_WORKERS"), "one consumer per pod");
    }

    // ---------------------------------------------------------------- compose

    @Test
    void compose_file_is_complete_and_consistent() throws IOException {
        Map<String, Object> compose = compose();
        for (String key : compose.keySet()) {
            assertTrue(Set.of("name", "services", "volumes", "networks", "configs", "secrets").contains(key)
                    || key.startsWith("x-"), "known top-level key: " + key);
        }
        Map<String, Object> services = map(compose.get("services"));
        Set<String> expected = new HashSet<>(SERVICES);
        expected.add("kafka");
        assertEquals(expected, services.keySet());
        Set<String> namedVolumes = compose.get("volumes") == null ? Set.of() : map(compose.get("volumes")).keySet();

        Map<String, String> hostPorts = new HashMap<>();
        for (Map.Entry<String, Object> e : services.entrySet()) {
            String name = e.getKey();
            Map<String, Object> s = map(e.getValue());
            assertTrue(s.containsKey("image") || s.containsKey("build"), name + " has an image or a build");
            if (s.containsKey("build")) {
                Map<String, Object> build = map(s.get("build"));
                Path context = COMPOSE.getParent().resolve((String) build.get("context")).normalize();
                assertTrue(Files.isDirectory(context), name + " build context " + context);
                Path dockerfile = context.resolve((String) build.get("dockerfile")).normalize();
                assertEquals(DEPLOY.resolve("docker").resolve(name).resolve("Dockerfile"), dockerfile, name);
            }
            List<String> test = strings(map(s.get("healthcheck")).get("test"));
            assertTrue(test.size() >= 2 && Set.of("CMD", "CMD-SHELL").contains(test.get(0)), name + " healthcheck");
            for (Map.Entry<String, Object> dep : map(s.getOrDefault("depends_on", Map.of())).entrySet()) {
                assertTrue(services.containsKey(dep.getKey()), name + " depends on an existing service");
                String condition = (String) map(dep.getValue()).get("condition");
                assertTrue(Set.of("service_started", "service_healthy", "service_completed_successfully")
                        .contains(condition), condition);
                if (condition.equals("service_healthy")) {
                    assertTrue(map(services.get(dep.getKey())).containsKey("healthcheck"),
                            dep.getKey() + " has a healthcheck");
                }
            }
            for (String mapping : strings(s.getOrDefault("ports", List.of()))) {
                String host = mapping.substring(0, mapping.lastIndexOf(':'));
                String previous = hostPorts.put(host, name);
                assertNull(previous, "host port " + host + " used by " + previous + " and " + name);
            }
            for (String volume : strings(s.getOrDefault("volumes", List.of()))) {
                String source = volume.substring(0, volume.indexOf(':'));
                if (!source.startsWith(".") && !source.startsWith("/")) {
                    assertTrue(namedVolumes.contains(source), name + " uses declared volume " + source);
                }
            }
        }

        Map<String, Object> kafka = map(services.get("kafka"));
        assertEquals("apache/kafka:" + AppInfoParser.getVersion(), kafka.get("image"), "broker = clients' version");
        Map<String, Object> kafkaEnv = map(kafka.get("environment"));
        assertEquals(Set.of("broker", "controller"),
                Set.of(String.valueOf(kafkaEnv.get("KAFKA_PROCESS_ROLES")).split(",")));
        assertTrue(String.valueOf(kafkaEnv.get("KAFKA_CONTROLLER_QUORUM_VOTERS"))
                .startsWith(kafkaEnv.get("KAFKA_NODE_ID") + "@"), "the node is the one controller voter");
        assertNotNull(kafkaEnv.get("CLUSTER_ID"), "KRaft formats its log dir with a cluster id");
        for (String singleNode : List.of("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR",
                "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR")) {
            assertEquals(1, kafkaEnv.get(singleNode), singleNode + " on one broker");
        }
        List<String> advertised = List.of(String.valueOf(kafkaEnv.get("KAFKA_ADVERTISED_LISTENERS")).split(","));

        for (String service : SERVICES) {
            Map<String, Object> s = map(services.get(service));
            int port = httpPort(service);
            assertTrue(strings(s.get("ports")).contains(port + ":" + port), service + " publishes " + port);
            assertTrue(String.join(" ", strings(map(s.get("healthcheck")).get("test")))
                    .contains("http://localhost:" + port + "/q/health/ready"), service + " healthcheck is readiness");
            assertEquals("service_healthy", map(map(s.get("depends_on")).get("kafka")).get("condition"), service);
            String bootstrap = (String) map(s.get("environment")).get("KAFKA_BOOTSTRAP_SERVERS");
            assertTrue(bootstrap.startsWith("kafka:")
                            && advertised.stream().anyMatch(l -> l.endsWith("://" + bootstrap)),
                    service + ": " + bootstrap + " is an advertised listener of the kafka service " + advertised);
            assertTrue(((String) s.get("image")).startsWith("facestream/" + service + ":"), service + " image name");
        }
        Map<String, Object> gallery = map(services.get("gallery-service"));
        assertEquals("gallery-service", map(gallery.get("environment")).get("GALLERY_ADVERTISED_HOST"),
                "the name other containers reach the gallery by");
        String stateDir = dockerfile("gallery-service").env().get("GALLERY_STATE_DIR");
        assertTrue(strings(gallery.get("volumes")).stream().anyMatch(v -> v.endsWith(":" + stateDir)),
                "gallery state survives the container");
    }

    // ---------------------------------------------------------------- Dockerfiles

    @Test
    void dockerfiles_package_the_fast_jar_on_a_jre_17_as_non_root_with_the_configured_port() throws IOException {
        for (String service : SERVICES) {
            Dockerfile d = dockerfile(service);
            int port = httpPort(service);
            String from = d.first("FROM");
            assertTrue(from.matches("eclipse-temurin:17[.0-9_]*-jre.*"
                            + "|registry\\.access\\.redhat\\.com/ubi9/openjdk-17-runtime.*"),
                    service + " runs on a JRE 17: " + from);
            Map<String, String> copies = new LinkedHashMap<>();
            d.all("COPY").forEach(args -> {
                List<String> words = words(args);
                copies.put(words.get(words.size() - 2), words.get(words.size() - 1));
            });
            assertEquals(Map.of("target/quarkus-app/lib/", "/deployments/lib/",
                    "target/quarkus-app/*.jar", "/deployments/",
                    "target/quarkus-app/app/", "/deployments/app/",
                    "target/quarkus-app/quarkus/", "/deployments/quarkus/"), copies, service + ": the fast-jar layout");
            assertTrue(d.first("ENTRYPOINT").contains("/deployments/quarkus-run.jar"), service);
            assertEquals(List.of(String.valueOf(port)), d.all("EXPOSE"), service + " exposes its port");
            String portVariable = portVariable(service);
            assertEquals(String.valueOf(port), d.env().get(portVariable), service + ": " + portVariable);
            assertTrue(Long.parseLong(d.user()) > 0, service + " runs as a non-root uid");
            for (String dir : d.writableDirs()) {
                assertTrue(d.all("RUN").stream().anyMatch(r -> r.contains("mkdir -p " + dir) && r.contains("chown")),
                        service + " creates " + dir + " for its user");
            }
            Path ignore = DEPLOY.resolve("docker").resolve(service).resolve("Dockerfile.dockerignore");
            assertEquals(List.of("*", "!target/quarkus-app/"), Files.readAllLines(ignore).stream()
                    .filter(l -> !l.isBlank() && !l.startsWith("#")).toList(),
                    service + ": context is the fast-jar only");
        }
        Dockerfile gallery = dockerfile("gallery-service");
        String stateDir = gallery.env().get("GALLERY_STATE_DIR");
        assertNotNull(stateDir);
        assertTrue(gallery.first("VOLUME").contains("\"" + stateDir + "\""), "the gallery's state dir is a volume");
    }

    @Test
    void packaged_services_have_what_the_dockerfiles_copy() {
        List<String> built = SERVICES.stream()
                .filter(s -> Files.isDirectory(REPO.resolve(s).resolve("target/quarkus-app"))).toList();
        assumeTrue(!built.isEmpty(), "no service packaged yet (mvn package builds target/quarkus-app)");
        for (String service : built) {
            Path app = REPO.resolve(service).resolve("target/quarkus-app");
            for (String part : List.of("lib", "app", "quarkus", "quarkus-run.jar")) {
                assertTrue(Files.exists(app.resolve(part)), service + ": " + app.resolve(part));
            }
        }
    }

    // ---------------------------------------------------------------- reading the files

    /** Jackson as the API server reads: unknown fields and wrong scalar types are errors. */
    private static ObjectMapper strictMapper() {
        SimpleModule refuseUnknown = new SimpleModule().setDeserializerModifier(new BeanDeserializerModifier() {
            @Override
            public BeanDeserializerBuilder updateBuilder(DeserializationConfig config, BeanDescription bean,
                                                         BeanDeserializerBuilder builder) {
                builder.setAnySetter(null); // the models would keep unknown fields in additionalProperties
                return builder;
            }
        });
        ObjectMapper mapper = new ObjectMapper().registerModule(refuseUnknown)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        for (LogicalType type : List.of(LogicalType.Integer, LogicalType.Float, LogicalType.Boolean)) {
            mapper.coercionConfigFor(type).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        }
        for (CoercionInputShape shape : List.of(CoercionInputShape.Integer, CoercionInputShape.Float,
                CoercionInputShape.Boolean)) {
            mapper.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
        }
        return mapper;
    }

    private static synchronized List<HasMetadata> k8sResources() throws IOException {
        if (resources == null) {
            List<HasMetadata> read = new ArrayList<>();
            for (String file : strings(kustomization().get("resources"))) {
                List<Object> documents = loadAll(K8S.resolve(file));
                for (int i = 0; i < documents.size(); i++) {
                    Map<String, Object> doc = map(documents.get(i));
                    String where = file + " document " + (i + 1);
                    Class<? extends HasMetadata> type = MODEL.get(doc.get("apiVersion") + "/" + doc.get("kind"));
                    assertNotNull(type, where + ": unexpected " + doc.get("apiVersion") + " " + doc.get("kind"));
                    try {
                        read.add(STRICT.convertValue(doc, type));
                    } catch (IllegalArgumentException e) {
                        fail(where + " does not match the " + type.getSimpleName() + " schema: " + e.getMessage());
                    }
                }
            }
            resources = read;
        }
        return resources;
    }

    private static List<Map<String, Object>> rawDocuments(String kind) throws IOException {
        List<Map<String, Object>> found = new ArrayList<>();
        for (String file : strings(kustomization().get("resources"))) {
            for (Object doc : loadAll(K8S.resolve(file))) {
                if (kind.equals(map(doc).get("kind"))) {
                    found.add(map(doc));
                }
            }
        }
        return found;
    }

    private static <T extends HasMetadata> List<T> all(Class<T> type) throws IOException {
        return k8sResources().stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static <T extends HasMetadata> T one(Class<T> type, String name) throws IOException {
        return all(type).stream().filter(r -> name.equals(r.getMetadata().getName())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " named " + name));
    }

    private static Kafka theKafka() throws IOException {
        List<Kafka> clusters = all(Kafka.class);
        assertEquals(1, clusters.size());
        return clusters.get(0);
    }

    private static PodTemplateSpec podTemplate(String service) throws IOException {
        for (Deployment d : all(Deployment.class)) {
            if (d.getMetadata().getName().equals(service)) {
                return d.getSpec().getTemplate();
            }
        }
        return one(StatefulSet.class, service).getSpec().getTemplate();
    }

    private static LabelSelector workloadSelector(String service) throws IOException {
        for (Deployment d : all(Deployment.class)) {
            if (d.getMetadata().getName().equals(service)) {
                return d.getSpec().getSelector();
            }
        }
        return one(StatefulSet.class, service).getSpec().getSelector();
    }

    private static Set<String> claimTemplates(String service) throws IOException {
        return all(StatefulSet.class).stream().filter(s -> s.getMetadata().getName().equals(service))
                .flatMap(s -> s.getSpec().getVolumeClaimTemplates().stream())
                .map(c -> c.getMetadata().getName()).collect(Collectors.toSet());
    }

    private static void assertProbe(Probe probe, String path, Container c, int port, String what) {
        assertNotNull(probe, what);
        HTTPGetAction get = probe.getHttpGet();
        assertNotNull(get, what + " is an HTTP probe");
        assertEquals(path, get.getPath(), what);
        assertEquals(port, resolvePort(get.getPort(), c), what + " port");
    }

    /** A port given by number or by the container port's name. */
    private static int resolvePort(IntOrString port, Container c) {
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        return c.getPorts().stream().filter(p -> port.getStrVal().equals(p.getName())).findFirst()
                .orElseThrow(() -> new AssertionError("no container port named " + port.getStrVal()))
                .getContainerPort();
    }

    private static BigDecimal amount(Quantity q) {
        return Quantity.getAmountInBytes(q);
    }

    private static int intConfig(KafkaClusterSpec spec, String key) {
        Object value = spec.getConfig().get(key);
        assertNotNull(value, "spec.kafka.config." + key);
        return Integer.parseInt(String.valueOf(value));
    }

    /**
     * What the Strimzi model's annotations say is wrong with a resource: a property it marks deprecated (the
     * v1beta2-only ones, gone from v1) that is set, or one it marks required that is missing. Primitive
     * properties cannot be seen missing in the typed model; the tests check those in the YAML itself.
     */
    private static List<String> strimziSchemaProblems(Object resource, String path) {
        List<String> found = new ArrayList<>();
        walk(resource, path, found, Collections.newSetFromMap(new IdentityHashMap<>()));
        return found;
    }

    private static void walk(Object value, String path, List<String> found, Set<Object> seen) {
        if (value == null || !seen.add(value)) {
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                walk(item, path + "[" + i++ + "]", found, seen);
            }
            return;
        }
        if (value instanceof Map<?, ?> entries) {
            entries.forEach((k, v) -> walk(v, path + "." + k, found, seen));
            return;
        }
        if (!value.getClass().getName().startsWith("io.strimzi.") || value.getClass().isEnum()) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            boolean property = getter.getName().startsWith("get") && getter.getParameterCount() == 0
                    && !Modifier.isStatic(getter.getModifiers()) && !getter.getReturnType().isPrimitive()
                    && !getter.isBridge() && getter.getDeclaringClass().getName().startsWith("io.strimzi.");
            if (!property) {
                continue;
            }
            Object v;
            try {
                v = getter.invoke(value);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new AssertionError(path + ": " + getter, e);
            }
            String name = path + "." + Character.toLowerCase(getter.getName().charAt(3))
                    + getter.getName().substring(4);
            JsonProperty json = getter.getAnnotation(JsonProperty.class);
            if (v == null && json != null && json.required()) {
                found.add(name + " is required");
            }
            if (v == null || v instanceof Collection<?> c && c.isEmpty() || v instanceof Map<?, ?> m && m.isEmpty()) {
                continue;
            }
            if (getter.isAnnotationPresent(Deprecated.class)) {
                found.add(name + " is deprecated");
            }
            walk(v, name, found, seen);
        }
    }

    private static Map<String, Object> kustomization() throws IOException {
        return map(loadAll(K8S.resolve("kustomization.yaml")).get(0));
    }

    private static Map<String, Object> compose() throws IOException {
        List<Object> documents = loadAll(COMPOSE);
        assertEquals(1, documents.size(), "one compose document");
        return map(documents.get(0));
    }

    private static Map<String, Object> composeService(String service) throws IOException {
        return map(map(compose().get("services")).get(service));
    }

    private static List<Path> yamlFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path dir : List.of(DEPLOY.resolve("compose"), K8S)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted()
                        .forEach(files::add);
            }
        }
        return files;
    }

    /** Every document of a YAML file, empty ones (comments only) left out; a duplicate key is an error. */
    private static List<Object> loadAll(Path file) throws IOException {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        List<Object> documents = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file)) {
            for (Object doc : new Yaml(new SafeConstructor(options)).loadAll(reader)) {
                if (doc != null) {
                    documents.add(doc);
                }
            }
        } catch (RuntimeException e) {
            throw new AssertionError(file + " is not valid YAML: " + e.getMessage(), e);
        }
        return documents;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        assertTrue(value instanceof Map, "a mapping: " + value);
        return (Map<String, Object>) value;
    }

    private static List<String> strings(Object value) {
        assertTrue(value instanceof List, "a list: " + value);
        return ((List<?>) value).stream().map(String::valueOf).toList();
    }

    private static List<String> splitList(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(",")).map(String::trim).toList();
    }

    // ---------------------------------------------------------------- application.properties

    private static Properties applicationProperties(String service) throws IOException {
        Properties p = new Properties();
        Path file = REPO.resolve(service).resolve("src/main/resources/application.properties");
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        return p;
    }

    private static final Pattern PORT = Pattern.compile("\\$\\{([A-Z_]+):(\\d+)}");

    private static Matcher portSetting(String service) throws IOException {
        String value = applicationProperties(service).getProperty("quarkus.http.port");
        Matcher m = PORT.matcher(String.valueOf(value));
        assertTrue(m.matches(), service + ": quarkus.http.port=${VARIABLE:default}, not " + value);
        return m;
    }

    private static int httpPort(String service) throws IOException {
        return Integer.parseInt(portSetting(service).group(2));
    }

    private static String portVariable(String service) throws IOException {
        return portSetting(service).group(1);
    }

    // ---------------------------------------------------------------- Dockerfiles

    private static Dockerfile dockerfile(String service) throws IOException {
        return Dockerfile.read(DEPLOY.resolve("docker").resolve(service).resolve("Dockerfile"));
    }

    /** The instructions of a Dockerfile, continuation lines joined, comments left out. */
    private record Dockerfile(List<Map.Entry<String, String>> instructions) {

        static Dockerfile read(Path file) throws IOException {
            List<Map.Entry<String, String>> instructions = new ArrayList<>();
            StringBuilder current = new StringBuilder();
            for (String line : Files.readAllLines(file)) {
                String trimmed = line.strip();
                if (trimmed.startsWith("#") || trimmed.isEmpty()) {
                    continue;
                }
                if (trimmed.endsWith("\\")) {
                    current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                    continue;
                }
                current.append(trimmed);
                String text = current.toString();
                current.setLength(0);
                int space = text.indexOf(' ');
                instructions.add(Map.entry(text.substring(0, space).toUpperCase(), text.substring(space + 1).strip()));
            }
            return new Dockerfile(instructions);
        }

        List<String> all(String keyword) {
            return instructions.stream().filter(i -> i.getKey().equals(keyword)).map(Map.Entry::getValue).toList();
        }

        String first(String keyword) {
            List<String> found = all(keyword);
            assertFalse(found.isEmpty(), "Dockerfile has " + keyword);
            return found.get(0);
        }

        String user() {
            List<String> users = all("USER");
            assertFalse(users.isEmpty(), "Dockerfile sets USER");
            return users.get(users.size() - 1);
        }

        Map<String, String> env() {
            Map<String, String> env = new LinkedHashMap<>();
            for (String args : all("ENV")) {
                for (String word : words(args)) {
                    int eq = word.indexOf('=');
                    assertTrue(eq > 0, "ENV KEY=value: " + word);
                    env.put(word.substring(0, eq), word.substring(eq + 1));
                }
            }
            return env;
        }

        /** Directories the service writes: the *_DIR variables its image sets. */
        List<String> writableDirs() {
            return env().entrySet().stream().filter(e -> e.getKey().endsWith("_DIR")).map(Map.Entry::getValue).toList();
        }
    }

    /** Splits on blanks outside double quotes and drops the quotes. */
    private static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean quoted = false;
        for (char ch : text.toCharArray()) {
            if (ch == '"') {
                quoted = !quoted;
            } else if (Character.isWhitespace(ch) && !quoted) {
                if (!word.isEmpty()) {
                    words.add(word.toString());
                    word.setLength(0);
                }
            } else {
                word.append(ch);
            }
        }
        if (!word.isEmpty()) {
            words.add(word.toString());
        }
        return words;
    }
}
