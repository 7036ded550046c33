package io.facestream.converter.service;

import io.facestream.converter.TestCheckpoints;
import io.facestream.converter.TestModels;
import io.facestream.tflite.UnsupportedOperatorModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Uploaded bytes become an artifact only when they are a face-embedding model the runtime loads and runs. */
class UploadedModelCheckTest {

    static byte[] good;

    @BeforeAll
    static void build() {
        good = TestModels.goodModel(7);
    }

    @Test
    void a_face_model_passes_with_its_shapes_and_quantization() {
        UploadedModelCheck.Checked c = UploadedModelCheck.check(good);
        assertEquals(TestCheckpoints.INPUT, c.inputSize());
        assertEquals(TestCheckpoints.EMBEDDING, c.embeddingSize());
        assertEquals("float32", c.quantization());
    }

    @Test
    void garbage_is_not_a_model() {
        refused(new byte[] {'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd'}, "not a TFLite model");
        refused(new byte[3], "not a TFLite model");
    }

    @Test
    void a_truncated_model_fails_verification() {
        refused(Arrays.copyOf(good, good.length / 2), "verification");
    }

    @Test
    void a_bit_flipped_root_offset_fails_verification() {
        refused(TestModels.flipBit(good, 2, 7), "verification");
    }

    @Test
    void an_input_that_is_not_an_rgb_image_is_refused() {
        refused(TestModels.greyInputModel(), "[1, S, S, 3]");
    }

    @Test
    void an_operator_the_runtime_lacks_is_named() {
        refused(UnsupportedOperatorModel.of(good), "FacestreamMystery");
    }

    private static void refused(byte[] bytes, String reason) {
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> UploadedModelCheck.check(bytes));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }
}
