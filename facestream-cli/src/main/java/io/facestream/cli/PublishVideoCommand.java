package io.facestream.cli;

import io.facestream.events.Topics;
import io.facestream.events.domain.FrameEvent;
import org.apache.kafka.clients.producer.KafkaProducer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.Callable;

/** A video's frames as probe frames. */
@Command(name = "video", sortOptions = false,
        description = {"Publish the frames of a video file (H.264 in MP4, decoded in pure Java by JCodec) as JPEG "
                + "FrameEvents on faces.frames (key: the source id). They are whole frames (faceCrop=false): the "
                + "embedder finds the faces. Prints \"frameId<TAB>file#frame\" for each frame Kafka has "
                + "acknowledged."})
final class PublishVideoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The video file.")
    Path file;

    @Option(names = "--source", required = true, paramLabel = "ID", description = "The source (camera) id.")
    String source;

    @Option(names = "--frame-step", paramLabel = "N", defaultValue = "1",
            description = "Publish every N-th frame (default: ${DEFAULT-VALUE}, every frame).")
    int frameStep;

    @Option(names = "--rate", paramLabel = "N/s", converter = Rate.Converter.class,
            description = "Frames a second, e.g. 10/s (default: as fast as they are decoded).")
    Rate rate;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    Progress.Options progressOptions;

    @Override
    public Integer call() throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new ParameterException(spec.commandLine(), Files.exists(file)
                    ? "FILE " + file + " is not a file" : "FILE " + file + " does not exist");
        }
        if (frameStep < 1) {
            throw new ParameterException(spec.commandLine(), "--frame-step must be 1 or more, got " + frameStep);
        }
        if (source.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--source must not be blank");
        }
        VideoFrames video;
        try {
            video = new VideoFrames(file, frameStep);
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILED, file + ": " + e.getMessage(), e);
        }
        try (video) {
            kafka.requireTopic(Topics.FRAMES);
            String name = file.getFileName().toString();
            String run = UUID.randomUUID().toString().substring(0, 8);
            long startMs = System.currentTimeMillis();
            int maxBytes = ImageFiles.maxImageBytes(Topics.FRAMES.maxMessageBytes());
            Progress progress = new Progress(progressOptions.mode, FacestreamCli.of(spec).errIsTerminal(),
                    spec.commandLine().getErr(), "frames", video.framesToKeep());
            try (KafkaProducer<String, byte[]> producer = kafka.producer(Topics.FRAMES)) {
                Publisher publisher = new Publisher(producer, rate, progress, spec.commandLine().getOut());
                VideoFrames.Frame frame;
                while ((frame = nextFrame(video, publisher, name)) != null) {
                    if (frame.jpeg().length > maxBytes) {
                        publisher.skip(name + "#" + frame.number(), "its JPEG is " + Text.bytes(frame.jpeg().length)
                                + ", too large for " + Topics.FRAMES.name());
                        continue;
                    }
                    publisher.awaitTurn();
                    // the frame's time in the video, counted from when publishing started
                    FrameEvent event = new FrameEvent(String.format("%s-%s-%06d", run, name, frame.number()), source,
                            startMs + Math.round(frame.seconds() * 1000), "image/jpeg", false, frame.jpeg());
                    publisher.send(Topics.FRAMES.name(), source,
                            Topics.FRAMES.valueSerde().serializer().serialize(Topics.FRAMES.name(), event),
                            event.frameId(), name + "#" + frame.number());
                }
                return publisher.finish("frames of " + name + " to " + Topics.FRAMES.name() + " from source "
                        + source).exitCode();
            }
        }
    }

    /** The next frame; a decoding error ends the video, reported as a skipped rest. */
    private static VideoFrames.Frame nextFrame(VideoFrames video, Publisher publisher, String name) {
        try {
            return video.next();
        } catch (IOException e) {
            publisher.skip(name + " from there on", e.getMessage());
            return null;
        }
    }
}
