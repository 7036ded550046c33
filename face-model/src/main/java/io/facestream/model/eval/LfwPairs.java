package io.facestream.model.eval;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * LFW's pairs files (pairs.txt, pairsDevTrain.txt, pairsDevTest.txt) over a folder of images laid out as
 * {@code <root>/<name>/<name>_<NNNN>.jpg}.
 *
 * <p>Format: the first line is either {@code N} (one set) or {@code S N} (S sets, as pairs.txt's "10 300"); then
 * each set has N matched lines {@code name<TAB>i<TAB>j} followed by N mismatched lines
 * {@code name1<TAB>i<TAB>name2<TAB>j}, where i and j are the images' 1-based numbers. The structure is checked line
 * by line (a matched line where a mismatched one belongs is an error), as is the existence of every image.
 */
public final class LfwPairs implements PairsSet {

    private final String name;
    private final List<ImagePair> pairs;
    private final List<Path> images;
    private final Set<String> people;
    private final int sets;

    private LfwPairs(String name, List<ImagePair> pairs, List<Path> images, Set<String> people, int sets) {
        this.name = name;
        this.pairs = List.copyOf(pairs);
        this.images = List.copyOf(images);
        this.people = Collections.unmodifiableSet(people);
        this.sets = sets;
    }

    /** LFW's file name for image number (1-based) of a person. */
    public static Path imagePath(Path root, String person, int number) {
        return root.resolve(person).resolve(String.format(Locale.ROOT, "%s_%04d.jpg", person, number));
    }

    /**
     * Reads and checks a pairs file.
     *
     * @param pairsFile the pairs file
     * @param imageRoot the folder holding one sub-folder per person
     * @throws PairsFileException for a malformed file (with the line) or an image that does not exist
     */
    public static LfwPairs read(Path pairsFile, Path imageRoot) throws IOException {
        List<String> lines = Files.readAllLines(pairsFile, StandardCharsets.UTF_8);
        int last = lines.size();
        while (last > 0 && lines.get(last - 1).isBlank()) {
            last--;
        }
        if (last == 0) {
            throw new PairsFileException(pairsFile, 0, "the file is empty");
        }
        String[] header = lines.get(0).trim().split("\\s+");
        if (header.length > 2) {
            throw new PairsFileException(pairsFile, 1, "the header must be 'N' or 'sets N', got '"
                    + lines.get(0).trim() + "'");
        }
        int sets = header.length == 2 ? positive(pairsFile, 1, header[0], "number of sets") : 1;
        int perSide = positive(pairsFile, 1, header[header.length - 1], "number of pairs of each kind");
        long expected = 2L * sets * perSide;
        if (last - 1 != expected) {
            throw new PairsFileException(pairsFile, 0, "the header announces " + sets + " set(s) of " + perSide
                    + " matched and " + perSide + " mismatched pairs, " + expected + " pair lines, but "
                    + (last - 1) + " follow it");
        }

        Map<Path, Integer> imageIndex = new HashMap<>();
        Map<Path, Integer> firstLine = new HashMap<>();
        List<Path> images = new ArrayList<>();
        List<ImagePair> pairs = new ArrayList<>();
        Set<String> people = new LinkedHashSet<>();
        for (int lineNo = 2; lineNo <= last; lineNo++) {
            String line = lines.get(lineNo - 1).trim();
            int position = (lineNo - 2) % (2 * perSide);
            boolean matched = position < perSide;
            if (line.isEmpty()) {
                throw new PairsFileException(pairsFile, lineNo, "blank line inside the pairs");
            }
            String[] f = line.split("\\s+");
            String expectedForm = matched ? "a matched pair 'name<TAB>i<TAB>j'"
                    : "a mismatched pair 'name1<TAB>i<TAB>name2<TAB>j'";
            if (f.length != (matched ? 3 : 4)) {
                throw new PairsFileException(pairsFile, lineNo, "expected " + expectedForm + " (each set has "
                        + perSide + " matched lines, then " + perSide + " mismatched lines), got " + f.length
                        + " fields: '" + line + "'");
            }
            String person1 = personName(pairsFile, lineNo, f[0]);
            int number1 = positive(pairsFile, lineNo, f[1], "image number");
            String person2 = matched ? person1 : personName(pairsFile, lineNo, f[2]);
            int number2 = positive(pairsFile, lineNo, f[matched ? 2 : 3], "image number");
            if (matched && number1 == number2) {
                throw new PairsFileException(pairsFile, lineNo, "a matched pair of image " + number1
                        + " with itself");
            }
            if (!matched && person1.equals(person2)) {
                throw new PairsFileException(pairsFile, lineNo, "a mismatched pair names the same person twice: "
                        + person1);
            }
            people.add(person1);
            people.add(person2);
            int first = index(imagePath(imageRoot, person1, number1), lineNo, imageIndex, firstLine, images);
            int second = index(imagePath(imageRoot, person2, number2), lineNo, imageIndex, firstLine, images);
            pairs.add(new ImagePair(first, second, matched));
        }

        List<Path> missing = images.stream().filter(p -> !Files.isRegularFile(p)).toList();
        if (!missing.isEmpty()) {
            Path first = missing.get(0);
            throw new PairsFileException(pairsFile, firstLine.get(first), "image " + first + " does not exist"
                    + (missing.size() > 1 ? " (" + missing.size() + " of the " + images.size()
                    + " images are missing)" : "") + "; images are read from " + imageRoot);
        }
        return new LfwPairs(pairsFile.getFileName().toString(), pairs, images, people, sets);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<ImagePair> pairs() {
        return pairs;
    }

    @Override
    public int imageCount() {
        return images.size();
    }

    @Override
    public String imageLabel(int image) {
        return images.get(image).toString();
    }

    @Override
    public byte[] readImage(int image) throws IOException {
        return Files.readAllBytes(images.get(image));
    }

    public Path imagePath(int image) {
        return images.get(image);
    }

    /** Everyone named in the file, to hold out of training. */
    public Set<String> people() {
        return people;
    }

    /** The number of sets the header announced (10 for pairs.txt, 1 for the View 1 files). */
    public int sets() {
        return sets;
    }

    private static int index(Path image, int lineNo, Map<Path, Integer> imageIndex, Map<Path, Integer> firstLine,
                             List<Path> images) {
        Integer known = imageIndex.get(image);
        if (known != null) {
            return known;
        }
        imageIndex.put(image, images.size());
        firstLine.put(image, lineNo);
        images.add(image);
        return images.size() - 1;
    }

    private static String personName(Path file, int lineNo, String name) throws PairsFileException {
        // a name becomes a folder name: nothing that could leave the image root
        if (name.contains("/") || name.contains("\\") || name.equals(".") || name.equals("..")) {
            throw new PairsFileException(file, lineNo, "'" + name + "' is not a person's name");
        }
        return name;
    }

    private static int positive(Path file, int lineNo, String text, String what) throws PairsFileException {
        try {
            int value = Integer.parseInt(text);
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new PairsFileException(file, lineNo, what + " must be a positive integer, got '" + text + "'");
    }
}
