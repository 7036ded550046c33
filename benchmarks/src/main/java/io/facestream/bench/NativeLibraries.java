package io.facestream.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * What this JVM has actually loaded, read from /proc/self/maps and the JavaCPP jar on the class path. TFLite
 * (org.bytedeco, JavaCPP 1.5.14) and TensorFlow Java (JavaCPP 1.5.11) must never share a JVM: every JVM of the
 * benchmark checks that it holds exactly the runtime it measures.
 */
final class NativeLibraries {

    enum Runtime {
        TFLITE("libjnitensorflowlite"), TENSORFLOW("libtensorflow_framework");

        private final String marker;

        Runtime(String marker) {
            this.marker = marker;
        }
    }

    private NativeLibraries() {
    }

    /** File names of the TensorFlow, TFLite and JavaCPP shared libraries mapped into this process. */
    static List<String> loaded() {
        TreeSet<String> names = new TreeSet<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
                int slash = line.lastIndexOf('/');
                if (slash < 0) {
                    continue;
                }
                String name = line.substring(slash + 1);
                String lower = name.toLowerCase(Locale.ROOT);
                if (lower.contains(".so") && (lower.contains("tensorflow") || lower.contains("javacpp"))) {
                    names.add(name);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/self/maps", e);
        }
        return List.copyOf(names);
    }

    /** The JavaCPP jar this JVM's class path gives (its name carries the version). */
    static String javacppJar() {
        try {
            Class<?> loader = Class.forName("org.bytedeco.javacpp.Loader", false,
                    NativeLibraries.class.getClassLoader());
            return Path.of(loader.getProtectionDomain().getCodeSource().getLocation().toURI()).getFileName()
                    .toString();
        } catch (ReflectiveOperationException | java.net.URISyntaxException e) {
            return "none";
        }
    }

    static String describe() {
        return "JavaCPP " + javacppJar() + "; native libraries " + loaded();
    }

    /** Throws unless this JVM has loaded the expected runtime and not the other one. */
    static String requireOnly(Runtime expected) {
        List<String> libs = loaded();
        for (Runtime r : Runtime.values()) {
            boolean present = libs.stream().anyMatch(l -> l.startsWith(r.marker));
            if (present != (r == expected)) {
                throw new IllegalStateException((present ? "unexpected " : "missing ") + r + " runtime in a "
                        + expected + " JVM: " + describe());
            }
        }
        return describe();
    }
}
