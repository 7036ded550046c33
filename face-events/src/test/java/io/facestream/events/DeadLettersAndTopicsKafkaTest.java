package io.facestream.events;

import io.facestream.events.messaging.DeadLetters;
import io.facestream.events.messaging.TopicAdmin;
import io.facestream.events.serde.MalformedMessageException;
import io.facestream.kafka.testing.KafkaExtension;
import io.facestream.kafka.testing.TestClients;
import io.facestream.kafka.testing.KafkaExtension.Bootstrap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Against the real broker: the admin step creates every topic as declared, and dead letters arrive intact. */
@ExtendWith(KafkaExtension.class)
class DeadLettersAndTopicsKafkaTest {

    @Test
    void topics_are_created_once_with_their_settings(@Bootstrap String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicAdmin.ensureTopics(admin, Topics.all(), 30_000);
            List<String> second = TopicAdmin.ensureTopics(admin, Topics.all(), 30_000);
            assertEquals(List.of(), second, "a second run creates nothing");

            Set<String> names = admin.listTopics().names().get();
            for (Topic<?, ?> t : Topics.all()) {
                assertTrue(names.contains(t.name()), t.name());
            }
            var description = admin.describeTopics(List.of(Topics.FRAMES.name())).allTopicNames().get();
            assertEquals(6, description.get(Topics.FRAMES.name()).partitions().size());

            ConfigResource artifacts = new ConfigResource(ConfigResource.Type.TOPIC, Topics.ARTIFACTS.name());
            Config config = admin.describeConfigs(List.of(artifacts)).all().get().get(artifacts);
            assertEquals(TopicConfig.CLEANUP_POLICY_COMPACT, config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value());
            ConfigResource enrollments = new ConfigResource(ConfigResource.Type.TOPIC, Topics.ENROLLMENTS.name());
            Config enrollConfig = admin.describeConfigs(List.of(enrollments)).all().get().get(enrollments);
            assertEquals("-1", enrollConfig.get(TopicConfig.RETENTION_MS_CONFIG).value());
        }
    }

    @Test
    void a_bad_record_reaches_the_dead_letter_topic_unchanged_with_its_reason(@Bootstrap String bootstrap)
            throws Exception {
        String topic = "dlq-test-" + System.nanoTime();
        byte[] key = "cam-1".getBytes(StandardCharsets.UTF_8);
        byte[] value = "{\"not\":\"an envelope\"}".getBytes(StandardCharsets.UTF_8);
        Map<String, Object> producerConfig = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig)) {
            ProducerRecord<byte[], byte[]> original = new ProducerRecord<>(topic, key, value);
            original.headers().add("trace", "abc".getBytes(StandardCharsets.UTF_8));
            producer.send(original).get();

            ConsumerRecord<byte[], byte[]> consumed = readAll(bootstrap, topic, 1).get(0);
            MalformedMessageException error = assertThrowsMalformed(consumed);
            new DeadLetters(producer).send(consumed, error).get();
        }

        ConsumerRecord<byte[], byte[]> dead = readAll(bootstrap, topic + ".dlq", 1).get(0);
        assertArrayEquals(key, dead.key());
        assertArrayEquals(value, dead.value());
        assertEquals("abc", DeadLetters.header(dead.headers(), "trace"), "original headers are kept");
        assertEquals(MalformedMessageException.class.getName(), DeadLetters.header(dead.headers(), DeadLetters.ERROR_CLASS));
        assertTrue(DeadLetters.header(dead.headers(), DeadLetters.ERROR_MESSAGE).contains("not a facestream envelope"));
        assertEquals(topic, DeadLetters.header(dead.headers(), DeadLetters.SOURCE_TOPIC));
        assertEquals("0", DeadLetters.header(dead.headers(), DeadLetters.SOURCE_PARTITION));
        assertEquals("0", DeadLetters.header(dead.headers(), DeadLetters.SOURCE_OFFSET));
        assertTrue(Long.parseLong(DeadLetters.header(dead.headers(), DeadLetters.TIME)) > 0);
    }

    private static MalformedMessageException assertThrowsMalformed(ConsumerRecord<byte[], byte[]> record) {
        return org.junit.jupiter.api.Assertions.assertThrows(MalformedMessageException.class,
                () -> Topics.FRAMES.valueSerde().deserializer().deserialize(record.topic(), record.value()));
    }

    static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic, int expected) {
        List<ConsumerRecord<byte[], byte[]>> out = TestClients.read(topic, new ByteArrayDeserializer(),
                new ByteArrayDeserializer(), r -> true, expected, Duration.ofSeconds(30));
        assertEquals(expected, out.size(), "records read from " + topic);
        return out;
    }
}
