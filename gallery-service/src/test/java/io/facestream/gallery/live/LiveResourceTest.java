package io.facestream.gallery.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.facestream.events.domain.FrameEvent;
import io.facestream.kafka.testing.KafkaTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live page's server side on the real broker, without a browser: the page and its settings are served, a match
 * reaches a server-sent event stream with the path of its thumbnail, and the thumbnail is the face's square.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
class LiveResourceTest {

    @Inject
    LiveFeeds feeds;
    @TestHTTPResource("/live/identities")
    URI identities;
    @TestHTTPResource("/")
    URI root;

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void the_page_and_its_settings_are_served() {
        given().get("/").then().statusCode(200).contentType(containsString("text/html"))
                .body(containsString("<title>facestream · live</title>"))
                .body(containsString("live.js"));
        given().get("/live.js").then().statusCode(200).body(containsString("EventSource"));
        given().get("/live.css").then().statusCode(200);
        given().get("/live/config").then().statusCode(200)
                .body("embedderUrl", is("http://localhost:8083"))
                .body("trainerUrl", is("http://localhost:8081"));
    }

    @Test
    void an_unknown_frame_has_no_thumbnail() {
        given().get("/live/thumbnails/never-seen-frame").then().statusCode(404)
                .body("message", containsString("never-seen-frame"));
    }

    @Test
    void browsers_may_call_from_the_configured_origins_only() {
        given().header("Origin", "http://localhost:8084").header("Access-Control-Request-Method", "GET")
                .options("/persons").then().statusCode(200)
                .header("Access-Control-Allow-Origin", "http://localhost:8084");
        given().header("Origin", "http://elsewhere.example").get("/live/config").then().statusCode(403)
                .header("Access-Control-Allow-Origin", nullValue());
    }

    @Test
    void a_match_streams_as_an_event_and_its_thumbnail_shows_the_face() throws Exception {
        LiveTestData.awaitPositioned(feeds);
        String version = "live-rest-" + System.nanoTime();
        String frameId = "frame-" + System.nanoTime();
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<Stream<String>> stream = http.send(HttpRequest.newBuilder(identities)
                .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, stream.statusCode());
        assertTrue(stream.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        BlockingQueue<String[]> events = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> readEvents(stream.body().iterator(), events), "sse-reader");
        reader.setDaemon(true);
        reader.start();
        try {
            // a 200x100 scene with a red square where the face box is (see FrameThumbnailsTest)
            FrameEvent frame = new FrameEvent(frameId, "cam-live", System.currentTimeMillis() - 40, "image/png",
                    false, FrameThumbnailsTest.png(FrameThumbnailsTest.scene()));
            LiveTestData.frameAndProbe(frame, version, FrameThumbnailsTest.FACE, LiveTestData.axis(3));

            JsonNode event = awaitMatch(events, frameId);
            JsonNode match = event.get("match");
            assertEquals(version, match.get("modelVersion").asText());
            assertEquals("unknown", match.get("identity").asText(), "nobody is enrolled in this version");
            assertEquals("cam-live", match.get("sourceId").asText());
            assertEquals(120, match.get("box").get("x").asInt());
            String thumbnail = event.get("thumbnail").asText();
            assertEquals("live/thumbnails/" + frameId + "?face=0", thumbnail);

            byte[] jpeg = given().get(root.resolve(thumbnail)).then().statusCode(200)
                    .contentType("image/jpeg").extract().asByteArray();
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
            assertEquals(96, image.getWidth());
            assertEquals(96, image.getHeight());
            assertEquals('R', FrameThumbnailsTest.dominant(image, 48, 48), "the face box in the middle");
        } finally {
            stream.body().close();
        }
    }

    /** The JSON of the first "identity" event about this frame (earlier matches are replayed first). */
    private JsonNode awaitMatch(BlockingQueue<String[]> events, String frameId) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
        while (System.nanoTime() < deadline) {
            String[] event = events.poll(500, TimeUnit.MILLISECONDS);
            if (event != null && LiveResource.MATCH_EVENT.equals(event[0])) {
                JsonNode data = json.readTree(event[1]);
                if (frameId.equals(data.get("match").get("frameId").asText())) {
                    return data;
                }
            }
        }
        throw new AssertionError("no identity event for " + frameId + " within 45 s");
    }

    /** Server-sent events as [name, data] pairs. */
    private static void readEvents(Iterator<String> lines, BlockingQueue<String[]> events) {
        String name = "message";
        StringBuilder data = new StringBuilder();
        try {
            while (lines.hasNext()) {
                String line = lines.next();
                if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                        events.add(new String[]{name, data.toString()});
                    }
                    name = "message";
                    data.setLength(0);
                } else if (line.startsWith("event:")) {
                    name = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    data.append(data.isEmpty() ? "" : "\n").append(line.substring(5).stripLeading());
                }
            }
        } catch (RuntimeException e) {
            // the stream was closed by the test
        }
    }

    @Test
    void the_metrics_count_live_clients() {
        assertNotNull(feeds.broadcaster());
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("gallery_live_clients"))
                .body(containsString("gallery_live_clients_dropped_total"))
                .body(containsString("gallery_live_thumbnail_bytes"));
    }
}
