package io.facestream.gallery.live;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Follows a topic from its end on a thread of its own, with a plain consumer that belongs to no group: it is
 * assigned every partition, commits nothing and takes nothing from anyone, so every gallery instance sees every
 * record. What was written before it started, or while it reconnects, is not seen: it feeds a live view, not a
 * ledger. Values arrive as raw bytes so that one undecodable record costs the handler an exception, not the feed.
 */
final class TopicTail {

    private static final Logger LOG = Logger.getLogger(TopicTail.class);
    private static final Duration RETRY = Duration.ofSeconds(2);

    private final String topic;
    private final Map<String, Object> config;
    private final Consumer<ConsumerRecord<String, byte[]>> handler;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean positioned;
    private volatile KafkaConsumer<String, byte[]> consumer;

    /** @param kafkaConfig the service's Kafka client settings (bootstrap servers, security) */
    TopicTail(String topic, Map<String, Object> kafkaConfig, Consumer<ConsumerRecord<String, byte[]>> handler) {
        this.topic = topic;
        this.handler = handler;
        this.config = new HashMap<>(kafkaConfig);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "gallery-live-" + topic);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        // the gallery and the embedder write transactionally: never show what they aborted
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // the topic admin step creates topics with their settings; a consumer must not create them with defaults
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        this.thread = new Thread(this::run, "live-tail-" + topic);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** True once the start position is fixed: every record written from then on is handed over. */
    boolean positioned() {
        return positioned;
    }

    void stop() throws InterruptedException {
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup(); // not an interrupt: an interrupted consumer cannot close cleanly
        }
        thread.join(Duration.ofSeconds(10).toMillis());
    }

    private void run() {
        while (running) {
            try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(config, new StringDeserializer(),
                    new ByteArrayDeserializer())) {
                consumer = c;
                follow(c);
            } catch (WakeupException | InterruptedException e) {
                return;
            } catch (KafkaException e) {
                positioned = false;
                LOG.warnf("live feed of %s failed (%s); starting again from its end in %d s", topic, e,
                        RETRY.toSeconds());
                if (!pause(RETRY)) {
                    return;
                }
            } finally {
                consumer = null;
            }
        }
    }

    private void follow(KafkaConsumer<String, byte[]> c) throws InterruptedException {
        List<TopicPartition> partitions = partitions(c);
        if (partitions.isEmpty()) {
            return;
        }
        c.assign(partitions);
        c.seekToEnd(partitions);
        // seekToEnd is lazy: resolve the positions now, so "from its end" means from this moment
        partitions.forEach(c::position);
        positioned = true;
        LOG.debugf("live feed of %s follows %d partitions from their end", topic, partitions.size());
        while (running) {
            for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofSeconds(1))) {
                try {
                    handler.accept(r);
                } catch (RuntimeException e) {
                    LOG.debugf("live feed of %s skips %s-%d@%d: %s", topic, r.topic(), r.partition(), r.offset(), e);
                }
            }
        }
    }

    /** The topic's partitions, waiting while it does not exist yet (the topic admin step creates it at start). */
    private List<TopicPartition> partitions(KafkaConsumer<String, byte[]> c) throws InterruptedException {
        while (running) {
            List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(10));
            if (infos != null && !infos.isEmpty()) {
                return infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            }
            if (!pause(Duration.ofSeconds(1))) {
                throw new InterruptedException();
            }
        }
        return List.of();
    }

    private boolean pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
            return running;
        } catch (InterruptedException e) {
            return false;
        }
    }
}
