package io.facestream.cli;

import io.facestream.events.Topics;
import io.facestream.events.domain.EnrollmentEvent;
import io.facestream.events.domain.GalleryKeys;
import io.facestream.events.domain.Sha256;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** A folder of people's folders as enrollments. */
@Command(name = "enrollments", sortOptions = false,
        description = {"Publish a folder of people's folders (DIR/<person>/<images>) as EnrollmentEvents on "
                + "faces.enrollments (key: the person, the folder's name). The enrollment id is taken from the "
                + "image's SHA-256, so publishing the same folder again does not count an image twice in a "
                + "gallery. Prints \"enrollmentId<TAB>person/file\" for each image Kafka has acknowledged."})
final class PublishEnrollmentsCommand implements Callable<Integer> {

    /** Hex digits of the image's SHA-256 that make its enrollment id. */
    private static final int ID_HEX_DIGITS = 20;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "A folder holding one folder of images per person.")
    Path dir;

    @Option(names = "--rate", paramLabel = "N/s", converter = Rate.Converter.class,
            description = "Images a second, e.g. 10/s (default: as fast as Kafka takes them).")
    Rate rate;

    @Option(names = "--whole-frames",
            description = "The images are whole pictures: the embedder detects the face (faceCrop=false). "
                    + "Default: each image is an aligned face crop (faceCrop=true).")
    boolean wholeFrames;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    Progress.Options progressOptions;

    /** One entry of DIR or of a person's folder. */
    private record Entry(String person, Path path, String shownAs) {
    }

    @Override
    public Integer call() {
        if (!Files.isDirectory(dir)) {
            throw new ParameterException(spec.commandLine(), Files.exists(dir)
                    ? "DIR " + dir + " is not a folder" : "DIR " + dir + " does not exist");
        }
        List<Entry> entries = new ArrayList<>();
        for (Path top : ImageFiles.list(dir)) {
            String name = top.getFileName().toString();
            if (!Files.isDirectory(top)) {
                entries.add(new Entry(null, top, name));
                continue;
            }
            for (Path file : ImageFiles.list(top)) {
                entries.add(new Entry(name, file, name + "/" + file.getFileName()));
            }
        }
        if (entries.isEmpty()) {
            throw new CliException(ExitCodes.FAILED, "no person folders with files in " + dir);
        }
        kafka.requireTopic(Topics.ENROLLMENTS);
        ImageFiles images = new ImageFiles(Topics.ENROLLMENTS.maxMessageBytes());
        Progress progress = new Progress(progressOptions.mode, FacestreamCli.of(spec).errIsTerminal(),
                spec.commandLine().getErr(), "enrollments", entries.size());
        try (KafkaProducer<String, byte[]> producer = kafka.producer(Topics.ENROLLMENTS)) {
            Publisher publisher = new Publisher(producer, rate, progress, spec.commandLine().getOut());
            for (Entry entry : entries) {
                String refusal = refusal(entry);
                if (refusal != null) {
                    publisher.skip(entry.shownAs(), refusal);
                    continue;
                }
                ImageFiles.Image image;
                try {
                    image = images.read(entry.path());
                } catch (ImageFiles.Unusable e) {
                    publisher.skip(entry.shownAs(), e.getMessage());
                    continue;
                }
                publisher.awaitTurn();
                EnrollmentEvent enrollment = new EnrollmentEvent(
                        Sha256.of(image.bytes()).substring(0, ID_HEX_DIGITS), entry.person(),
                        System.currentTimeMillis(), image.contentType(), !wholeFrames, image.bytes());
                publisher.send(Topics.ENROLLMENTS.name(), entry.person(),
                        Topics.ENROLLMENTS.valueSerde().serializer().serialize(Topics.ENROLLMENTS.name(), enrollment),
                        enrollment.enrollmentId(), entry.shownAs());
            }
            return publisher.finish("enrollments to " + Topics.ENROLLMENTS.name()).exitCode();
        }
    }

    /** Why an entry cannot be an enrollment, or null when it can be tried. */
    private static String refusal(Entry entry) {
        if (entry.person() == null) {
            return "not in a person's folder (DIR holds one folder per person)";
        }
        if (entry.person().isBlank() || entry.person().indexOf(GalleryKeys.SEPARATOR) >= 0) {
            return "the person's name (the folder's) must not be blank or contain '" + GalleryKeys.SEPARATOR + "'";
        }
        if (Files.isDirectory(entry.path())) {
            return "a folder inside a person's folder";
        }
        return null;
    }
}
