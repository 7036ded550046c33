package io.facestream.kafka.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Points a @QuarkusTest at the JVM's shared real broker ({@link TestKafka}) and creates the topics named in the
 * resource argument {@code topics} ("name:partitions,..."). Every Quarkus Kafka client and Kafka Streams reads
 * {@code kafka.bootstrap.servers}.
 */
public class KafkaTestResource implements QuarkusTestResourceLifecycleManager {

    private final Map<String, String> args = new HashMap<>();

    @Override
    public void init(Map<String, String> initArgs) {
        args.putAll(initArgs);
    }

    @Override
    public Map<String, String> start() {
        String bootstrap = TestKafka.bootstrapServers();
        TestKafka.createTopics(TestKafka.parseTopics(List.of(args.getOrDefault("topics", ""))));
        return Map.of(
                "kafka.bootstrap.servers", bootstrap,
                "quarkus.kafka-streams.bootstrap-servers", bootstrap,
                // Kafka Streams state is only valid with the broker it came from: a fresh broker needs fresh state
                "kafka-streams.state.dir", TestKafka.stateDir().toString());
    }

    @Override
    public void stop() {
        // the broker is shared by every test class of this JVM; TestKafka stops it at JVM exit
    }
}
