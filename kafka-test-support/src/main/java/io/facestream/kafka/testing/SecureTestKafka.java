package io.facestream.kafka.testing;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.test.KafkaClusterTestKit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A second in-JVM KRaft broker, for tests of Kafka security, started on first use and shared by the JVM's test
 * classes (the shared broker of {@link TestKafka} stays PLAINTEXT). Besides its PLAINTEXT listener (inter-broker
 * traffic and test set-up) it has one listener per secured protocol:
 * <ul>
 *   <li>{@code SASL_PLAINTEXT}: SASL mechanism PLAIN, one user {@link #USER} / {@link #PASSWORD};</li>
 *   <li>{@code SSL}: TLS with a self-signed server certificate for {@code localhost} (no client certificate);</li>
 *   <li>{@code SASL_SSL}: both.</li>
 * </ul>
 * The certificate is made at start by the JDK's keytool; the PKCS12 truststore that trusts it is
 * {@link #truststore()}. A client reaches a listener with {@link #clientConfig(Listener)}: the same properties an
 * operator gives a facestream service as {@code kafka.*}.
 */
public final class SecureTestKafka {

    private static final Logger LOG = Logger.getLogger(SecureTestKafka.class.getName());

    public static final String USER = "facestream";
    public static final String PASSWORD = "facestream-secret";
    /** Password of the broker's keystore and of the clients' truststore. */
    public static final String STORE_PASSWORD = "test-store-secret";

    private static final String PLAIN_LOGIN = "org.apache.kafka.common.security.plain.PlainLoginModule";

    /** The secured listeners; each is named after its security protocol. */
    public enum Listener { SASL_PLAINTEXT, SSL, SASL_SSL }

    private record Started(Map<Listener, String> bootstrap, String plaintextBootstrap, Path truststore) {
    }

    private static volatile Started started;

    private SecureTestKafka() {
    }

    /** host:port of one secured listener, starting the broker if needed. */
    public static String bootstrapServers(Listener listener) {
        return start().bootstrap().get(listener);
    }

    /** The PKCS12 truststore (password {@link #STORE_PASSWORD}) that trusts the broker's certificate. */
    public static Path truststore() {
        return start().truststore();
    }

    /** The client settings that reach a listener as the test user: bootstrap servers, protocol, SASL and TLS. */
    public static Map<String, Object> clientConfig(Listener listener) {
        return clientConfig(listener, USER, PASSWORD);
    }

    /** As {@link #clientConfig(Listener)} with these SASL credentials (ignored on the SSL listener). */
    public static Map<String, Object> clientConfig(Listener listener, String user, String password) {
        Map<String, Object> c = new HashMap<>();
        c.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(listener));
        c.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, listener.name());
        if (listener != Listener.SSL) {
            c.put(SaslConfigs.SASL_MECHANISM, "PLAIN");
            c.put(SaslConfigs.SASL_JAAS_CONFIG,
                    PLAIN_LOGIN + " required username=\"" + user + "\" password=\"" + password + "\";");
        }
        if (listener != Listener.SASL_PLAINTEXT) {
            c.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, truststore().toString());
            c.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, STORE_PASSWORD);
            c.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12");
        }
        return c;
    }

    /** Creates the topics that do not exist yet (through the PLAINTEXT listener: set-up, not the test). */
    public static void createTopics(Map<String, Integer> partitionsByTopic) {
        TestKafka.createTopics(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, start().plaintextBootstrap()),
                partitionsByTopic);
    }

    private static Started start() {
        Started s = started;
        if (s != null) {
            return s;
        }
        synchronized (SecureTestKafka.class) {
            if (started == null) {
                started = startBroker();
                LOG.info(() -> "secure test Kafka broker at " + started.bootstrap());
            }
            return started;
        }
    }

    private static Started startBroker() {
        try {
            Path dir = TestKafka.newTempDir("kafka-tls-");
            Path keystore = dir.resolve("broker.p12");
            Path truststore = dir.resolve("truststore.p12");
            makeCertificate(keystore);
            writeTruststore(keystore, truststore);

            List<String> listeners = new ArrayList<>(List.of("EXTERNAL", "CONTROLLER"));
            Stream.of(Listener.values()).map(Listener::name).forEach(listeners::add);
            Map<String, String> props = new HashMap<>();
            // the test kit's EXTERNAL and CONTROLLER listeners keep their pre-bound ports (it finds them by name)
            props.put("listeners", listeners.stream().map(l -> l + "://localhost:0").collect(Collectors.joining(",")));
            props.put("listener.security.protocol.map", "EXTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT,"
                    + Stream.of(Listener.values()).map(l -> l + ":" + l).collect(Collectors.joining(",")));
            props.put("sasl.enabled.mechanisms", "PLAIN");
            String users = PLAIN_LOGIN + " required user_" + USER + "=\"" + PASSWORD + "\";";
            props.put("listener.name.sasl_plaintext.plain.sasl.jaas.config", users);
            props.put("listener.name.sasl_ssl.plain.sasl.jaas.config", users);
            props.put("ssl.keystore.location", keystore.toString());
            props.put("ssl.keystore.password", STORE_PASSWORD);
            props.put("ssl.key.password", STORE_PASSWORD);
            props.put("ssl.keystore.type", "PKCS12");

            KafkaClusterTestKit cluster = TestKafka.startInJvmCluster("kafka-secure", props);
            // not closed at JVM exit, for the reason TestKafka gives
            var broker = cluster.brokers().values().iterator().next();
            Map<Listener, String> bootstrap = new EnumMap<>(Listener.class);
            for (Listener l : Listener.values()) {
                bootstrap.put(l, "localhost:" + broker.boundPort(new ListenerName(l.name())));
            }
            return new Started(bootstrap, cluster.bootstrapServers(), truststore);
        } catch (Exception e) {
            throw new IllegalStateException("could not start the secure in-JVM Kafka broker: " + e.getMessage(), e);
        }
    }

    /** A self-signed certificate for localhost (and 127.0.0.1), valid two days, by the running JDK's keytool. */
    private static void makeCertificate(Path keystore) throws IOException, InterruptedException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Path log = keystore.resolveSibling("keytool.log");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "broker",
                "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-keystore", keystore.toString(), "-storetype", "PKCS12",
                "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("keytool could not make the test certificate: "
                    + Files.readString(log, StandardCharsets.UTF_8));
        }
    }

    /** A truststore with the broker's certificate as its one trusted entry. */
    private static void writeTruststore(Path keystore, Path truststore) throws IOException, GeneralSecurityException {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            keys.load(in, STORE_PASSWORD.toCharArray());
        }
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("broker", keys.getCertificate("broker"));
        try (OutputStream out = Files.newOutputStream(truststore)) {
            trust.store(out, STORE_PASSWORD.toCharArray());
        }
    }
}
