package io.facestream.trainer.messaging;

import io.facestream.events.Topics;
import io.facestream.events.domain.EnrollmentEvent;
import io.facestream.events.messaging.EnrollmentLog;
import io.facestream.events.serde.MalformedMessageException;
import io.facestream.model.image.ImageDecoder;
import io.facestream.model.image.ImageRejectedException;
import io.facestream.trainer.data.LabelledImage;
import io.facestream.trainer.data.LabelledImageSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The labelled images on faces.enrollments, the system's source of truth, read to the end each partition has when
 * the read starts ({@link EnrollmentLog}: no consumer group, nothing committed). A person deleted by a tombstone and
 * not enrolled again is not trained on. An image's identity is its enrollment's subject. Records that are not
 * enrollments, and enrollments whose image does not decode, are skipped and counted (the embedder has dead-lettered
 * them when they arrived); the images are decoded once when read (to find those), held in memory encoded, and
 * decoded again when a batch needs them.
 */
public final class EnrollmentTopicSource implements LabelledImageSource {

    private static final Logger LOG = Logger.getLogger(EnrollmentTopicSource.class);

    private final EnrollmentLog log;
    private final ImageDecoder decoder;
    private final Duration timeout;
    private String description = "the labelled images on " + Topics.ENROLLMENTS.name();

    /**
     * @param kafkaConfig the Kafka client settings (bootstrap servers, TLS, SASL)
     * @param timeout     longest the whole read may take
     */
    public EnrollmentTopicSource(Map<String, Object> kafkaConfig, ImageDecoder decoder, Duration timeout) {
        this.log = new EnrollmentLog(kafkaConfig);
        this.decoder = decoder;
        this.timeout = timeout;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public List<LabelledImage> images() throws IOException {
        String topic = Topics.ENROLLMENTS.name();
        // per person, in order: a tombstone clears what came before
        Map<String, List<LabelledImage>> byPerson = new LinkedHashMap<>();
        int[] counts = new int[3]; // records, unreadable, deletions
        log.readToEnd(timeout, new EnrollmentLog.Visitor() {
            @Override
            public void enrollment(String person, EnrollmentEvent event, int partition, long offset) {
                counts[0]++;
                byte[] bytes = event.image();
                String origin = topic + "/" + partition + "@" + offset + " (" + event.enrollmentId() + ")";
                try {
                    // the embedder dead-lettered an image it could not decode, but the record stays on the topic
                    // for ever: trained on, it would fail every run that reaches it
                    decoder.decode(event.contentType(), bytes);
                } catch (ImageRejectedException e) {
                    counts[1]++;
                    LOG.debugf("skipping enrollment %s: %s", origin, e.getMessage());
                    return;
                }
                byPerson.computeIfAbsent(person, k -> new ArrayList<>()).add(new LabelledImage(event.subject(), origin,
                        () -> decoder.decode(event.contentType(), bytes)));
            }

            @Override
            public void deletion(String person) {
                counts[0]++;
                if (byPerson.remove(person) != null) {
                    counts[2]++;
                }
            }

            @Override
            public void unreadable(ConsumerRecord<byte[], byte[]> record, MalformedMessageException error) {
                counts[0]++;
                counts[1]++;
            }
        });
        List<LabelledImage> images = byPerson.values().stream().flatMap(List::stream).toList();
        description = String.format("the labelled images on %s: %d records read, %d images of %d people, "
                + "%d people deleted, %d records skipped as unreadable", topic, counts[0], images.size(),
                byPerson.size(), counts[2], counts[1]);
        LOG.info(description);
        return images;
    }
}
