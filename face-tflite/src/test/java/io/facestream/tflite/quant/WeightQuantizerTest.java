package io.facestream.tflite.quant;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WeightQuantizerTest {

    @Test
    void halfPrecisionBits() {
        assertEquals((short) 0x3c00, WeightQuantizer.toHalf(1f));
        assertEquals((short) 0xc000, WeightQuantizer.toHalf(-2f));
        assertEquals((short) 0x0000, WeightQuantizer.toHalf(0f));
        assertEquals((short) 0x8000, WeightQuantizer.toHalf(-0f));
        assertEquals((short) 0x7bff, WeightQuantizer.toHalf(65504f)); // largest half
        assertEquals((short) 0x7c00, WeightQuantizer.toHalf(65520f)); // rounds up to infinity
        assertEquals((short) 0x2e66, WeightQuantizer.toHalf(0.1f));
        assertEquals((short) 0x0001, WeightQuantizer.toHalf(0x1p-24f)); // smallest subnormal
        assertEquals((short) 0x0000, WeightQuantizer.toHalf(0x1p-26f));
        assertEquals((short) 0x3c00, WeightQuantizer.toHalf(1f + 0x1p-11f)); // tie: to even
        assertEquals((short) 0x3c02, WeightQuantizer.toHalf(1f + 3 * 0x1p-11f)); // tie: to even
        assertTrue(Float.isNaN(WeightQuantizer.fromHalf(WeightQuantizer.toHalf(Float.NaN))));
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 10_000; i++) {
            float v = (float) ((r.nextDouble() - 0.5) * Math.pow(2, r.nextInt(-14, 15)));
            float back = WeightQuantizer.fromHalf(WeightQuantizer.toHalf(v));
            assertEquals(v, back, Math.abs(v) * 0x1p-11f + 0x1p-25f, "value " + v);
        }
        assertArrayEquals(new byte[] {0x00, 0x3c, 0x00, (byte) 0xc0}, WeightQuantizer.float16(new float[] {1f, -2f}));
    }

    @Test
    void perChannelIsSymmetricWithTheLargestMagnitudeAt127() {
        // [2, 1, 1, 3]: output channels along axis 0; the second channel is all zero
        float[] w = {0.5f, -1.0f, 0.25f, 0f, 0f, 0f};
        WeightQuantizer.Int8 q = WeightQuantizer.perChannel(w, new int[] {2, 1, 1, 3}, 0);
        assertArrayEquals(new byte[] {64, -127, 32, 0, 0, 0}, q.data());
        assertEquals(1f / 127, q.quantization().scales()[0], 1e-9);
        assertTrue(q.quantization().scales()[1] > 0, "an all-zero channel still has a positive scale");
        assertArrayEquals(new long[] {0, 0}, q.quantization().zeroPoints());
        // [1, 1, 2, 2]: depthwise, channels along the last axis
        WeightQuantizer.Int8 d = WeightQuantizer.perChannel(new float[] {2f, 1f, -4f, 0.5f}, new int[] {1, 1, 2, 2},
                3);
        assertArrayEquals(new byte[] {64, 127, -127, 64}, d.data());
        assertEquals(3, d.quantization().axis());
    }

    @Test
    void biasUsesInputTimesWeightScale() {
        int[] q = WeightQuantizer.int32Bias(new float[] {1f, -0.5f}, 0.1f, new float[] {0.01f, 0.02f});
        assertArrayEquals(new int[] {1000, -250}, q);
        assertArrayEquals(new float[] {0.1f * 0.01f, 0.1f * 0.02f},
                WeightQuantizer.biasQuantization(0.1f, new float[] {0.01f, 0.02f}, 2).scales());
    }
}
