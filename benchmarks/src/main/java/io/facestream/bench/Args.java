package io.facestream.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** "--name value" command-line options; a name may repeat. */
final class Args {

    private Args() {
    }

    static Map<String, List<String>> parse(String[] args, List<String> known) {
        Map<String, List<String>> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String name = args[i].startsWith("--") ? args[i].substring(2) : null;
            if (name == null || !known.contains(name) || i + 1 == args.length) {
                throw new IllegalArgumentException("unexpected argument '" + args[i] + "'; options: --"
                        + String.join(" V, --", known) + " V");
            }
            options.computeIfAbsent(name, k -> new ArrayList<>()).add(args[++i]);
        }
        return options;
    }

    /** The option's last value, or the default; a null default makes the option required. */
    static String one(Map<String, List<String>> options, String name, String defaultValue) {
        List<String> values = options.get(name);
        if (values == null) {
            if (defaultValue == null) {
                throw new IllegalArgumentException("--" + name + " is required");
            }
            return defaultValue;
        }
        return values.get(values.size() - 1);
    }
}
