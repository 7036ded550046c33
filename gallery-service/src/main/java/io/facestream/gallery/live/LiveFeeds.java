package io.facestream.gallery.live;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.facestream.events.Topics;
import io.facestream.events.domain.FrameEvent;
import io.facestream.events.domain.IdentityMatch;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The live page's two feeds, started with the service: faces.identities, each match broadcast to the connected
 * pages, and faces.frames, kept for the matches' thumbnails. Both follow their topic from its end, outside the
 * Kafka Streams application and its exactly-once processing, which they do not touch.
 */
@ApplicationScoped
public class LiveFeeds {

    /** One match as the page receives it: the match, and where its face's thumbnail is (relative to the page). */
    public record LiveMatch(IdentityMatch match, String thumbnail) {
    }

    @Inject
    LiveConfig config;
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;
    @Inject
    ObjectMapper json;
    @Inject
    MeterRegistry meters;

    private MatchBroadcaster broadcaster;
    private FrameThumbnails thumbnails;
    private volatile TopicTail identities;
    private volatile TopicTail frames;

    @PostConstruct
    void init() {
        broadcaster = new MatchBroadcaster(config.clientBuffer(), config.recentMatches());
        thumbnails = new FrameThumbnails(config.thumbnailFrames(), config.thumbnailBytes(), config.thumbnailSize());
        Gauge.builder("gallery.live.clients", broadcaster, MatchBroadcaster::clients)
                .description("live pages connected to /live/identities").register(meters);
        FunctionCounter.builder("gallery.live.clients.dropped", broadcaster, MatchBroadcaster::dropped)
                .description("live pages dropped for reading matches slower than they came").register(meters);
        Gauge.builder("gallery.live.thumbnail.bytes", thumbnails, FrameThumbnails::bytes)
                .description("bytes of frames and thumbnails kept for the live page").register(meters);
    }

    void onStart(@Observes StartupEvent event) {
        Deserializer<IdentityMatch> matches = Topics.IDENTITIES.valueSerde().deserializer();
        Deserializer<FrameEvent> frameEvents = Topics.FRAMES.valueSerde().deserializer();
        identities = new TopicTail(Topics.IDENTITIES.name(), kafkaConfig, r -> onMatch(matches, r));
        frames = new TopicTail(Topics.FRAMES.name(), kafkaConfig, r -> {
            if (r.value() != null) {
                thumbnails.putFrame(frameEvents.deserialize(r.topic(), r.value()));
            }
        });
        identities.start();
        frames.start();
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        for (TopicTail tail : new TopicTail[]{identities, frames}) {
            if (tail != null) {
                tail.stop();
            }
        }
    }

    public MatchBroadcaster broadcaster() {
        return broadcaster;
    }

    public FrameThumbnails thumbnails() {
        return thumbnails;
    }

    /** True once both feeds follow their topics: every match and frame written from then on reaches the page. */
    public boolean positioned() {
        TopicTail i = identities;
        TopicTail f = frames;
        return i != null && f != null && i.positioned() && f.positioned();
    }

    private void onMatch(Deserializer<IdentityMatch> matches, ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            return;
        }
        IdentityMatch m = matches.deserialize(r.topic(), r.value());
        if (m.box() != null) {
            thumbnails.noteBox(m.frameId(), m.faceIndex(), m.box());
        }
        try {
            broadcaster.broadcast(json.writeValueAsString(new LiveMatch(m, thumbnailPath(m))));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write match " + m.frameId() + " as JSON", e);
        }
    }

    static String thumbnailPath(IdentityMatch m) {
        return "live/thumbnails/" + URLEncoder.encode(m.frameId(), StandardCharsets.UTF_8).replace("+", "%20")
                + "?face=" + m.faceIndex();
    }
}
