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

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;

/** Every image file of a folder as a probe frame. */
@Command(name = "frames", sortOptions = false,
        description = {"Publish every image (JPEG or PNG) directly in DIR, in file-name order, as a FrameEvent on "
                + "faces.frames (key: the source id). Each file is decoded first: one the embedder could not use is "
                + "listed with the reason and skipped. Prints \"frameId<TAB>file\" for each frame Kafka has "
                + "acknowledged."})
final class PublishFramesCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "A folder of images.")
    Path dir;

    @Option(names = "--source", required = true, paramLabel = "ID", description = "The source (camera) id.")
    String source;

    @Option(names = "--rate", paramLabel = "N/s", converter = Rate.Converter.class,
            description = "Frames a second, e.g. 10/s (default: as fast as Kafka takes them).")
    Rate rate;

    @Option(names = "--whole-frames",
            description = "The images are whole pictures: the embedder detects the faces (faceCrop=false). "
                    + "Default: each image is an aligned face crop (faceCrop=true).")
    boolean wholeFrames;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    Progress.Options progressOptions;

    @Override
    public Integer call() {
        if (!Files.isDirectory(dir)) {
            throw new ParameterException(spec.commandLine(), Files.exists(dir)
                    ? "DIR " + dir + " is not a folder" : "DIR " + dir + " does not exist");
        }
        if (source.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--source must not be blank");
        }
        List<Path> files = ImageFiles.list(dir);
        if (files.isEmpty()) {
            throw new CliException(ExitCodes.FAILED, "no files in " + dir);
        }
        kafka.requireTopic(Topics.FRAMES);
        ImageFiles images = new ImageFiles(Topics.FRAMES.maxMessageBytes());
        // frame ids must be unique per publication: the same file sent twice is two probes
        String run = UUID.randomUUID().toString().substring(0, 8);
        Progress progress = new Progress(progressOptions.mode, FacestreamCli.of(spec).errIsTerminal(),
                spec.commandLine().getErr(), "frames", files.size());
        try (KafkaProducer<String, byte[]> producer = kafka.producer(Topics.FRAMES)) {
            Publisher publisher = new Publisher(producer, rate, progress, spec.commandLine().getOut());
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (Files.isDirectory(file)) {
                    publisher.skip(name + "/", "a folder (publish frames reads only the files directly in DIR)");
                    continue;
                }
                ImageFiles.Image image;
                try {
                    image = images.read(file);
                } catch (ImageFiles.Unusable e) {
                    publisher.skip(name, e.getMessage());
                    continue;
                }
                publisher.awaitTurn();
                FrameEvent frame = new FrameEvent(run + "-" + name, source, System.currentTimeMillis(),
                        image.contentType(), !wholeFrames, image.bytes());
                publisher.send(Topics.FRAMES.name(), source,
                        Topics.FRAMES.valueSerde().serializer().serialize(Topics.FRAMES.name(), frame),
                        frame.frameId(), name);
            }
            return publisher.finish("frames to " + Topics.FRAMES.name() + " from source " + source).exitCode();
        }
    }
}
