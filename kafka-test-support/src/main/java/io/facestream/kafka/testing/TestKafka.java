package io.facestream.kafka.testing;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The one real Kafka broker a test JVM uses, started on first use and ending with the JVM, so every test class in
 * a module shares it. Chosen in this order:
 * <ol>
 *   <li>an external cluster: system property or environment variable {@code facestream.test.kafka.bootstrap}
 *       ({@code FACESTREAM_TEST_KAFKA_BOOTSTRAP});</li>
 *   <li>a broker in Docker (testcontainers-kafka) where Docker answers;</li>
 *   <li>otherwise Kafka's own single-node KRaft cluster (KafkaClusterTestKit) inside this JVM.</li>
 * </ol>
 * Docker is skipped with {@code facestream.test.kafka.docker=false} (it costs up to 2.5 s to ask where it is absent).
 */
public final class TestKafka {

    private static final Logger LOG = Logger.getLogger(TestKafka.class.getName());
    private static final String EXTERNAL_PROPERTY = "facestream.test.kafka.bootstrap";
    private static final String DOCKER_IMAGE = "apache/kafka:4.1.2";

    private static volatile Started started;
    private static Path stateDir;

    /** What kind of broker was started, for test logs and diagnostics. */
    public enum Kind { EXTERNAL, TESTCONTAINERS, IN_JVM_KRAFT }

    private record Started(Kind kind, String bootstrapServers) {
    }

    private TestKafka() {
    }

    /** Bootstrap servers of the shared broker, starting it if needed. */
    public static String bootstrapServers() {
        return start().bootstrapServers();
    }

    public static Kind kind() {
        return start().kind();
    }

    private static Started start() {
        Started s = started;
        if (s != null) {
            return s;
        }
        synchronized (TestKafka.class) {
            if (started == null) {
                started = startBroker();
                Started s0 = started;
                // The broker is not closed at JVM exit: shutting an in-JVM KRaft node down while the JVM exits
                // sometimes ended the test JVM with a non-zero status after every test had passed, which fails
                // the build. Its files stay under the build tree (facestream.test.tmp) and go with mvn clean.
                LOG.info(() -> "test Kafka broker (" + s0.kind() + ") at " + s0.bootstrapServers());
            }
            return started;
        }
    }

    private static Started startBroker() {
        String external = Optional.ofNullable(System.getProperty(EXTERNAL_PROPERTY))
                .orElse(System.getenv("FACESTREAM_TEST_KAFKA_BOOTSTRAP"));
        if (external != null && !external.isBlank()) {
            return new Started(Kind.EXTERNAL, external);
        }
        if (!"false".equals(System.getProperty("facestream.test.kafka.docker")) && dockerAvailable()) {
            KafkaContainer container = new KafkaContainer(DOCKER_IMAGE);
            container.start();
            Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "test-kafka-container-stop"));
            return new Started(Kind.TESTCONTAINERS, container.getBootstrapServers());
        }
        return startInJvm();
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static Started startInJvm() {
        try {
            KafkaClusterTestKit cluster = startInJvmCluster("kafka", Map.of());
            return new Started(Kind.IN_JVM_KRAFT, cluster.bootstrapServers());
        } catch (Exception e) {
            throw new IllegalStateException("could not start the in-JVM Kafka broker: " + e.getMessage(), e);
        }
    }

    /**
     * Kafka's single-node KRaft cluster (KafkaClusterTestKit) in this JVM with the settings every test broker has,
     * plus {@code brokerProperties} (extra listeners and their security, for {@link SecureTestKafka}); started and
     * ready. Its files go under {@code facestream.test.tmp}.
     */
    static KafkaClusterTestKit startInJvmCluster(String name, Map<String, String> brokerProperties) throws Exception {
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(
                new TestKitNodes.Builder()
                        .setCombined(true)
                        .setNumBrokerNodes(1)
                        .setNumControllerNodes(1)
                        .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
                        .setBaseDirectory(testTmp().resolve(name + "-" + System.nanoTime()))
                        .build())
                // single node: internal topics (offsets, transactions) cannot have more replicas
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("share.coordinator.state.topic.replication.factor", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                // model files travel through a topic with a raised max.message.bytes
                .setConfigProp("message.max.bytes", String.valueOf(64 * 1024 * 1024));
        brokerProperties.forEach(builder::setConfigProp);
        KafkaClusterTestKit cluster = builder.build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        return cluster;
    }

    /**
     * A Kafka Streams state directory that belongs to this JVM's broker (state left by an earlier run refers to
     * offsets a new broker does not have). Under {@code facestream.test.tmp} when set, else the temp dir.
     */
    public static synchronized Path stateDir() {
        if (stateDir == null) {
            stateDir = newTempDir("kafka-streams-state-");
        }
        return stateDir;
    }

    /** A new directory under this test run's scratch space. */
    static Path newTempDir(String prefix) {
        try {
            Path base = testTmp();
            Files.createDirectories(base);
            return Files.createTempDirectory(base, prefix);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory under " + testTmp(), e);
        }
    }

    /** Scratch space of this test run: facestream.test.tmp (the module's target/test-tmp) or the temp dir. */
    private static Path testTmp() {
        return Path.of(System.getProperty("facestream.test.tmp", System.getProperty("java.io.tmpdir")));
    }

    /** Creates the topics that do not exist yet (partitions as given, the broker's replication factor). */
    public static void createTopics(Map<String, Integer> partitionsByTopic) {
        createTopics(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()), partitionsByTopic);
    }

    /** Creates the topics that do not exist yet on the cluster these admin client settings reach. */
    static void createTopics(Map<String, Object> adminConfig, Map<String, Integer> partitionsByTopic) {
        if (partitionsByTopic.isEmpty()) {
            return;
        }
        try (Admin admin = Admin.create(adminConfig)) {
            List<NewTopic> topics = new ArrayList<>();
            partitionsByTopic.forEach((name, partitions) ->
                    topics.add(new NewTopic(name, Optional.of(partitions), Optional.empty())));
            admin.createTopics(topics).values().forEach((name, future) -> {
                try {
                    future.get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("could not create topic " + name, e.getCause());
                    }
                } catch (Exception e) {
                    throw new IllegalStateException("could not create topic " + name, e);
                }
            });
        }
    }

    /** Parses "name:partitions,name2" (partitions default 1), the form test annotations and resource args use. */
    public static Map<String, Integer> parseTopics(Collection<String> specs) {
        Map<String, Integer> topics = new java.util.LinkedHashMap<>();
        for (String spec : specs) {
            for (String part : spec.split(",")) {
                String t = part.trim();
                if (t.isEmpty()) {
                    continue;
                }
                int colon = t.indexOf(':');
                if (colon < 0) {
                    topics.put(t, 1);
                } else {
                    topics.put(t.substring(0, colon), Integer.parseInt(t.substring(colon + 1)));
                }
            }
        }
        return topics;
    }
}
