package io.facestream.cli;

import io.facestream.events.Topic;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Kafka client settings of the commands that talk to Kafka: the bootstrap servers, any client property (TLS, SASL)
 * from KAFKA_* environment variables named like the services' (KAFKA_SECURITY_PROTOCOL is security.protocol), from a
 * client properties file (--kafka-config, the file Kafka's own tools take as --command-config) or from
 * --kafka-property, each overriding the one before, and how long the broker may take to answer.
 */
final class KafkaOptions {

    private static final String ENV_PREFIX = "KAFKA_";

    private static final String DEFAULT_BOOTSTRAP = "localhost:9092";

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
            description = "Kafka bootstrap servers (default: bootstrap.servers of --kafka-config, else env "
                    + "KAFKA_BOOTSTRAP_SERVERS, else " + DEFAULT_BOOTSTRAP + ").")
    String bootstrapOption;

    @Option(names = "--kafka-config", paramLabel = "FILE",
            description = {"A Kafka client properties file (security.protocol, sasl.*, ssl.*, bootstrap.servers, ...), "
                    + "as Kafka's own tools take with --command-config; it overrides KAFKA_* environment variables."})
    Path configFile;

    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
            description = {"A Kafka client property, e.g. security.protocol=SASL_SSL; repeatable. KAFKA_* environment "
                    + "variables set the same (KAFKA_SASL_MECHANISM is sasl.mechanism); this option wins over "
                    + "them and over --kafka-config."})
    Map<String, String> properties = new LinkedHashMap<>();

    @Option(names = "--connect-timeout", paramLabel = "SECONDS", defaultValue = "15",
            description = "How long Kafka may take to answer before the command gives up (default: ${DEFAULT-VALUE}).")
    int connectTimeoutSeconds;

    /**
     * Client properties from the environment: KAFKA_SSL_TRUSTSTORE_LOCATION becomes ssl.truststore.location. Only
     * names the Kafka clients know are taken, so unrelated variables (KAFKA_HOME, KAFKA_OPTS) stay out.
     */
    static Map<String, String> fromEnvironment(Map<String, String> env) {
        // computed here, not at class loading: the config classes start logging, and --verbose sets the level later
        Set<String> clientConfigs = clientConfigNames();
        Map<String, String> props = new HashMap<>();
        env.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX)) {
                String key = name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
                if (clientConfigs.contains(key) && !key.equals(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)) {
                    props.put(key, value);
                }
            }
        });
        return props;
    }

    /** The settings every client of a command shares. */
    Map<String, Object> common() {
        return common(System.getenv());
    }

    /**
     * The settings every client shares, from this environment: KAFKA_* variables, then the --kafka-config file, then
     * --kafka-property; the bootstrap servers from the option, else the file, else KAFKA_BOOTSTRAP_SERVERS.
     */
    Map<String, Object> common(Map<String, String> env) {
        Map<String, Object> config = new HashMap<>(fromEnvironment(env));
        Map<String, String> file = configFile();
        config.putAll(file);
        config.putAll(properties);
        String bootstrap = bootstrapOption != null ? bootstrapOption
                : file.getOrDefault(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                env.getOrDefault("KAFKA_BOOTSTRAP_SERVERS", DEFAULT_BOOTSTRAP));
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "facestream-cli");
        return config;
    }

    /** The --kafka-config file's properties, none without the option. */
    private Map<String, String> configFile() {
        if (configFile == null) {
            return Map.of();
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(configFile, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "cannot read --kafka-config " + configFile + ": " + e);
        }
        Map<String, String> props = new HashMap<>();
        p.stringPropertyNames().forEach(name -> props.put(name, p.getProperty(name).trim()));
        return props;
    }

    Duration timeout() {
        return Duration.ofSeconds(connectTimeoutSeconds);
    }

    /**
     * Fails with a clear message and exit code unless the cluster answers within the timeout and the topic exists:
     * without this, a producer would wait for metadata and a consumer would poll nothing, both silently.
     */
    void requireTopic(Topic<?, ?> topic) {
        if (connectTimeoutSeconds <= 0) {
            throw new CliException(ExitCodes.USAGE, "--connect-timeout must be positive, got " + connectTimeoutSeconds);
        }
        int timeoutMs = (int) timeout().toMillis();
        Map<String, Object> config = common();
        String bootstrapServers = String.valueOf(config.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
        Admin admin = createAdmin(config);
        try {
            try {
                admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs)).nodes()
                        .get(timeoutMs + 1000L, TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw failure("Kafka at " + bootstrapServers + " did not answer within " + connectTimeoutSeconds
                        + " s", e);
            }
            try {
                admin.describeTopics(List.of(topic.name()), new DescribeTopicsOptions().timeoutMs(timeoutMs))
                        .allTopicNames().get(timeoutMs + 1000L, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    throw new CliException(ExitCodes.FAILED, "topic " + topic.name() + " does not exist on "
                            + bootstrapServers + ": the facestream services create their topics when they start");
                }
                throw failure("cannot describe topic " + topic.name(), e);
            } catch (TimeoutException e) {
                throw failure("Kafka at " + bootstrapServers + " did not describe " + topic.name() + " within "
                        + connectTimeoutSeconds + " s", e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.FAILED, "interrupted", e);
        } finally {
            admin.close(Duration.ofSeconds(1));
        }
    }

    /** A producer of envelope values, allowed records as large as the topic takes. */
    KafkaProducer<String, byte[]> producer(Topic<?, ?> topic) {
        Map<String, Object> config = common();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, topic.maxMessageBytes());
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        // the broker answered just before; a full send buffer waits for a slow broker rather than failing a file
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 120_000);
        try {
            return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
        } catch (KafkaException e) {
            throw failure("cannot create a Kafka producer", e);
        }
    }

    /** A consumer that belongs to no group: it is assigned partitions, commits nothing and disturbs nobody. */
    KafkaConsumer<String, byte[]> consumer() {
        Map<String, Object> config = common();
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout().toMillis());
        try {
            return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        } catch (KafkaException e) {
            throw failure("cannot create a Kafka consumer", e);
        }
    }

    private Admin createAdmin(Map<String, Object> config) {
        try {
            return Admin.create(config);
        } catch (KafkaException e) {
            throw failure("cannot connect to Kafka at " + config.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG), e);
        }
    }

    /** The exit code and message for a Kafka failure: unreachable, refused credentials, or a bad setting. */
    private CliException failure(String what, Throwable e) {
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof AuthenticationException || t instanceof AuthorizationException) {
                return new CliException(ExitCodes.FAILED, what + ": " + t.getMessage(), e);
            }
            if (t instanceof ConfigException) {
                boolean unresolvable = String.valueOf(t.getMessage()).contains("resolvable bootstrap");
                return new CliException(unresolvable ? ExitCodes.UNREACHABLE : ExitCodes.USAGE,
                        what + ": " + t.getMessage(), e);
            }
        }
        if (cause instanceof TimeoutException || cause instanceof org.apache.kafka.common.errors.TimeoutException) {
            return new CliException(ExitCodes.UNREACHABLE, what + " (is the broker running and the address right? "
                    + "--bootstrap-servers or KAFKA_BOOTSTRAP_SERVERS)", e);
        }
        return new CliException(ExitCodes.FAILED, what + ": " + cause.getMessage(), e);
    }

    private static Set<String> clientConfigNames() {
        Set<String> names = new HashSet<>(ProducerConfig.configNames());
        names.addAll(ConsumerConfig.configNames());
        names.addAll(AdminClientConfig.configNames());
        return names;
    }
}
