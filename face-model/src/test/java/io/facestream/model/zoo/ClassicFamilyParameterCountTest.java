package io.facestream.model.zoo;

import io.facestream.model.graph.ModelGraph;
import io.facestream.model.graph.ModelJson;
import io.facestream.model.graph.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The classic backbones against tf.keras.applications: exact parameter counts from shared/reference/backbones.md
 * (column "include_top=False"), Keras' output shapes at the default input size, the 112x112 face input size, Keras
 * layer names, and the JSON round trip.
 */
class ClassicFamilyParameterCountTest {

    /**
     * One row per backbone: Keras' default input size, the feature map Keras outputs there, the feature map at
     * 112x112, and layer names that must exist (the names pretrained .h5 weights are stored under).
     */
    record Case(String name, int defaultSize, Shape defaultOutput, Shape faceOutput, List<String> kerasNames) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("ResNet50", 224, Shape.of(7, 7, 2048), Shape.of(4, 4, 2048),
                        List.of("conv1_conv", "conv2_block1_0_conv", "conv2_block1_1_bn", "conv5_block3_out")),
                new Case("ResNet50V2", 224, Shape.of(7, 7, 2048), Shape.of(4, 4, 2048),
                        List.of("conv1_conv", "conv2_block1_preact_bn", "conv4_block6_2_pad", "post_bn",
                                "post_relu")),
                new Case("ResNet101V2", 224, Shape.of(7, 7, 2048), Shape.of(4, 4, 2048),
                        List.of("conv1_conv", "conv4_block23_3_conv", "conv5_block3_out", "post_bn")),
                new Case("InceptionV3", 299, Shape.of(8, 8, 2048), Shape.of(2, 2, 2048),
                        List.of("conv2d_1", "batch_normalization_94", "conv2d_94", "mixed9_1", "mixed10")),
                new Case("InceptionResNetV2", 299, Shape.of(8, 8, 1536), Shape.of(2, 2, 1536),
                        List.of("conv2d_1", "conv2d_203", "batch_normalization_203", "mixed_5b", "block35_10_conv",
                                "block17_20", "block8_10", "conv_7b", "conv_7b_bn", "conv_7b_ac")),
                new Case("Xception", 299, Shape.of(10, 10, 2048), Shape.of(4, 4, 2048),
                        List.of("block1_conv1", "block1_conv1_bn", "conv2d_4", "batch_normalization_4",
                                "block12_sepconv3_bn", "block14_sepconv2_act")),
                new Case("NASNetMobile", 224, Shape.of(7, 7, 1056), Shape.of(4, 4, 1056),
                        List.of("stem_conv1", "stem_bn1", "adjust_conv_2_stem_2", "separable_conv_1_normal_left1_0",
                                "reduction_concat_reduce_4", "adjust_conv_1_5", "adjust_conv_projection_6",
                                "normal_concat_12")),
                new Case("NASNetLarge", 331, Shape.of(11, 11, 4032), Shape.of(4, 4, 4032),
                        List.of("stem_conv1", "separable_conv_2_bn_reduction_left4_stem_1", "adjust_bn_7",
                                "reduction_concat_reduce_12", "normal_concat_18")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void parameterCountMatchesKerasReference(Case c) {
        Map<String, Long> reference = referenceCounts();
        Long expected = reference.get(c.name());
        assertNotNull(expected, "backbones.md has no include_top=False count for " + c.name());
        ModelGraph graph = BackboneZoo.backboneOnly(c.name(), c.defaultSize(), BackboneOptions.DEFAULT);
        assertEquals(expected, graph.parameterCount(), c.name() + " parameters at " + c.defaultSize());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void buildsWithKerasOutputShapeAndLayerNames(Case c) {
        ModelGraph graph = BackboneZoo.backboneOnly(c.name(), c.defaultSize(), BackboneOptions.DEFAULT);
        assertEquals(c.defaultOutput(), graph.outputShape(), c.name() + " output at " + c.defaultSize());
        Set<String> names = graph.shapes().keySet();
        for (String kerasName : c.kerasNames()) {
            assertTrue(names.contains(kerasName), c.name() + " has no layer " + kerasName);
        }
    }

    /** 112x112 is the face crop size: every classic backbone builds there, with the same weights. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void buildsAtFaceInputSize(Case c) {
        ModelGraph atDefault = BackboneZoo.backboneOnly(c.name(), c.defaultSize(), BackboneOptions.DEFAULT);
        ModelGraph atFace = BackboneZoo.backboneOnly(c.name(), 112, BackboneOptions.DEFAULT);
        assertEquals(c.faceOutput(), atFace.outputShape(), c.name() + " output at 112");
        assertEquals(atDefault.weights(), atFace.weights(), c.name() + " weights must not depend on the input size");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void jsonRoundTripGivesAnEqualGraph(Case c) {
        ModelGraph graph = BackboneZoo.backboneOnly(c.name(), 112, BackboneOptions.DEFAULT);
        ModelGraph back = ModelJson.fromJson(ModelJson.toJson(graph));
        assertEquals(graph, back);
        assertEquals(graph.parameterCount(), back.parameterCount());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void refusesAWidthMultiplier(Case c) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BackboneZoo.backboneOnly(c.name(), c.defaultSize(), new BackboneOptions(0.5)));
        assertTrue(e.getMessage().contains(c.name()), e.getMessage());
    }

    @Test
    void everyClassicBackboneIsRegistered() {
        assertTrue(BackboneZoo.names().containsAll(cases().map(Case::name).toList()), BackboneZoo.names().toString());
    }

    /** Backbone name to its include_top=False count; skips the calling test when the reference is absent. */
    private static Map<String, Long> referenceCounts() {
        Optional<Path> file = referenceFile();
        assumeTrue(file.isPresent(), "shared/reference/backbones.md not found (from system property "
                + "facestream.faces.dir/../../reference or above the working directory): parameter counts not checked");
        try {
            return parseCountColumn(Files.readAllLines(file.get()), "include_top=False");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file.get(), e);
        }
    }

    private static Optional<Path> referenceFile() {
        String facesDir = System.getProperty("facestream.faces.dir");
        if (facesDir != null && !facesDir.isBlank()) {
            Path candidate = Path.of(facesDir).resolve("../../reference/backbones.md").normalize();
            if (Files.isRegularFile(candidate)) {
                return Optional.of(candidate);
            }
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared/reference/backbones.md");
            if (Files.isRegularFile(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Reads the first markdown table whose header has the given column; "-" cells (no count) are left out. */
    static Map<String, Long> parseCountColumn(List<String> lines, String column) {
        Map<String, Long> counts = new HashMap<>();
        int columnIndex = -1;
        for (String line : lines) {
            String trimmed = line.trim();
            if (!trimmed.startsWith("|")) {
                if (columnIndex >= 0) {
                    break;
                }
                continue;
            }
            List<String> cells = cells(trimmed);
            if (columnIndex < 0) {
                columnIndex = cells.indexOf(column);
                continue;
            }
            if (cells.size() <= columnIndex || cells.get(0).startsWith("---")) {
                continue;
            }
            String value = cells.get(columnIndex).replace(",", "");
            if (!value.equals("-")) {
                counts.put(cells.get(0), Long.parseLong(value));
            }
        }
        assertTrue(columnIndex >= 0, "no table with a column '" + column + "'");
        return counts;
    }

    private static List<String> cells(String row) {
        String inner = row.substring(1, row.endsWith("|") ? row.length() - 1 : row.length());
        return Stream.of(inner.split("\\|", -1)).map(String::trim).toList();
    }
}
