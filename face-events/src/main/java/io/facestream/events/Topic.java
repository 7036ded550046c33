package io.facestream.events;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serde;

import java.util.Map;
import java.util.Optional;

/**
 * A topic with its key and value serdes and the settings it is created with.
 *
 * @param retentionMs -1 keeps records forever
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde, int partitions, boolean compacted,
                          long retentionMs, int maxMessageBytes) {

    public static final String DLQ_SUFFIX = ".dlq";

    /** The topic's dead-letter topic name. */
    public String dlq() {
        return name + DLQ_SUFFIX;
    }

    /** The broker's default replication factor: 1 on the local broker, whatever an existing cluster sets. */
    public NewTopic newTopic() {
        return new NewTopic(name, Optional.of(partitions), Optional.empty()).configs(configs());
    }

    public Map<String, String> configs() {
        return Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG,
                compacted ? TopicConfig.CLEANUP_POLICY_COMPACT : TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG, String.valueOf(retentionMs),
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(maxMessageBytes));
    }
}
