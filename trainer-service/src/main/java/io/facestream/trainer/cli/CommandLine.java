package io.facestream.trainer.cli;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** "--name value" and "--flag" arguments of the command-line entries; anything else is an error. */
final class CommandLine {

    private CommandLine() {
    }

    /** Options by name; flags map to "". Throws IllegalArgumentException on an unknown or incomplete option. */
    static Map<String, String> parse(String[] args, List<String> valueOptions, List<String> flags) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + args[i] + "'");
            }
            String key = args[i].substring(2);
            if (flags.contains(key)) {
                options.put(key, "");
            } else if (!valueOptions.contains(key)) {
                throw new IllegalArgumentException("unknown option --" + key);
            } else if (i + 1 < args.length) {
                options.put(key, args[++i]);
            } else {
                throw new IllegalArgumentException("--" + key + " needs a value");
            }
        }
        return options;
    }

    static int integer(Map<String, String> options, String key, int fallback) {
        String value = options.get(key);
        try {
            return value == null ? fallback : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " must be an integer, got '" + value + "'");
        }
    }

    static String required(Map<String, String> options, String key) {
        String value = options.get(key);
        if (value == null) {
            throw new IllegalArgumentException("--" + key + " is required");
        }
        return value;
    }
}
