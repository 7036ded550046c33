package io.facestream.embedder.model;

import io.facestream.events.Topics;
import io.facestream.events.domain.Centroid;
import io.facestream.events.domain.GalleryKeys;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Follows the gallery's compacted centroid topic to count, per model version, the enrollment images the gallery
 * has aggregated: how the embedder knows a new version's gallery is complete before it switches probes to it.
 */
public final class GalleryProgress implements Runnable {

    private static final Logger LOG = Logger.getLogger(GalleryProgress.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<String, Long> imagesByKey = new ConcurrentHashMap<>();
    private volatile boolean running = true;

    public GalleryProgress(KafkaConsumer<byte[], byte[]> consumer) {
        this.consumer = consumer;
    }

    /** Enrollment images in the gallery of this model version now. */
    public long images(String modelVersion) {
        String prefix = GalleryKeys.versionPrefix(modelVersion);
        long n = 0;
        for (Map.Entry<String, Long> e : imagesByKey.entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                n += e.getValue();
            }
        }
        return n;
    }

    @Override
    public void run() {
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.CENTROIDS.name(), Duration.ofSeconds(30))
                    .stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    apply(r);
                }
            }
        } catch (WakeupException e) {
            // stop() was called
        } catch (RuntimeException e) {
            LOG.errorf(e, "gallery progress follower stopped");
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void apply(ConsumerRecord<byte[], byte[]> r) {
        if (r.key() == null) {
            return;
        }
        String key = new String(r.key(), StandardCharsets.UTF_8);
        if (r.value() == null) {
            imagesByKey.remove(key);
            return;
        }
        try {
            Centroid c = Topics.CENTROIDS.valueSerde().deserializer().deserialize(r.topic(), r.value());
            imagesByKey.put(key, c.imageCount());
        } catch (RuntimeException e) {
            LOG.warnf("ignoring an unreadable centroid record %s: %s", key, e.getMessage());
        }
    }

    public void stop() {
        running = false;
        consumer.wakeup();
    }
}
