package io.facestream.gallery.live;

import io.facestream.events.Topics;
import io.facestream.events.domain.EmbeddingEvent;
import io.facestream.events.domain.FaceBox;
import io.facestream.events.domain.FrameEvent;
import io.facestream.events.serde.Serdes;
import io.facestream.kafka.testing.TestClients;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

/** What the live-page tests publish, as the embedder and a camera would. */
final class LiveTestData {

    /** Where the face is in {@link #cameraFrame()}. */
    static final FaceBox FACE_BOX = new FaceBox(124, 52, 72, 92, 0.97);
    static final int DIMENSION = 512;

    private LiveTestData() {
    }

    /** A 320x240 JPEG "camera frame": a room and one drawn face inside {@link #FACE_BOX}. */
    static byte[] cameraFrame() {
        BufferedImage image = new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setPaint(new GradientPaint(0, 0, new Color(0x9db4c8), 0, 240, new Color(0x5f7386)));
        g.fillRect(0, 0, 320, 240);
        g.setColor(new Color(0x7a6552));
        g.fillRect(18, 60, 70, 180); // a door
        int x = FACE_BOX.x();
        int y = FACE_BOX.y();
        int w = FACE_BOX.width();
        int h = FACE_BOX.height();
        g.setColor(new Color(0x2f5d8a));
        g.fillRoundRect(x - 40, y + h - 6, w + 80, 120, 60, 60); // shoulders
        g.setColor(new Color(0xe2b38f));
        g.fillRect(x + w / 2 - 12, y + h - 20, 24, 24); // neck
        g.fillOval(x, y, w, h);
        g.setColor(new Color(0x3b2a20));
        g.fillArc(x - 2, y - 6, w + 4, h / 2 + 10, 0, 180); // hair
        g.setColor(Color.WHITE);
        g.fillOval(x + w / 4 - 8, y + h * 2 / 5, 16, 10);
        g.fillOval(x + w * 3 / 4 - 8, y + h * 2 / 5, 16, 10);
        g.setColor(new Color(0x2b3a4a));
        g.fillOval(x + w / 4 - 4, y + h * 2 / 5 + 1, 8, 8);
        g.fillOval(x + w * 3 / 4 - 4, y + h * 2 / 5 + 1, 8, 8);
        g.setStroke(new BasicStroke(2.5f));
        g.setColor(new Color(0x9c4a3c));
        g.drawArc(x + w / 2 - 14, y + h * 3 / 5, 28, 18, 200, 140); // smile
        g.dispose();
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, "jpeg", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A vector mostly along axis {@code main}, a little along {@code other} (the gallery compares directions). */
    static float[] near(int main, int other) {
        float[] v = new float[DIMENSION];
        v[main] = 0.9f;
        v[other] = 0.1f;
        return v;
    }

    static float[] axis(int i) {
        float[] v = new float[DIMENSION];
        v[i] = 1;
        return v;
    }

    static void enrol(String person, String version, float[] vector) {
        try (KafkaProducer<String, EmbeddingEvent> producer = TestClients.producer(new StringSerializer(),
                Serdes.embedding())) {
            producer.send(new ProducerRecord<>(Topics.EMBEDDINGS.name(), person, EmbeddingEvent.enrollment(
                    "enrol-" + person + "-" + System.nanoTime(), person, version, null, 1, 1, 0, 0, vector)));
            producer.flush();
        }
    }

    /** A frame on faces.frames, then the embedder's probe embedding of its face on faces.embeddings. */
    static void frameAndProbe(FrameEvent frame, String version, FaceBox box, float[] vector) {
        try (KafkaProducer<String, FrameEvent> frames = TestClients.producer(new StringSerializer(), Serdes.frame());
             KafkaProducer<String, EmbeddingEvent> embeddings = TestClients.producer(new StringSerializer(),
                     Serdes.embedding())) {
            frames.send(new ProducerRecord<>(Topics.FRAMES.name(), frame.sourceId(), frame));
            frames.flush();
            long now = System.currentTimeMillis();
            embeddings.send(new ProducerRecord<>(Topics.EMBEDDINGS.name(), frame.sourceId(), EmbeddingEvent.probe(
                    frame.frameId(), frame.sourceId(), 0, version, box, frame.capturedAtMs(), now, 2.1, 6.4, vector)));
            embeddings.flush();
        }
    }

    /** Waits until both live feeds follow their topics, so what the test publishes next reaches them. */
    static void awaitPositioned(LiveFeeds feeds) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!feeds.positioned()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the live feeds did not reach their topics' ends within 30 s");
            }
            Thread.sleep(100);
        }
    }
}
