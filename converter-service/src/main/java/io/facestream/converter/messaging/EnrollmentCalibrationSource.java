package io.facestream.converter.messaging;

import io.facestream.converter.service.CalibrationSource;
import io.facestream.events.Topics;
import io.facestream.events.domain.EnrollmentEvent;
import io.facestream.events.messaging.EnrollmentLog;
import io.facestream.events.serde.MalformedMessageException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The face crops enrolled on faces.enrollments, read to the end each partition has when the read starts
 * ({@link EnrollmentLog}: no consumer group, nothing committed, no service's position moves). A tombstone deletes the
 * person's images before it, so a deleted person's face never calibrates a model. Whole frames (faceCrop=false) are
 * left out: the model only ever sees aligned crops. Memory stays bounded: once twice the requested number of images
 * is held, further people's images are not kept (the read still goes on to see deletions). Images are taken
 * round-robin over the people.
 */
public final class EnrollmentCalibrationSource implements CalibrationSource {

    private static final Logger LOG = Logger.getLogger(EnrollmentCalibrationSource.class);

    private final EnrollmentLog log;
    private final Duration timeout;

    /** @param kafkaConfig Kafka client settings (bootstrap servers, TLS, SASL) */
    public EnrollmentCalibrationSource(Map<String, Object> kafkaConfig, Duration timeout) {
        this.log = new EnrollmentLog(kafkaConfig);
        this.timeout = timeout;
    }

    @Override
    public List<byte[]> images(int count) throws IOException {
        String topic = Topics.ENROLLMENTS.name();
        Map<String, List<byte[]>> byPerson = new LinkedHashMap<>();
        int[] counts = new int[3]; // held, whole frames, unreadable
        try {
            log.readToEnd(timeout, new EnrollmentLog.Visitor() {
                @Override
                public void enrollment(String person, EnrollmentEvent event, int partition, long offset) {
                    if (!event.faceCrop()) {
                        counts[1]++;
                        return;
                    }
                    List<byte[]> images = byPerson.get(person);
                    if (images == null && counts[0] >= 2 * count) {
                        return;
                    }
                    if (images == null) {
                        images = new ArrayList<>();
                        byPerson.put(person, images);
                    }
                    if (images.size() < count) {
                        images.add(event.image());
                        counts[0]++;
                    }
                }

                @Override
                public void deletion(String person) {
                    List<byte[]> removed = byPerson.remove(person);
                    counts[0] -= removed == null ? 0 : removed.size();
                }

                @Override
                public void unreadable(ConsumerRecord<byte[], byte[]> record, MalformedMessageException error) {
                    counts[2]++;
                }
            });
        } catch (IOException e) {
            throw new IOException(e.getMessage() + " (converter.enrollment-read-timeout-ms)", e);
        }
        int wholeFrames = counts[1];
        int unreadable = counts[2];
        List<byte[]> out = new ArrayList<>();
        for (int round = 0; out.size() < count; round++) {
            boolean any = false;
            for (List<byte[]> images : byPerson.values()) {
                if (round < images.size() && out.size() < count) {
                    out.add(images.get(round));
                    any = true;
                }
            }
            if (!any) {
                break;
            }
        }
        LOG.infof("%d calibration images of %d people from %s (%d whole frames and %d unreadable records left out)",
                out.size(), byPerson.size(), topic, wholeFrames, unreadable);
        return out;
    }

    @Override
    public String description() {
        return "the face crops enrolled on " + Topics.ENROLLMENTS.name();
    }
}
