package io.facestream.model.head;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.facestream.model.graph.Shape;
import io.facestream.model.graph.WeightSpec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeadConfigTest {

    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void defaultsAreJHFacesAndThePapers() {
        assertEquals(new HeadConfig(HeadType.ARCFACE, 10, 0.5, 64, 0), HeadConfig.defaults(HeadType.ARCFACE, 10));
        assertEquals(new HeadConfig(HeadType.COSFACE, 10, 0.35, 64, 0), HeadConfig.defaults(HeadType.COSFACE, 10));
        assertEquals(new HeadConfig(HeadType.SPHEREFACE, 10, 1.35, 30, 0),
                HeadConfig.defaults(HeadType.SPHEREFACE, 10));
        assertEquals(new HeadConfig(HeadType.CURRICULARFACE, 10, 0.5, 64, 0.01),
                HeadConfig.defaults(HeadType.CURRICULARFACE, 10));
        assertEquals(Math.sqrt(2) * Math.log(9), HeadConfig.defaults(HeadType.ADACOS, 10).scale(), 1e-12);
        assertEquals(new HeadConfig(HeadType.SOFTMAX, 10, 0, 1, 0), HeadConfig.defaults(HeadType.SOFTMAX, 10));
    }

    @Test
    void weightsAreTheKernelPlusEachHeadsState() {
        assertEquals(List.of(new WeightSpec("head", "kernel", Shape.of(512, 85), true)),
                HeadConfig.defaults(HeadType.ARCFACE, 85).weights(512));
        assertEquals(List.of(new WeightSpec("head", "kernel", Shape.of(128, 5), true),
                        new WeightSpec("head", "bias", Shape.of(5), true)),
                HeadConfig.defaults(HeadType.SOFTMAX, 5).weights(128));
        assertEquals("head/t", HeadConfig.defaults(HeadType.CURRICULARFACE, 5).weights(8).get(1).qualifiedName());
        assertEquals("head/scale", HeadConfig.defaults(HeadType.ADACOS, 5).weights(8).get(1).qualifiedName());
    }

    @Test
    void invalidSettingsAreRejectedWithTheReason() {
        assertMessage("ARCFACE needs numClasses >= 2, got 1", () -> HeadConfig.defaults(HeadType.ARCFACE, 1));
        assertMessage("ADACOS needs numClasses >= 3, got 2", () -> HeadConfig.defaults(HeadType.ADACOS, 2));
        assertMessage("ARCFACE margin must be in [0.0, 1.5707963267948966], got 2.0",
                () -> new HeadConfig(HeadType.ARCFACE, 10, 2, 64, 0));
        assertMessage("SPHEREFACE margin must be in [1.0, 8.0], got 0.5",
                () -> new HeadConfig(HeadType.SPHEREFACE, 10, 0.5, 30, 0));
        assertMessage("COSFACE scale must be finite and positive, got NaN",
                () -> new HeadConfig(HeadType.COSFACE, 10, 0.35, Double.NaN, 0));
        assertMessage("SOFTMAX has no scale to set", () -> new HeadConfig(HeadType.SOFTMAX, 10, 0, 64, 0));
        assertMessage("ADACOS has no margin to set", () -> new HeadConfig(HeadType.ADACOS, 10, 0.5, 3, 0));
        assertMessage("CURRICULARFACE momentum must be in (0, 1], got 0.0",
                () -> new HeadConfig(HeadType.CURRICULARFACE, 10, 0.5, 64, 0));
        assertMessage("ARCFACE has no momentum to set", () -> new HeadConfig(HeadType.ARCFACE, 10, 0.5, 64, 0.1));
        assertMessage("head type is required", () -> new HeadConfig(null, 10, 0.5, 64, 0));
    }

    @Test
    void jsonRoundTripsAndFillsDefaults() throws Exception {
        HeadConfig cur = new HeadConfig(HeadType.CURRICULARFACE, 1000, 0.45, 32, 0.05);
        assertEquals(cur, mapper.readValue(mapper.writeValueAsString(cur), HeadConfig.class));

        assertEquals(HeadConfig.defaults(HeadType.ADACOS, 100),
                mapper.readValue("{\"type\":\"ADACOS\",\"numClasses\":100}", HeadConfig.class));
        assertEquals(new HeadConfig(HeadType.COSFACE, 7, 0.2, 64, 0),
                mapper.readValue("{\"type\":\"COSFACE\",\"numClasses\":7,\"margin\":0.2}", HeadConfig.class));
        Exception e = assertThrows(Exception.class,
                () -> mapper.readValue("{\"type\":\"ARCFACE\"}", HeadConfig.class));
        assertTrue(e.getMessage().contains("head numClasses is required"), e.getMessage());
    }

    private static void assertMessage(String expectedPart, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expectedPart), "message was: " + e.getMessage());
    }
}
