package io.facestream.model.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.facestream.model.FaceModelSpec;
import io.facestream.model.graph.ModelGraph;
import io.facestream.model.graph.Shape;
import io.facestream.model.graph.WeightSpec;
import io.facestream.model.head.HeadConfig;
import io.facestream.model.head.HeadType;
import io.facestream.model.zoo.BackboneZoo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A small real checkpoint (MobileNetV2 alpha 0.35 on 32x32, 16-d, CurricularFace over 10 classes) and ZIP tools. */
final class CheckpointFixtures {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Instant CREATED = Instant.parse("2025-03-01T12:00:00.123456789Z");

    private CheckpointFixtures() {
    }

    static FaceModelSpec spec() {
        assumeTrue(BackboneZoo.names().contains("MobileNetV2"), "MobileNetV2 not registered");
        return new FaceModelSpec("MobileNetV2", 0.35, 32, 16, 0.5, 5e-4,
                HeadConfig.defaults(HeadType.CURRICULARFACE, 10), null);
    }

    /** Every expected weight filled from a seeded generator, plus two optimizer slots. */
    static Map<String, FloatTensor> tensors(FaceModelSpec spec, ModelGraph graph, long seed) {
        Random random = new Random(seed);
        Map<String, FloatTensor> tensors = new LinkedHashMap<>();
        for (WeightSpec w : Checkpoint.expectedWeights(spec, graph)) {
            float[] data = new float[Math.toIntExact(w.shape().elementCount())];
            for (int i = 0; i < data.length; i++) {
                data[i] = random.nextFloat() * 2 - 1;
            }
            tensors.put(w.qualifiedName(), new FloatTensor(w.shape(), data));
        }
        tensors.put("optimizer/iterations", FloatTensor.of(Shape.of(), 1234f));
        FloatTensor kernel = tensors.get("OutputLayer_dense/kernel");
        tensors.put("optimizer/OutputLayer_dense/kernel/momentum", new FloatTensor(kernel.shape(),
                kernel.data().clone()));
        return tensors;
    }

    static Checkpoint checkpoint() {
        FaceModelSpec spec = spec();
        ModelGraph graph = spec.embeddingGraph();
        Map<String, FloatTensor> tensors = tensors(spec, graph, 42);
        // values whose bits a sloppy float conversion would change
        float[] bias = tensors.get("OutputLayer_dense/bias").data();
        bias[0] = -0.0f;
        bias[1] = Float.MIN_VALUE;
        bias[2] = Float.MAX_VALUE;
        bias[3] = 1.17549435E-38f;
        return new Checkpoint(spec, graph, training(), Map.of("loss", 12.5, "lfw_accuracy", 0.93125), 1234, 3,
                CREATED, tensors);
    }

    static Map<String, JsonNode> training() {
        Map<String, JsonNode> training = new TreeMap<>();
        training.put("optimizer", JSON.valueToTree("sgd_momentum"));
        training.put("learning_rate", JSON.valueToTree(0.1));
        training.put("schedule", JSON.createObjectNode().put("type", "piecewise").set("boundaries",
                JSON.createArrayNode().add(40000).add(60000)));
        training.put("batch_size", JSON.valueToTree(128));
        return training;
    }

    static Map<String, byte[]> unzip(Path file) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                try (InputStream in = zip.getInputStream(entry)) {
                    entries.put(entry.getName(), in.readAllBytes());
                }
            }
        }
        return entries;
    }

    /** A ZIP of these entries, each stored or deflated, with correct CRCs. */
    static byte[] zip(Map<String, byte[]> entries, boolean deflate) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry entry = new ZipEntry(e.getKey());
                if (!deflate) {
                    CRC32 crc = new CRC32();
                    crc.update(e.getValue());
                    entry.setMethod(ZipEntry.STORED);
                    entry.setSize(e.getValue().length);
                    entry.setCompressedSize(e.getValue().length);
                    entry.setCrc(crc.getValue());
                }
                zip.putNextEntry(entry);
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }
}
