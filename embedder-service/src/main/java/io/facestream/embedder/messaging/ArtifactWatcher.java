package io.facestream.embedder.messaging;

import io.facestream.embedder.model.ModelManager;
import io.facestream.events.Topics;
import io.facestream.events.domain.ModelArtifactEvent;
import io.facestream.events.messaging.DeadLetters;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Follows the compacted models.artifacts topic from its beginning (no consumer group: every instance needs every
 * artifact). At start it reads up to the current end and offers only the newest artifact it follows; after that,
 * every new one as it arrives. A malformed artifact event is dead-lettered and skipped.
 */
public final class ArtifactWatcher implements Runnable {

    private static final Logger LOG = Logger.getLogger(ArtifactWatcher.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> deadLetterProducer;
    private final ModelManager models;
    private volatile boolean running = true;

    public ArtifactWatcher(KafkaConsumer<byte[], byte[]> consumer, Producer<byte[], byte[]> deadLetterProducer,
                           ModelManager models) {
        this.consumer = consumer;
        this.deadLetterProducer = deadLetterProducer;
        this.models = models;
    }

    @Override
    public void run() {
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.ARTIFACTS.name(), Duration.ofSeconds(30))
                    .stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> startupEnd = consumer.endOffsets(partitions);
            ModelArtifactEvent newest = null;
            while (running && !caughtUp(startupEnd)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    ModelArtifactEvent a = parse(r);
                    if (a != null && models.follows(a)) {
                        newest = a;
                    }
                }
            }
            if (newest != null) {
                models.offer(newest);
            }
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofSeconds(1))) {
                    ModelArtifactEvent a = parse(r);
                    if (a != null && models.follows(a)) {
                        models.offer(a);
                    }
                }
            }
        } catch (WakeupException e) {
            // stop() was called
        } catch (RuntimeException e) {
            LOG.errorf(e, "artifact watcher stopped");
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private boolean caughtUp(Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private ModelArtifactEvent parse(ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null) {
            String name = r.key() == null ? "?" : new String(r.key(), StandardCharsets.UTF_8);
            LOG.infof("model name %s retired on %s", name, r.topic());
            return null;
        }
        try {
            return Topics.ARTIFACTS.valueSerde().deserializer().deserialize(r.topic(), r.value());
        } catch (RuntimeException e) {
            LOG.warnf("dead-lettering artifact event at %s-%d@%d: %s", r.topic(), r.partition(), r.offset(),
                    e.getMessage());
            deadLetterProducer.send(DeadLetters.toDeadLetter(r, e, System.currentTimeMillis()));
            return null;
        }
    }

    public void stop() {
        running = false;
        consumer.wakeup();
    }
}
