package io.facestream.converter.service;

import io.facestream.model.eval.BinPairs;
import io.facestream.model.eval.LfwPairs;
import io.facestream.model.eval.PairsSet;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/** Reads the configured verification set: an insightface .bin file, or an LFW pairs file over an image folder. */
public final class PairsSets {

    private PairsSets() {
    }

    /** @param images the image root of an LFW pairs file (unused for .bin) */
    public static PairsSet read(Path pairsFile, Path images) throws IOException {
        if (pairsFile.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".bin")) {
            return BinPairs.read(pairsFile);
        }
        if (images == null) {
            throw new IllegalArgumentException("the LFW pairs file " + pairsFile + " needs converter.pairs-images, "
                    + "the folder of person folders its names refer to");
        }
        return LfwPairs.read(pairsFile, images);
    }
}
