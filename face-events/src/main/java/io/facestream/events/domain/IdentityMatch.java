package io.facestream.events.domain;

/**
 * The gallery's answer for one probe face, on faces.identities (key: sourceId). Open-set: when the best score is
 * below the threshold the identity is {@link #UNKNOWN}, and the best candidate and its score are still reported.
 *
 * @param identity      the matched person, or "unknown"
 * @param bestCandidate the most similar enrolled person (null when the gallery of this model version is empty)
 * @param score         cosine similarity to bestCandidate
 * @param runnerUp      the second most similar person, null when there is none
 * @param margin        score minus runnerUpScore
 * @param threshold     the threshold this decision used
 */
public record IdentityMatch(String frameId, String sourceId, int faceIndex, String modelVersion, String identity,
                            String bestCandidate, double score, String runnerUp, double runnerUpScore,
                            double margin, double threshold, FaceBox box, long capturedAtMs, long matchedAtMs) {

    public static final String UNKNOWN = "unknown";

    public IdentityMatch {
        Require.text(frameId, "frameId");
        Require.text(modelVersion, "modelVersion");
        Require.text(identity, "identity");
        Require.finite(score, "score");
        Require.finite(threshold, "threshold");
    }

    public boolean known() {
        return !UNKNOWN.equals(identity);
    }
}
