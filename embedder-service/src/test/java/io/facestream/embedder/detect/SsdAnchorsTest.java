package io.facestream.embedder.detect;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SsdAnchorsTest {

    private static final float EPS = 1e-6f;
    private final SsdAnchors anchors = SsdAnchors.shortRange();

    @Test
    void shortRangeHas896Anchors() {
        // stride 8: 16 x 16 cells x 2 anchors; strides 16, 16, 16 share one 8 x 8 map: 3 layers x 2 anchors a cell
        assertEquals(16 * 16 * 2 + 8 * 8 * 6, anchors.count());
        assertEquals(896, anchors.count());
    }

    @Test
    void strideEightMapComesFirstWithTwoAnchorsPerCell() {
        assertCentre(0, 0.5f / 16, 0.5f / 16);
        assertCentre(1, 0.5f / 16, 0.5f / 16);
        assertCentre(2, 1.5f / 16, 0.5f / 16); // next column
        assertCentre(32, 0.5f / 16, 1.5f / 16); // next row: 16 cells x 2 anchors later
        assertCentre(511, 15.5f / 16, 15.5f / 16);
    }

    @Test
    void strideSixteenMapFollowsWithSixAnchorsPerCell() {
        for (int a = 512; a < 518; a++) {
            assertCentre(a, 0.5f / 8, 0.5f / 8);
        }
        assertCentre(518, 1.5f / 8, 0.5f / 8);
        assertCentre(512 + 8 * 6, 0.5f / 8, 1.5f / 8);
        assertCentre(895, 7.5f / 8, 7.5f / 8);
    }

    @Test
    void everyCellCentreAppearsOncePerAnchorOfItsLayerGroup() {
        int[][] strideEight = new int[16][16];
        int[][] strideSixteen = new int[8][8];
        for (int i = 0; i < anchors.count(); i++) {
            if (i < 512) {
                strideEight[cell(anchors.yCenter(i), 16)][cell(anchors.xCenter(i), 16)]++;
            } else {
                strideSixteen[cell(anchors.yCenter(i), 8)][cell(anchors.xCenter(i), 8)]++;
            }
        }
        for (int[] row : strideEight) {
            for (int n : row) {
                assertEquals(2, n);
            }
        }
        for (int[] row : strideSixteen) {
            for (int n : row) {
                assertEquals(6, n);
            }
        }
    }

    private static int cell(float centre, int cells) {
        float position = centre * cells - 0.5f;
        int index = Math.round(position);
        assertEquals(index, position, EPS, "centre " + centre + " is not a cell centre of a " + cells + " map");
        return index;
    }

    private void assertCentre(int i, float x, float y) {
        assertEquals(x, anchors.xCenter(i), EPS, "x of anchor " + i);
        assertEquals(y, anchors.yCenter(i), EPS, "y of anchor " + i);
    }
}
