package io.facestream.trainer.data;

import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * Another source's images without those of some identities: the people of a verification set are held out of
 * training, so the verification figures are measured on people the model has never seen.
 */
public final class HeldOutIdentities implements LabelledImageSource {

    private final LabelledImageSource source;
    private final Set<String> heldOut;
    private final String reason;

    /**
     * @param heldOut identities whose images are left out
     * @param reason  why, for the description ("the people of pairsDevTrain.txt")
     */
    public HeldOutIdentities(LabelledImageSource source, Set<String> heldOut, String reason) {
        if (source == null || heldOut == null) {
            throw new IllegalArgumentException("a source and the identities to hold out are required");
        }
        this.source = source;
        this.heldOut = Set.copyOf(heldOut);
        this.reason = reason;
    }

    @Override
    public String description() {
        return source.description() + " without " + reason + " (" + heldOut.size() + " identities held out)";
    }

    @Override
    public List<LabelledImage> images() throws IOException {
        return source.images().stream().filter(image -> !heldOut.contains(image.identity())).toList();
    }
}
