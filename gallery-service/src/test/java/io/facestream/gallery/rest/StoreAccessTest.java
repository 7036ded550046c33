package io.facestream.gallery.rest;

import io.facestream.gallery.domain.ThresholdPolicy;
import io.facestream.gallery.service.DotProduct;
import io.facestream.gallery.service.GalleryIndex;
import io.facestream.gallery.streams.GalleryTopology;
import jakarta.ws.rs.core.Response;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Before Kafka Streams runs, every store access answers 503 with Retry-After at once instead of waiting. */
class StoreAccessTest {

    @Test
    void stores_of_streams_that_are_not_running_answer_503_with_retry_after() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "store-access-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:1"); // never contacted: never started
        props.put(StreamsConfig.STATE_DIR_CONFIG, Path.of(System.getProperty("facestream.test.tmp", "target"),
                "store-access-test").toString());
        try (KafkaStreams streams = new KafkaStreams(GalleryTopology.build(
                new GalleryIndex(ThresholdPolicy.fixed(0.4), DotProduct.scalar())), props)) {
            StoreAccess stores = new StoreAccess(streams);
            long start = System.nanoTime();
            for (Runnable access : new Runnable[]{stores::centroids, () -> stores.sums(0),
                    () -> stores.ownerOf("v|p"), stores::instances, stores::self}) {
                ApiException e = assertThrows(ApiException.class, access::run);
                assertEquals(503, e.status());
                assertTrue(e.getMessage().contains("CREATED"), e.getMessage());
                Response answer = new ErrorMappers().api(e);
                assertEquals(503, answer.getStatus());
                assertEquals(String.valueOf(ApiException.RETRY_AFTER_SECONDS), answer.getHeaderString("Retry-After"));
            }
            assertTrue(System.nanoTime() - start < 2_000_000_000L, "answered at once");
        }
    }
}
