package io.facestream.trainer.data;

import io.facestream.model.image.ImageDecoder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * One folder per identity under a root, the folder name being the identity (LFW's and most face data sets'
 * layout): {@code root/<identity>/<any name>.jpg|.jpeg|.png}. Hidden entries and other files are ignored; folders
 * and files are listed in name order so the image list is stable.
 */
public final class ImageFolderSource implements LabelledImageSource {

    private final Path root;
    private final ImageDecoder decoder;

    public ImageFolderSource(Path root, ImageDecoder decoder) {
        if (root == null || decoder == null) {
            throw new IllegalArgumentException("a root folder and a decoder are required");
        }
        this.root = root;
        this.decoder = decoder;
    }

    @Override
    public String description() {
        return "image folders under " + root;
    }

    @Override
    public List<LabelledImage> images() throws IOException {
        if (!Files.isDirectory(root)) {
            throw new NoSuchFileException(root.toString(), null, "not a folder of identity folders");
        }
        List<LabelledImage> images = new ArrayList<>();
        for (Path identityDir : sortedEntries(root)) {
            if (!Files.isDirectory(identityDir) || hidden(identityDir)) {
                continue;
            }
            String identity = identityDir.getFileName().toString();
            for (Path file : sortedEntries(identityDir)) {
                if (Files.isRegularFile(file) && !hidden(file) && isImageName(file)) {
                    images.add(new LabelledImage(identity, file.toString(),
                            () -> decoder.decode(Files.readAllBytes(file))));
                }
            }
        }
        return images;
    }

    private static List<Path> sortedEntries(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.sorted().toList();
        }
    }

    private static boolean hidden(Path p) {
        return p.getFileName().toString().startsWith(".");
    }

    private static boolean isImageName(Path p) {
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".jpg") || name.endsWith(".jpeg") || name.endsWith(".png");
    }
}
