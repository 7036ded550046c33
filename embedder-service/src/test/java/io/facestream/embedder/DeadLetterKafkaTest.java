package io.facestream.embedder;

import io.facestream.events.Topics;
import io.facestream.events.domain.EmbeddingEvent;
import io.facestream.events.domain.EnrollmentEvent;
import io.facestream.events.domain.FrameEvent;
import io.facestream.events.messaging.DeadLetters;
import io.facestream.events.serde.Envelope;
import io.facestream.kafka.testing.KafkaTestResource;
import io.facestream.kafka.testing.TestClients;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every kind of bad input reaches its dead-letter topic unchanged with the reason, and the good frames between the
 * bad ones are embedded: nothing else is lost or blocked.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
class DeadLetterKafkaTest {

    @Test
    void each_bad_input_kind_is_dead_lettered_with_its_reason_and_good_frames_flow_around_them() throws Exception {
        EmbedderTestSupport.ensureAModelServes();
        String run = Long.toString(System.nanoTime(), 36);
        String source = "cam-dlq-" + run;
        byte[] good = jpeg(80, 80);

        // kind -> (raw value, words the reason must contain)
        Map<String, Object[]> bad = new LinkedHashMap<>();
        bad.put("corrupt", new Object[]{frame(run, "corrupt", "image/jpeg", corrupt(good)), "CORRUPT"});
        bad.put("truncated", new Object[]{frame(run, "truncated", "image/jpeg", Arrays.copyOf(good, good.length / 2)),
                "TRUNCATED"});
        bad.put("content-type", new Object[]{frame(run, "content-type", "image/gif", good), "unsupported content type"});
        bad.put("oversize", new Object[]{frame(run, "oversize", "image/png", new byte[1_500_000]), "TOO_LARGE_BYTES"});
        bad.put("bomb", new Object[]{frame(run, "bomb", "image/png", pngHeaderOnly(20000, 20000)), "TOO_MANY_PIXELS"});
        bad.put("raw-size", new Object[]{frame(run, "raw-size", "application/x-rgb;width=10;height=10", new byte[299]),
                "RAW_SIZE_MISMATCH"});
        bad.put("not-an-envelope", new Object[]{"{\"frameId\":\"x\"}".getBytes(StandardCharsets.UTF_8),
                "not a facestream envelope"});
        bad.put("unknown-version", new Object[]{withVersion(frame(run, "v9", "image/jpeg", good), 9),
                "unsupported schema version 9"});
        bad.put("no-image", new Object[]{Envelope.encode("{\"type\":\"frame\",\"frameId\":\"" + run
                + "-noimg\",\"sourceId\":\"" + source + "\",\"capturedAtMs\":1,\"contentType\":\"image/jpeg\","
                + "\"faceCrop\":true}", new byte[0]), "no image bytes"});

        try (KafkaProducer<byte[], byte[]> producer = TestClients.producer(new ByteArraySerializer(),
                new ByteArraySerializer())) {
            int goodCount = 0;
            for (Object[] b : bad.values()) {
                producer.send(new ProducerRecord<>(Topics.FRAMES.name(), source.getBytes(StandardCharsets.UTF_8),
                        (byte[]) b[0]));
                producer.send(new ProducerRecord<>(Topics.FRAMES.name(), source.getBytes(StandardCharsets.UTF_8),
                        frame(run, "good-" + goodCount++, "image/jpeg", good)));
            }
            EnrollmentEvent badEnrollment = new EnrollmentEvent(run + "-bad-enrol", "Nobody_" + run,
                    System.currentTimeMillis(), "image/jpeg", true, corrupt(good));
            producer.send(new ProducerRecord<>(Topics.ENROLLMENTS.name(), badEnrollment.subject()
                    .getBytes(StandardCharsets.UTF_8), Topics.ENROLLMENTS.valueSerde().serializer()
                    .serialize(Topics.ENROLLMENTS.name(), badEnrollment)));
            producer.flush();

            List<ConsumerRecord<String, EmbeddingEvent>> embedded = TestClients.read(Topics.EMBEDDINGS.name(),
                    new StringDeserializer(), Topics.EMBEDDINGS.valueSerde().deserializer(),
                    r -> r.value() != null && source.equals(r.value().sourceId()), goodCount, Duration.ofSeconds(60));
            // one key, one partition, in order: a bad frame embedded by mistake would stand among the first records
            List<String> expected = java.util.stream.IntStream.range(0, goodCount).mapToObj(n -> run + "-good-" + n)
                    .toList();
            assertEquals(expected, embedded.stream().map(r -> r.value().eventId()).toList(),
                    "exactly the good frames are embedded, in order");
        }

        List<ConsumerRecord<String, byte[]>> dead = TestClients.read(Topics.FRAMES.dlq(), new StringDeserializer(),
                new ByteArrayDeserializer(), r -> source.equals(r.key()), bad.size(), Duration.ofSeconds(30));
        assertEquals(bad.size(), dead.size(), "one dead letter per bad frame");
        int i = 0;
        for (Map.Entry<String, Object[]> e : bad.entrySet()) {
            ConsumerRecord<String, byte[]> d = dead.get(i++);
            String reason = DeadLetters.header(d.headers(), DeadLetters.ERROR_MESSAGE);
            assertTrue(reason.contains((String) e.getValue()[1]), e.getKey() + ": " + reason);
            assertArrayEquals((byte[]) e.getValue()[0], d.value(), e.getKey() + " is forwarded unchanged");
            assertEquals(Topics.FRAMES.name(), DeadLetters.header(d.headers(), DeadLetters.SOURCE_TOPIC));
        }
        List<ConsumerRecord<String, byte[]>> deadEnrollments = TestClients.read(Topics.ENROLLMENTS.dlq(),
                new StringDeserializer(), new ByteArrayDeserializer(), r -> ("Nobody_" + run).equals(r.key()), 1,
                Duration.ofSeconds(30));
        assertEquals(1, deadEnrollments.size(), "the corrupt enrollment is dead-lettered");
        assertTrue(DeadLetters.header(deadEnrollments.get(0).headers(), DeadLetters.ERROR_MESSAGE).contains("CORRUPT"));
    }

    static byte[] frame(String run, String id, String contentType, byte[] image) {
        String source = "cam-dlq-" + run;
        return Topics.FRAMES.valueSerde().serializer().serialize(Topics.FRAMES.name(),
                new FrameEvent(run + "-" + id, source, System.currentTimeMillis(), contentType, true, image));
    }

    static byte[] withVersion(byte[] envelope, int version) {
        byte[] copy = envelope.clone();
        copy[1] = (byte) version;
        return copy;
    }

    static byte[] jpeg(int w, int h) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, (x * 3) << 16 | (y * 3) << 8 | ((x + y) & 0xFF));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "jpg", out);
        return out.toByteArray();
    }

    /**
     * Damages a JPEG's entropy-coded data with an invalid marker (a run of 0xFF then 0x6D), which a decoder must
     * notice; random bit flips in a smooth image can decode to plausible garbage without any warning.
     */
    static byte[] corrupt(byte[] jpeg) {
        byte[] c = jpeg.clone();
        int middle = c.length * 2 / 3;
        Arrays.fill(c, middle, middle + 8, (byte) 0xFF);
        c[middle + 8] = 0x6D;
        return c;
    }

    /** A well-formed PNG (valid CRCs) announcing w x h pixels with almost no data: a decompression bomb's header. */
    static byte[] pngHeaderOnly(int w, int h) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 2)
                .put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IDAT", new byte[]{0x78, (byte) 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
