package io.facestream.model.eval;

/**
 * One verification pair: two images of a {@link PairsSet}, by index, and whether they show the same person.
 *
 * @param first  index of the first image in the set
 * @param second index of the second image in the set
 * @param same   true for a matched (genuine) pair, false for a mismatched (impostor) pair
 */
public record ImagePair(int first, int second, boolean same) {

    public ImagePair {
        if (first < 0 || second < 0) {
            throw new IllegalArgumentException("image indices must be non-negative: " + first + ", " + second);
        }
    }
}
