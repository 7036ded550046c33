package io.facestream.embedder;

import io.facestream.events.Topics;
import io.facestream.events.domain.EmbeddingEvent;
import io.facestream.events.domain.FrameEvent;
import io.facestream.kafka.testing.KafkaTestResource;
import io.facestream.kafka.testing.TestClients;
import io.facestream.model.image.ImagePreprocessor;
import io.facestream.tflite.runtime.TfliteEmbedder;
import io.facestream.tflite.runtime.TfliteOptions;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real face crops stream through the running embedder and the real broker while the model is swapped: every frame
 * gives exactly one embedding, versions change once and never back, and each embedding is what the model it names
 * computes for that image.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
class ModelSwapKafkaTest {

    static final int FRAMES = 60;

    @Test
    void a_model_swap_mid_stream_loses_nothing_and_every_embedding_names_its_model() throws Exception {
        List<byte[]> faces = EmbedderTestSupport.realFaces(FRAMES);
        String run = Long.toString(System.nanoTime(), 36);
        TestModels.Built first = TestModels.build("test-face:a-" + run, 11, false, EmbedderTestSupport.MODEL_DIR);
        TestModels.Built second = TestModels.build("test-face:b-" + run, 12, true, EmbedderTestSupport.MODEL_DIR);
        EmbedderTestSupport.publish(first.event());
        assertTrue(EmbedderTestSupport.awaitActive(first.event().version(), 120_000), "first model active");

        String source = "cam-swap-" + run;
        try (KafkaProducer<String, FrameEvent> producer = TestClients.producer(new StringSerializer(),
                Topics.FRAMES.valueSerde().serializer())) {
            for (int i = 0; i < FRAMES; i++) {
                if (i == 20) {
                    EmbedderTestSupport.publish(second.event()); // the swap happens while frames keep coming
                }
                if (i == 40) {
                    assertTrue(EmbedderTestSupport.awaitActive(second.event().version(), 120_000),
                            "second model active");
                }
                producer.send(new ProducerRecord<>(Topics.FRAMES.name(), source, new FrameEvent(
                        run + "-" + i, source, System.currentTimeMillis(), "image/jpeg", true, faces.get(i))));
                Thread.sleep(20);
            }
        }

        List<ConsumerRecord<String, EmbeddingEvent>> out = TestClients.read(Topics.EMBEDDINGS.name(),
                new StringDeserializer(), Topics.EMBEDDINGS.valueSerde().deserializer(),
                r -> r.value() != null && source.equals(r.value().sourceId()), FRAMES, Duration.ofSeconds(60));
        // one key, one partition, in order: a duplicate would take the place of a later frame
        assertEquals(java.util.stream.IntStream.range(0, FRAMES).mapToObj(i -> run + "-" + i).toList(),
                out.stream().map(r -> r.value().eventId()).toList(), "one embedding per frame, none lost, none twice");

        // one key, one partition: output order is input order; the version changes once, from first to second
        int switches = 0;
        for (int i = 1; i < out.size(); i++) {
            if (!out.get(i).value().modelVersion().equals(out.get(i - 1).value().modelVersion())) {
                switches++;
            }
        }
        assertEquals(first.event().version(), out.get(0).value().modelVersion());
        assertEquals(second.event().version(), out.get(out.size() - 1).value().modelVersion());
        assertEquals(1, switches, "the model changes once and never back");

        // the worker's transactional id is built from embedder.instance-id (test-embedder in the test profile), so a
        // restarted instance would fence this one's open transaction
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class)))) {
            List<String> ids = admin.listTransactions().all().get().stream()
                    .map(TransactionListing::transactionalId).toList();
            assertTrue(ids.contains("facestream-embedder-test-embedder-0"), "transactional ids " + ids);
        }

        Map<String, TfliteEmbedder> models = new HashMap<>();
        ImagePreprocessor preprocessor = new ImagePreprocessor(first.event().preprocessing());
        try {
            models.put(first.event().version(), TfliteEmbedder.load(first.bytes(), TfliteOptions.DEFAULT));
            models.put(second.event().version(), TfliteEmbedder.load(second.bytes(), TfliteOptions.DEFAULT));
            for (ConsumerRecord<String, EmbeddingEvent> r : out) {
                EmbeddingEvent e = r.value();
                int index = Integer.parseInt(e.eventId().substring(e.eventId().lastIndexOf('-') + 1));
                float[] expected = models.get(e.modelVersion()).embed(preprocessor.toTensor(faces.get(index)));
                assertTrue(cosine(expected, e.vector()) > 0.9999,
                        "frame " + index + " is the output of " + e.modelVersion());
                assertEquals(TestModels.EMBEDDING, e.dimension());
                assertEquals(EmbeddingEvent.Kind.PROBE, e.kind());
            }
        } finally {
            models.values().forEach(TfliteEmbedder::close);
        }
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
