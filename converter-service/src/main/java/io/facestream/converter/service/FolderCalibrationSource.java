package io.facestream.converter.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Face crops from a folder of identity folders ({@code <root>/<person>/<image>.jpg|.png}, LFW's and lfw112's layout;
 * images directly in the root count as one more person). Images are taken round-robin over the people in name
 * order, first image of everyone, then second, and so on, so a small sample covers many people.
 */
public final class FolderCalibrationSource implements CalibrationSource {

    private final Path root;
    private final long maxImageBytes;

    public FolderCalibrationSource(Path root, long maxImageBytes) {
        this.root = root;
        this.maxImageBytes = maxImageBytes;
    }

    @Override
    public List<byte[]> images(int count) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IOException("calibration folder " + root + " does not exist (converter.calibration-dir)");
        }
        List<List<Path>> people = new ArrayList<>();
        List<Path> loose = imagesIn(root);
        if (!loose.isEmpty()) {
            people.add(loose);
        }
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                List<Path> images = imagesIn(dir);
                if (!images.isEmpty()) {
                    people.add(images);
                }
            }
        }
        List<byte[]> out = new ArrayList<>();
        for (int round = 0; out.size() < count; round++) {
            boolean any = false;
            for (List<Path> images : people) {
                if (round < images.size() && out.size() < count) {
                    any = true;
                    Path file = images.get(round);
                    if (Files.size(file) <= maxImageBytes) {
                        out.add(Files.readAllBytes(file));
                    }
                }
            }
            if (!any) {
                break;
            }
        }
        return out;
    }

    private static List<Path> imagesIn(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).filter(FolderCalibrationSource::isImage).sorted().toList();
        }
    }

    private static boolean isImage(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".jpg") || name.endsWith(".jpeg") || name.endsWith(".png");
    }

    @Override
    public String description() {
        return "the identity folders of " + root;
    }
}
