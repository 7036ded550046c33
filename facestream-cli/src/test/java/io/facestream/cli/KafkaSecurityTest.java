package io.facestream.cli;

import io.facestream.events.Topics;
import io.facestream.events.domain.EnrollmentEvent;
import io.facestream.kafka.testing.SecureTestKafka;
import io.facestream.kafka.testing.SecureTestKafka.Listener;
import io.facestream.kafka.testing.TestClients;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.awt.Color;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Kafka client settings for a TLS/SASL cluster: where they come from, and a command that uses them end to end. */
class KafkaSecurityTest {

    private static Path clientProperties(Path dir, Map<String, Object> settings) throws IOException {
        Properties p = new Properties();
        settings.forEach((k, v) -> p.setProperty(k, v.toString()));
        Path file = dir.resolve("client-" + UUID.randomUUID() + ".properties");
        try (Writer out = Files.newBufferedWriter(file)) {
            p.store(out, "a Kafka client properties file");
        }
        return file;
    }

    @Test
    void environmentThenFileThenOptionEachOverridingTheOneBefore(@TempDir Path dir) throws IOException {
        Path file = clientProperties(dir, Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "PLAIN",
                "ssl.truststore.location", "/etc/kafka/truststore.p12", "bootstrap.servers", "secure:9093"));
        Map<String, String> env = Map.of("KAFKA_SECURITY_PROTOCOL", "SSL", "KAFKA_SSL_TRUSTSTORE_PASSWORD", "changeit",
                "KAFKA_BOOTSTRAP_SERVERS", "env:9092");

        KafkaOptions withFile = CommandLine.populateCommand(new KafkaOptions(), "--kafka-config", file.toString(),
                "--kafka-property", "sasl.mechanism=SCRAM-SHA-512");
        Map<String, Object> c = withFile.common(env);
        assertEquals("SASL_SSL", c.get("security.protocol"), "the file overrides the environment");
        assertEquals("changeit", c.get("ssl.truststore.password"), "the environment fills in what the file lacks");
        assertEquals("/etc/kafka/truststore.p12", c.get("ssl.truststore.location"));
        assertEquals("SCRAM-SHA-512", c.get("sasl.mechanism"), "--kafka-property overrides the file");
        assertEquals("secure:9093", c.get("bootstrap.servers"), "the file's bootstrap servers over the environment's");

        KafkaOptions withOption = CommandLine.populateCommand(new KafkaOptions(), "--kafka-config", file.toString(),
                "--bootstrap-servers", "option:9094");
        assertEquals("option:9094", withOption.common(env).get("bootstrap.servers"));
        KafkaOptions envOnly = CommandLine.populateCommand(new KafkaOptions());
        assertEquals("env:9092", envOnly.common(env).get("bootstrap.servers"));
        assertEquals("SSL", envOnly.common(env).get("security.protocol"));
        assertEquals("localhost:9092", envOnly.common(Map.of()).get("bootstrap.servers"));
    }

    @Test
    void publishesOverSaslSslWithAClientPropertiesFileAndReportsRefusedCredentials(@TempDir Path dir)
            throws IOException {
        SecureTestKafka.createTopics(Map.of(Topics.ENROLLMENTS.name(), 2));
        String person = "Secure_" + UUID.randomUUID().toString().substring(0, 8);
        Files.createDirectories(dir.resolve("faces").resolve(person));
        Files.write(dir.resolve("faces").resolve(person).resolve("1.jpg"), TestImages.jpeg(40, Color.ORANGE));
        String faces = dir.resolve("faces").toString();

        Path wrong = clientProperties(dir, SecureTestKafka.clientConfig(Listener.SASL_SSL, SecureTestKafka.USER,
                "not-the-password"));
        Cli.Result refused = Cli.run("publish", "enrollments", faces, "--kafka-config", wrong.toString());
        assertEquals(ExitCodes.FAILED, refused.exitCode(), refused.toString());
        assertTrue(refused.err().contains("Authentication failed"), refused.err());

        Path right = clientProperties(dir, SecureTestKafka.clientConfig(Listener.SASL_SSL));
        Cli.Result published = Cli.run("publish", "enrollments", faces, "--kafka-config", right.toString());
        assertEquals(ExitCodes.OK, published.exitCode(), published.toString());
        List<EnrollmentEvent> read = TestClients.read(SecureTestKafka.clientConfig(Listener.SASL_SSL),
                        Topics.ENROLLMENTS.name(), new StringDeserializer(), Topics.ENROLLMENTS.valueSerde().deserializer(),
                        r -> person.equals(r.key()), 1, Duration.ofSeconds(30))
                .stream().map(r -> r.value()).toList();
        assertEquals(1, read.size());
        assertEquals(person, read.get(0).subject());
    }
}
