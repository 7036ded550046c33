package io.facestream.deploy;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * The end-to-end job's people: from a folder of identity folders (such as lfw112), or made up when none is given.
 * Each person's images are split into enrollment images (also the training data) and held-out probes; a few more
 * people are never enrolled, so their probes should come back "unknown".
 */
final class DemoData {

    record Image(String person, String name, String contentType, byte[] bytes) {
    }

    record Split(String description, List<Image> enrollments, List<Image> probes, List<String> enrolledPeople) {
    }

    private DemoData() {
    }

    /**
     * The {@code people} persons with the most images (at least {@code minImages}); each keeps
     * {@code probesPerPerson} images back as probes. {@code unknownPeople} further persons give probes only.
     */
    static Split fromFolder(Path folder, int people, int unknownPeople, int minImages, int probesPerPerson,
                            int maxImagesPerPerson) throws IOException {
        Path root = Files.isDirectory(folder.resolve("train")) ? folder.resolve("train") : folder;
        List<Path> persons;
        try (Stream<Path> dirs = Files.list(root)) {
            persons = dirs.filter(Files::isDirectory).sorted().toList();
        }
        List<List<Path>> withImages = new ArrayList<>();
        for (Path p : persons) {
            List<Path> images = images(p);
            if (images.size() >= minImages) {
                withImages.add(images);
            }
        }
        if (withImages.size() < people + unknownPeople) {
            throw new IllegalArgumentException(root + " has " + withImages.size() + " people with " + minImages
                    + " or more images; the job needs " + (people + unknownPeople));
        }
        // the people with the most images first (then by name, so the choice is stable)
        withImages.sort(Comparator.<List<Path>>comparingInt(List::size).reversed()
                .thenComparing(l -> l.get(0).getParent().getFileName().toString()));
        List<Image> enrollments = new ArrayList<>();
        List<Image> probes = new ArrayList<>();
        List<String> enrolled = new ArrayList<>();
        for (int i = 0; i < people + unknownPeople; i++) {
            List<Path> images = withImages.get(i);
            String person = images.get(0).getParent().getFileName().toString();
            boolean known = i < people;
            if (known) {
                enrolled.add(person);
            }
            int use = Math.min(images.size(), maxImagesPerPerson);
            for (int j = 0; j < use; j++) {
                Image image = read(person, images.get(j));
                if (!known) {
                    if (j < probesPerPerson) {
                        probes.add(image);
                    }
                } else if (j >= use - probesPerPerson) {
                    probes.add(image);
                } else {
                    enrollments.add(image);
                }
            }
        }
        return new Split("real face crops from " + root + " (" + people + " enrolled people, " + unknownPeople
                + " never enrolled)", enrollments, probes, enrolled);
    }

    private static List<Path> images(Path person) throws IOException {
        try (Stream<Path> files = Files.list(person)) {
            return files.filter(f -> {
                String n = f.getFileName().toString().toLowerCase();
                return n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png");
            }).sorted().toList();
        }
    }

    private static Image read(String person, Path file) throws IOException {
        String n = file.getFileName().toString().toLowerCase();
        return new Image(person, file.getFileName().toString(), n.endsWith(".png") ? "image/png" : "image/jpeg",
                Files.readAllBytes(file));
    }

    /**
     * Made-up identities for a machine without face data: each "person" is a fixed arrangement of coloured
     * ellipses; each image of them is shifted, turned, lit and noised differently. They are not faces; they exercise
     * the same path (training, conversion, embedding, matching) with data the job makes itself.
     */
    static Split synthetic(int people, int unknownPeople, int imagesPerPerson, int probesPerPerson, long seed) {
        Random random = new Random(seed);
        List<Image> enrollments = new ArrayList<>();
        List<Image> probes = new ArrayList<>();
        List<String> enrolled = new ArrayList<>();
        for (int i = 0; i < people + unknownPeople; i++) {
            String person = String.format("Pattern_%02d", i);
            long identity = random.nextLong();
            boolean known = i < people;
            if (known) {
                enrolled.add(person);
            }
            for (int j = 0; j < imagesPerPerson; j++) {
                Image image = new Image(person, person + "_" + j + ".png", "image/png",
                        render(identity, random.nextLong()));
                if (!known) {
                    if (j < probesPerPerson) {
                        probes.add(image);
                    }
                } else if (j >= imagesPerPerson - probesPerPerson) {
                    probes.add(image);
                } else {
                    enrollments.add(image);
                }
            }
        }
        return new Split("synthetic identities made by the job (coloured shape patterns, not faces; pass --faces DIR"
                + " for real face crops)", enrollments, probes, enrolled);
    }

    private static byte[] render(long identitySeed, long variationSeed) {
        Random identity = new Random(identitySeed);
        Random variation = new Random(variationSeed);
        int size = 112;
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        float light = 0.8f + 0.4f * variation.nextFloat();
        g.setColor(shade(new Color(identity.nextInt(0xFFFFFF)), light));
        g.fillRect(0, 0, size, size);
        g.translate(size / 2.0 + variation.nextGaussian() * 4, size / 2.0 + variation.nextGaussian() * 4);
        g.rotate(Math.toRadians(variation.nextGaussian() * 8));
        int shapes = 3 + identity.nextInt(3);
        for (int s = 0; s < shapes; s++) {
            g.setColor(shade(new Color(identity.nextInt(0xFFFFFF)), light));
            int w = 15 + identity.nextInt(40);
            int h = 15 + identity.nextInt(40);
            g.fillOval(identity.nextInt(70) - 45, identity.nextInt(70) - 45, w, h);
        }
        g.dispose();
        for (int n = 0; n < 400; n++) { // sensor noise
            int x = variation.nextInt(size);
            int y = variation.nextInt(size);
            image.setRGB(x, y, image.getRGB(x, y) ^ (variation.nextInt(0x3F) * 0x010101));
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Color shade(Color c, float light) {
        return new Color(Math.min(255, (int) (c.getRed() * light)), Math.min(255, (int) (c.getGreen() * light)),
                Math.min(255, (int) (c.getBlue() * light)));
    }
}
