package io.facestream.model.eval;

import net.razorvine.pickle.Unpickler;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The insightface / arcface-tf2 verification sets ({@code lfw.bin}, {@code cfp_fp.bin}, {@code agedb_30.bin}, ...):
 * a Python pickle of a pair {@code (bins, issame_list)}, where bins holds 2 * P encoded JPEG or PNG images and
 * issame_list P booleans; pair k is images 2k and 2k + 1. Written by Python 2 the images are {@code str} objects,
 * which the unpickler returns as strings of chars 0-255 (turned back into the same bytes here); written by
 * Python 3 they are {@code bytes}. Images with identical bytes are kept once, so each is embedded once.
 */
public final class BinPairs implements PairsSet {

    private final String name;
    private final List<ImagePair> pairs;
    private final List<byte[]> images;
    private final int[] firstItem;

    private BinPairs(String name, List<ImagePair> pairs, List<byte[]> images, int[] firstItem) {
        this.name = name;
        this.pairs = List.copyOf(pairs);
        this.images = List.copyOf(images);
        this.firstItem = firstItem;
    }

    public static BinPairs read(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            return read(in, file);
        }
    }

    /** Reads from a stream; file names the source in messages and reports. */
    public static BinPairs read(InputStream in, Path file) throws IOException {
        Object root;
        Unpickler unpickler = new Unpickler();
        try {
            root = unpickler.load(in);
        } catch (IOException | RuntimeException e) {
            // a cut file ends in "premature end of file"; garbage gives opcode errors or assorted runtime exceptions
            throw new PairsFileException(file, 0, "not a readable pickle: " + e.getMessage(), e);
        } finally {
            unpickler.close();
        }
        List<?> top = asList(root);
        if (top == null || top.size() != 2) {
            throw new PairsFileException(file, 0, "expected a pickled pair (images, issame), got " + describe(root));
        }
        List<?> bins = asList(top.get(0));
        List<?> issame = asList(top.get(1));
        if (bins == null || issame == null) {
            throw new PairsFileException(file, 0, "expected (list of images, list of booleans), got ("
                    + describe(top.get(0)) + ", " + describe(top.get(1)) + ")");
        }
        if (issame.isEmpty()) {
            throw new PairsFileException(file, 0, "the issame list is empty");
        }
        if (bins.size() != 2 * issame.size()) {
            throw new PairsFileException(file, 0, issame.size() + " pairs need " + 2 * issame.size()
                    + " images, the file has " + bins.size());
        }

        Map<ByteBuffer, Integer> index = new HashMap<>();
        List<byte[]> images = new ArrayList<>();
        List<Integer> firstItem = new ArrayList<>();
        int[] itemImage = new int[bins.size()];
        for (int item = 0; item < bins.size(); item++) {
            byte[] bytes = imageBytes(file, item, bins.get(item));
            Integer known = index.putIfAbsent(ByteBuffer.wrap(bytes), images.size());
            if (known == null) {
                itemImage[item] = images.size();
                images.add(bytes);
                firstItem.add(item);
            } else {
                itemImage[item] = known;
            }
        }
        List<ImagePair> pairs = new ArrayList<>(issame.size());
        for (int k = 0; k < issame.size(); k++) {
            if (!(issame.get(k) instanceof Boolean same)) {
                throw new PairsFileException(file, 0, "issame item " + k + " is " + describe(issame.get(k))
                        + ", expected a bool");
            }
            pairs.add(new ImagePair(itemImage[2 * k], itemImage[2 * k + 1], same));
        }
        return new BinPairs(file.getFileName().toString(), pairs, images,
                firstItem.stream().mapToInt(Integer::intValue).toArray());
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
        return name + " image item " + firstItem[image];
    }

    @Override
    public byte[] readImage(int image) {
        return images.get(image).clone();
    }

    private static byte[] imageBytes(Path file, int item, Object value) throws PairsFileException {
        if (value instanceof byte[] bytes) {
            return bytes;
        }
        if (value instanceof String text) {
            // a Python 2 str: one char per byte
            for (int i = 0; i < text.length(); i++) {
                if (text.charAt(i) > 0xFF) {
                    throw new PairsFileException(file, 0, "image item " + item + " is a text string, not bytes");
                }
            }
            return text.getBytes(StandardCharsets.ISO_8859_1);
        }
        throw new PairsFileException(file, 0, "image item " + item + " is " + describe(value)
                + ", expected encoded image bytes");
    }

    private static List<?> asList(Object value) {
        if (value instanceof Object[] tuple) {
            return Arrays.asList(tuple);
        }
        return value instanceof List<?> list ? list : null;
    }

    private static String describe(Object value) {
        return value == null ? "None" : "a " + value.getClass().getName();
    }
}
