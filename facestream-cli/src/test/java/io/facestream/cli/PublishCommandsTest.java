package io.facestream.cli;

import io.facestream.events.Topics;
import io.facestream.events.domain.EnrollmentEvent;
import io.facestream.events.domain.FrameEvent;
import io.facestream.events.domain.Sha256;
import io.facestream.kafka.testing.KafkaExtension;
import io.facestream.kafka.testing.KafkaTopics;
import io.facestream.kafka.testing.TestClients;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jcodec.api.awt.AWTSequenceEncoder;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** publish frames, enrollments and video against the real test broker, read back with a plain consumer. */
@ExtendWith(KafkaExtension.class)
@KafkaTopics({"faces.frames:2", "faces.enrollments:2"})
class PublishCommandsTest {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static List<FrameEvent> frames(String source, int expected) {
        return TestClients.read(Topics.FRAMES.name(), new StringDeserializer(),
                        Topics.FRAMES.valueSerde().deserializer(), r -> source.equals(r.key()), expected, READ_TIMEOUT)
                .stream().map(ConsumerRecord::value).toList();
    }

    @Test
    void framesArePublishedAndUnusableFilesListedWithTheirReason(@KafkaExtension.Bootstrap String bootstrap,
                                                                  @TempDir Path dir) throws IOException {
        byte[] a = TestImages.jpeg(48, Color.RED);
        byte[] b = TestImages.png(40, Color.BLUE);
        byte[] c = TestImages.jpeg(56, Color.GREEN);
        Files.write(dir.resolve("001.jpg"), a);
        Files.write(dir.resolve("002.png"), b);
        Files.write(dir.resolve("003.jpg"), c);
        Files.write(dir.resolve("004-cut.jpg"), Arrays.copyOf(c, c.length / 2));
        Files.writeString(dir.resolve("notes.txt"), "not an image");
        Files.createSymbolicLink(dir.resolve("005-gone.jpg"), dir.resolve("deleted.jpg"));
        Files.createDirectory(dir.resolve("sub"));
        Files.writeString(dir.resolve(".hidden"), "left out without a word");
        String source = unique("cam");

        Cli.Result r = Cli.run("publish", "frames", dir.toString(), "--source", source,
                "--bootstrap-servers", bootstrap);

        assertEquals(ExitCodes.PARTIAL, r.exitCode(), r.toString());
        List<FrameEvent> frames = frames(source, 3);
        assertEquals(3, frames.size());
        Map<String, FrameEvent> byFile = frames.stream().collect(Collectors.toMap(
                f -> f.frameId().substring(f.frameId().indexOf('-') + 1), Function.identity()));
        assertArrayEquals(a, byFile.get("001.jpg").image());
        assertArrayEquals(b, byFile.get("002.png").image());
        assertArrayEquals(c, byFile.get("003.jpg").image());
        assertEquals("image/jpeg", byFile.get("001.jpg").contentType());
        assertEquals("image/png", byFile.get("002.png").contentType());
        assertTrue(frames.stream().allMatch(FrameEvent::faceCrop), "face crops unless --whole-frames");
        assertTrue(frames.stream().allMatch(f -> f.sourceId().equals(source)));

        Set<String> printed = r.out().lines().collect(Collectors.toSet());
        assertEquals(frames.stream().map(f -> f.frameId() + "\t" + f.frameId().substring(9))
                .collect(Collectors.toSet()), printed, "frameId TAB file, one line per published frame");
        assertTrue(r.err().contains("skipped 004-cut.jpg: TRUNCATED"), r.err());
        assertTrue(r.err().contains("skipped notes.txt: UNSUPPORTED_FORMAT"), r.err());
        assertTrue(r.err().contains("skipped 005-gone.jpg: cannot read it: NoSuchFileException"), r.err());
        assertTrue(r.err().contains("skipped sub/: a folder"), r.err());
        assertFalse(r.err().contains(".hidden"), r.err());
        assertTrue(r.err().contains("frames 7/7 100%"), r.err());
        assertTrue(r.err().contains("published 3 frames to faces.frames from source " + source + ", skipped 4"),
                r.err());
    }

    @Test
    void wholeFramesAtAGivenRate(@KafkaExtension.Bootstrap String bootstrap, @TempDir Path dir) throws IOException {
        for (int i = 0; i < 5; i++) {
            Files.write(dir.resolve("f" + i + ".jpg"), TestImages.jpeg(32, new Color(40 * i, 80, 120)));
        }
        String source = unique("door");

        long start = System.nanoTime();
        Cli.Result r = Cli.run("publish", "frames", dir.toString(), "--source", source, "--whole-frames",
                "--rate", "20/s", "--bootstrap-servers", bootstrap);
        double seconds = (System.nanoTime() - start) / 1e9;

        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(seconds >= 0.2, "5 frames at 20/s take at least 4 gaps of 50 ms, took " + seconds + " s");
        List<FrameEvent> frames = frames(source, 5);
        assertEquals(5, frames.size());
        assertTrue(frames.stream().noneMatch(FrameEvent::faceCrop));
        assertEquals(List.of("f0.jpg", "f1.jpg", "f2.jpg", "f3.jpg", "f4.jpg"),
                frames.stream().map(f -> f.frameId().substring(9)).toList(), "one source keeps file order");
        long[] times = frames.stream().mapToLong(FrameEvent::capturedAtMs).toArray();
        assertTrue(times[4] - times[0] >= 150, "capture times follow the pace: " + Arrays.toString(times));
    }

    @Test
    void enrollmentsAreKeyedByPersonWithContentIds(@KafkaExtension.Bootstrap String bootstrap, @TempDir Path dir)
            throws IOException {
        String ada = unique("Ada_Lovelace");
        String bob = unique("Bob");
        byte[] ada1 = TestImages.jpeg(40, Color.ORANGE);
        byte[] ada2 = TestImages.png(40, Color.PINK);
        byte[] bob1 = TestImages.jpeg(40, Color.CYAN);
        Files.createDirectories(dir.resolve(ada));
        Files.createDirectories(dir.resolve(bob));
        Files.write(dir.resolve(ada).resolve("1.jpg"), ada1);
        Files.write(dir.resolve(ada).resolve("2.png"), ada2);
        Files.write(dir.resolve(bob).resolve("1.jpg"), bob1);
        Files.write(dir.resolve("loose.jpg"), bob1);

        Cli.Result first = Cli.run("publish", "enrollments", dir.toString(), "--bootstrap-servers", bootstrap);
        Cli.Result again = Cli.run("publish", "enrollments", dir.toString(), "--bootstrap-servers", bootstrap);

        assertEquals(ExitCodes.PARTIAL, first.exitCode(), first.toString());
        assertTrue(first.err().contains("skipped loose.jpg: not in a person's folder"), first.err());
        List<ConsumerRecord<String, EnrollmentEvent>> records = TestClients.read(Topics.ENROLLMENTS.name(),
                new StringDeserializer(), Topics.ENROLLMENTS.valueSerde().deserializer(),
                rec -> rec.key().equals(ada) || rec.key().equals(bob), 6, READ_TIMEOUT);
        assertEquals(6, records.size());
        for (ConsumerRecord<String, EnrollmentEvent> rec : records) {
            EnrollmentEvent e = rec.value();
            assertEquals(rec.key(), e.subject(), "key = person");
            assertEquals(Sha256.of(e.image()).substring(0, 20), e.enrollmentId(), "id from the image's digest");
            assertTrue(e.faceCrop());
        }
        assertEquals(Set.of(Sha256.of(ada1), Sha256.of(ada2)), records.stream()
                .filter(rec -> rec.key().equals(ada)).map(rec -> Sha256.of(rec.value().image()))
                .collect(Collectors.toSet()));
        assertEquals(first.out().lines().sorted().toList(), again.out().lines().sorted().toList(),
                "publishing again gives the same enrollment ids");
        assertTrue(first.out().contains(Sha256.of(bob1).substring(0, 20) + "\t" + bob + "/1.jpg"), first.out());
    }

    @Test
    void enrollmentsOfRealFaces(@KafkaExtension.Bootstrap String bootstrap, @TempDir Path dir) throws IOException {
        Path faces = Path.of(System.getProperty("facestream.faces.dir", "../../shared/data/lfw112"), "train");
        Assumptions.assumeTrue(Files.isDirectory(faces), "no LFW face crops at " + faces + ": test skipped");
        List<String> people = List.of("Aaron_Peirsol", "Abdoulaye_Wade", "Adam_Sandler");
        for (String person : people) {
            Assumptions.assumeTrue(Files.isDirectory(faces.resolve(person)), person + " is not in " + faces);
            Files.createSymbolicLink(dir.resolve(person), faces.resolve(person).toAbsolutePath());
        }
        long images = 0;
        for (String person : people) {
            try (Stream<Path> files = Files.list(faces.resolve(person))) {
                images += files.count();
            }
        }

        Cli.Result r = Cli.run("publish", "enrollments", dir.toString(), "--bootstrap-servers", bootstrap);

        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(images, r.out().lines().count(), r.out());
        assertTrue(r.out().lines().allMatch(l -> people.stream().anyMatch(p -> l.contains("\t" + p + "/"))));
    }

    @Test
    void everyNthFrameOfAVideo(@KafkaExtension.Bootstrap String bootstrap, @TempDir Path dir) throws IOException {
        Path video = dir.resolve("clip.mp4");
        Color[] colors = new Color[10];
        AWTSequenceEncoder encoder = AWTSequenceEncoder.createSequenceEncoder(video.toFile(), 10);
        for (int i = 0; i < colors.length; i++) {
            colors[i] = new Color(25 * i, 90, 230 - 20 * i);
            encoder.encodeImage(TestImages.picture(64, 48, colors[i]));
        }
        encoder.finish();
        String source = unique("video");

        Cli.Result r = Cli.run("publish", "video", video.toString(), "--source", source, "--frame-step", "3",
                "--bootstrap-servers", bootstrap);

        assertEquals(0, r.exitCode(), r.toString());
        List<FrameEvent> frames = frames(source, 4);
        assertEquals(4, frames.size(), "frames 0, 3, 6 and 9 of 10");
        for (int k = 0; k < 4; k++) {
            FrameEvent f = frames.get(k);
            int number = 3 * k;
            assertTrue(f.frameId().endsWith("-clip.mp4-" + String.format("%06d", number)), f.frameId());
            assertFalse(f.faceCrop(), "a video's frames are whole frames");
            assertEquals("image/jpeg", f.contentType());
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(f.image()));
            assertEquals(64, image.getWidth());
            assertEquals(48, image.getHeight());
            // H.264 and JPEG are lossy: the corner keeps the frame's colour within a small distance
            Color corner = new Color(image.getRGB(2, 2));
            Color expected = colors[number];
            assertTrue(Math.abs(corner.getRed() - expected.getRed()) < 30
                    && Math.abs(corner.getBlue() - expected.getBlue()) < 30, "frame " + number + ": " + corner
                    + " vs " + expected);
        }
        assertEquals(300.0, frames.get(1).capturedAtMs() - frames.get(0).capturedAtMs(), 1.0,
                "capture times follow the video's: 3 frames at 10 a second apart");
        assertTrue(r.out().contains("\tclip.mp4#9"), r.out());
    }

    /**
     * A video with B-frames, as cameras and x264 make them (decoding order differs from display order), 64x40 (not a
     * multiple of H.264's 16-pixel macroblocks, so the decoded picture is cropped). Frame n is one flat colour with
     * red = 10 n. Made with FFmpeg 5.1 (libx264):
     * {@code ffmpeg -f lavfi -i "color=c=black:s=64x40:r=25:d=0.8" -vf "geq=r='N*10':g='128':b='255-N*10'"
     * -c:v libx264 -pix_fmt yuv420p -g 10 -x264-params "bframes=3:b-pyramid=normal" ramp-bframes-64x40.mp4}
     */
    @Test
    void framesOfAVideoWithBFramesComeInDisplayOrder(@KafkaExtension.Bootstrap String bootstrap, @TempDir Path dir)
            throws IOException {
        Path video = dir.resolve("ramp.mp4");
        try (var in = PublishCommandsTest.class.getResourceAsStream("/ramp-bframes-64x40.mp4")) {
            Files.copy(in, video);
        }
        String source = unique("ramp");

        Cli.Result r = Cli.run("publish", "video", video.toString(), "--source", source,
                "--bootstrap-servers", bootstrap);

        assertEquals(0, r.exitCode(), r.toString());
        List<FrameEvent> frames = frames(source, 20);
        assertEquals(20, frames.size());
        for (int n = 0; n < 20; n++) {
            FrameEvent f = frames.get(n);
            assertTrue(f.frameId().endsWith(String.format("-%06d", n)), f.frameId());
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(f.image()));
            assertEquals(64, image.getWidth());
            assertEquals(40, image.getHeight());
            int red = new Color(image.getRGB(32, 20)).getRed();
            assertTrue(Math.abs(red - 10 * n) <= 8, "frame " + n + " has red " + red + ", expected about " + 10 * n);
        }
    }

    @Test
    void aFileThatIsNotAVideoIsRefused(@KafkaExtension.Bootstrap String bootstrap, @TempDir Path dir)
            throws IOException {
        Path notVideo = Files.write(dir.resolve("clip.mp4"), TestImages.jpeg(32, Color.RED));

        Cli.Result r = Cli.run("publish", "video", notVideo.toString(), "--source", "x",
                "--bootstrap-servers", bootstrap);

        assertEquals(ExitCodes.FAILED, r.exitCode(), r.toString());
        assertTrue(r.err().contains("JCodec cannot read it"), r.err());
    }

    @Test
    void anUnreachableBrokerEndsWithExitCodeThreeWithinTheTimeout(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("a.jpg"), TestImages.jpeg(32, Color.RED));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }

        long start = System.nanoTime();
        Cli.Result r = Cli.run("publish", "frames", dir.toString(), "--source", "cam", "--bootstrap-servers",
                "127.0.0.1:" + port, "--connect-timeout", "2");
        double seconds = (System.nanoTime() - start) / 1e9;

        assertEquals(ExitCodes.UNREACHABLE, r.exitCode(), r.toString());
        assertTrue(r.err().contains("Kafka at 127.0.0.1:" + port + " did not answer within 2 s"), r.err());
        assertTrue(seconds < 10, "gave up after " + seconds + " s");
        assertEquals("", r.out());
    }
}
