package io.facestream.model.zoo;

import io.facestream.model.graph.ModelGraph;
import io.facestream.model.graph.ModelJson;
import io.facestream.model.graph.Shape;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The mobile family against ../shared/reference/backbones.md: every backbone's parameter count must equal the
 * reference's include_top=False column exactly.
 */
class MobileFamilyParameterCountTest {

    private static final List<String> FAMILY = List.of(
            "MobileNet", "MobileNetV2", "MobileNetV3Large", "MobileNetV3Small",
            "EfficientNetB0", "EfficientNetB1", "EfficientNetB2", "EfficientNetB3",
            "EfficientNetB4", "EfficientNetB5", "EfficientNetB6", "EfficientNetB7",
            "EfficientNetLite0", "EfficientNetLite1", "EfficientNetLite2", "EfficientNetLite3",
            "EfficientNetLite4", "EfficientNetLite5", "EfficientNetLite6",
            "MnasNetA1", "MnasNetB1", "MnasNetSmall", "MobileFaceNet");

    /**
     * The reference's EfficientNet B-series counts include Keras' Normalization layer (mean 3, variance 3, count 1).
     * Our preprocessing normalises outside the network, so our B-series has 7 parameters fewer.
     */
    private static final long KERAS_NORMALIZATION_PARAMETERS = 7;

    /** No Keras reference exists; this is the count MobileFaceNet.java documents at 112x112 (paper: 0.99M). */
    private static final long MOBILE_FACE_NET_PARAMETERS = 1_022_720;

    private static final String REFERENCE = "shared/reference/backbones.md";
    private static final String COUNT_COLUMN = "include_top=False";

    static Stream<String> family() {
        return FAMILY.stream();
    }

    @Test
    void registersExactlyTheFamilyNames() {
        Map<String, Backbone> registered = new LinkedHashMap<>();
        MobileFamily.register(registered);
        assertEquals(FAMILY, new ArrayList<>(registered.keySet()));
        assertTrue(BackboneZoo.names().containsAll(FAMILY));
    }

    @TestFactory
    Stream<DynamicTest> parameterCountsMatchTheReference() throws IOException {
        Optional<Path> reference = findReference();
        assumeTrue(reference.isPresent(), "skipped: " + REFERENCE + " not found (looked beside facestream.faces.dir "
                + "and above " + Path.of("").toAbsolutePath() + ")");
        Map<String, Long> counts = readCounts(reference.get());
        List<String> missing = FAMILY.stream()
                .filter(n -> !n.equals("MobileFaceNet") && !counts.containsKey(n)).toList();
        assertTrue(missing.isEmpty(), "no include_top=False count in " + reference.get() + " for " + missing);

        return FAMILY.stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            long expected;
            if (name.equals("MobileFaceNet")) {
                expected = MOBILE_FACE_NET_PARAMETERS;
            } else if (name.startsWith("EfficientNetB")) {
                expected = counts.get(name) - KERAS_NORMALIZATION_PARAMETERS;
            } else {
                expected = counts.get(name);
            }
            int size = name.equals("MobileFaceNet") ? 112 : 224;
            ModelGraph graph = BackboneZoo.backboneOnly(name, size, BackboneOptions.DEFAULT);
            assertEquals(expected, graph.parameterCount(), name + " parameters");
        }));
    }

    @Test
    void mobileNetV2At112EndsInA4x4x1280Map() {
        ModelGraph graph = BackboneZoo.backboneOnly("MobileNetV2", 112, BackboneOptions.DEFAULT);
        assertEquals(Shape.of(4, 4, 1280), graph.outputShape());
    }

    @Test
    void mobileFaceNetGlobalDepthwiseConvCoversTheFinalMap() {
        assertEquals(Shape.of(1, 1, 128),
                BackboneZoo.backboneOnly("MobileFaceNet", 112, BackboneOptions.DEFAULT).outputShape());
        assertEquals(Shape.of(7, 7, 512, 1), gdconvKernel(112));
        assertEquals(Shape.of(1, 1, 128),
                BackboneZoo.backboneOnly("MobileFaceNet", 128, BackboneOptions.DEFAULT).outputShape());
        assertEquals(Shape.of(8, 8, 512, 1), gdconvKernel(128));
    }

    /** Small widths build at 112x112 and end in the channel count Keras' rounding gives. */
    @ParameterizedTest(name = "{0} alpha {1}")
    @CsvSource({
            "MobileNet, 0.25, 3, 256",
            "MobileNetV2, 0.35, 4, 1280",
            "MobileNetV3Large, 0.75, 4, 1280",
            "MobileNetV3Small, 0.75, 4, 1024",
            "EfficientNetB0, 0.5, 4, 640",
            "EfficientNetLite0, 0.5, 4, 1280",
            "MnasNetA1, 0.5, 4, 160",
            "MnasNetSmall, 0.5, 4, 72"})
    void smallAlphaBuildsAt112(String name, double alpha, int side, int channels) {
        ModelGraph graph = BackboneZoo.backboneOnly(name, 112, new BackboneOptions(alpha));
        assertEquals(Shape.of(side, side, channels), graph.outputShape());
        assertTrue(graph.parameterCount() < BackboneZoo.backboneOnly(name, 112, BackboneOptions.DEFAULT)
                .parameterCount(), name + " at alpha " + alpha + " should be smaller than at 1.0");
    }

    @Test
    void mobileFaceNetHasNoWidthMultiplier() {
        assertThrows(IllegalArgumentException.class,
                () -> BackboneZoo.backboneOnly("MobileFaceNet", 112, new BackboneOptions(0.5)));
    }

    @Test
    void weightNamesFollowKeras() {
        ModelGraph v2 = BackboneZoo.backboneOnly("MobileNetV2", 112, BackboneOptions.DEFAULT);
        assertEquals(Shape.of(3, 3, 3, 32), weightShape(v2, "Conv1", "kernel"));
        assertEquals(Shape.of(32), weightShape(v2, "bn_Conv1", "moving_variance"));
        assertEquals(Shape.of(1, 1, 16, 96), weightShape(v2, "block_1_expand", "kernel"));
        assertEquals(Shape.of(3, 3, 32, 1), weightShape(v2, "expanded_conv_depthwise", "depthwise_kernel"));
        ModelGraph v3 = BackboneZoo.backboneOnly("MobileNetV3Large", 112, BackboneOptions.DEFAULT);
        assertEquals(Shape.of(1280), weightShape(v3, "Conv_2", "bias"));
        assertEquals(Shape.of(1, 1, 72, 24), weightShape(v3, "expanded_conv_3_squeeze_excite_Conv", "kernel"));
        ModelGraph b0 = BackboneZoo.backboneOnly("EfficientNetB0", 112, BackboneOptions.DEFAULT);
        assertEquals(Shape.of(1, 1, 32, 8), weightShape(b0, "block1a_se_reduce", "kernel"));
        assertEquals(Shape.of(1, 1, 320, 1280), weightShape(b0, "top_conv", "kernel"));
    }

    @ParameterizedTest
    @MethodSource("family")
    void jsonRoundTripGivesAnEqualGraph(String name) {
        ModelGraph graph = BackboneZoo.backboneOnly(name, 112, BackboneOptions.DEFAULT);
        String json = ModelJson.toJson(graph);
        ModelGraph back = ModelJson.fromJson(json);
        assertEquals(graph, back);
        assertEquals(graph.parameterCount(), back.parameterCount());
        assertEquals(json, ModelJson.toJson(back));
    }

    @Test
    void referenceTableParsing() {
        String table = """
                | backbone | include_top=False | include_top=True (1000 classes) | notes |
                |---|---:|---:|---|
                | A | 1,234 | 2,234 | x |
                | B | - | - | none |
                """;
        Map<String, Long> counts = parseCounts(table.lines().toList());
        assertEquals(Map.of("A", 1234L), counts);
        assertFalse(counts.containsKey("B"));
    }

    private static Shape gdconvKernel(int inputSize) {
        return weightShape(BackboneZoo.backboneOnly("MobileFaceNet", inputSize, BackboneOptions.DEFAULT), "gdconv",
                "depthwise_kernel");
    }

    private static Shape weightShape(ModelGraph graph, String node, String weight) {
        return graph.weights().stream()
                .filter(w -> w.node().equals(node) && w.name().equals(weight))
                .findFirst().orElseThrow(() -> new AssertionError("no weight " + node + "/" + weight))
                .shape();
    }

    // ---- the reference file ------------------------------------------------------------------------------------

    /** facestream.faces.dir is shared/data/lfw112: the reference sits at ../../reference/backbones.md from it. */
    private static Optional<Path> findReference() {
        String facesDir = System.getProperty("facestream.faces.dir");
        if (facesDir != null) {
            Path p = Path.of(facesDir).resolve("../../reference/backbones.md").normalize();
            if (Files.isRegularFile(p)) {
                return Optional.of(p);
            }
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path p = dir.resolve(REFERENCE);
            if (Files.isRegularFile(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static Map<String, Long> readCounts(Path reference) throws IOException {
        Map<String, Long> counts = parseCounts(Files.readAllLines(reference));
        assertFalse(counts.isEmpty(), "no count table found in " + reference);
        return counts;
    }

    /** Rows of the first markdown table whose header has an include_top=False column; "-" means no count. */
    static Map<String, Long> parseCounts(List<String> lines) {
        Map<String, Long> counts = new LinkedHashMap<>();
        int column = -1;
        for (String line : lines) {
            if (!line.startsWith("|")) {
                if (column >= 0 && !counts.isEmpty()) {
                    break;
                }
                continue;
            }
            List<String> cells = cells(line);
            if (column < 0) {
                column = cells.indexOf(COUNT_COLUMN);
                continue;
            }
            if (cells.get(0).startsWith("---") || column >= cells.size()) {
                continue;
            }
            String value = cells.get(column);
            if (!value.equals("-")) {
                counts.put(cells.get(0), Long.parseLong(value.replace(",", "")));
            }
        }
        return counts;
    }

    private static List<String> cells(String line) {
        String inner = line.strip();
        inner = inner.substring(1, inner.endsWith("|") ? inner.length() - 1 : inner.length());
        List<String> cells = new ArrayList<>();
        for (String cell : inner.split("\\|", -1)) {
            cells.add(cell.strip());
        }
        return cells;
    }
}
