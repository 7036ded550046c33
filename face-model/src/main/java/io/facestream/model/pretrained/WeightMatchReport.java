package io.facestream.model.pretrained;

import io.facestream.model.graph.Shape;

import java.util.List;

/**
 * How a pretrained weights file lined up with a model graph. Names in matched, missing and shapeMismatches are
 * qualified graph weight names (node/weight, e.g. "Conv1/kernel"); names in unused are dataset paths in the file.
 *
 * @param matched         graph weights found in the file with the expected shape (their values were loaded)
 * @param missing         graph weights the file does not have
 * @param shapeMismatches graph weights the file has with another shape (not loaded)
 * @param unused          file tensors no graph weight asked for (a classifier top, say)
 */
public record WeightMatchReport(List<String> matched, List<String> missing, List<ShapeMismatch> shapeMismatches,
                                List<String> unused) {

    /** A weight present under the right name with the wrong shape (another alpha, input channels, class count). */
    public record ShapeMismatch(String qualifiedName, Shape expected, List<Integer> found) {
        public ShapeMismatch {
            found = List.copyOf(found);
        }

        @Override
        public String toString() {
            return qualifiedName + " expected " + expected + " found " + found;
        }
    }

    public WeightMatchReport {
        matched = List.copyOf(matched);
        missing = List.copyOf(missing);
        shapeMismatches = List.copyOf(shapeMismatches);
        unused = List.copyOf(unused);
    }

    /** Every graph weight was loaded. */
    public boolean complete() {
        return missing.isEmpty() && shapeMismatches.isEmpty();
    }

    /** One line for logs and training-run status. */
    public String summary() {
        int total = matched.size() + missing.size() + shapeMismatches.size();
        return matched.size() + " of " + total + " weights loaded; missing " + missing.size() + abbreviate(missing)
                + "; shape mismatches " + shapeMismatches.size() + abbreviate(shapeMismatches)
                + "; unused in file " + unused.size() + abbreviate(unused);
    }

    private static String abbreviate(List<?> items) {
        if (items.isEmpty()) {
            return "";
        }
        int shown = Math.min(5, items.size());
        return " " + items.subList(0, shown) + (items.size() > shown ? " and " + (items.size() - shown) + " more" : "");
    }
}
