package io.facestream.gallery.service;

import java.lang.reflect.InvocationTargetException;

/**
 * Dot products of a probe with rows of a contiguous centroid matrix: the inner loop of identification.
 * {@link #best()} picks the SIMD implementation when the JVM was started with
 * {@code --add-modules jdk.incubator.vector}, else the plain loop.
 */
public interface DotProduct {

    String VECTOR_MODULE = "jdk.incubator.vector";

    /** The dot product of {@code a[aOffset .. aOffset+length)} and {@code b[bOffset .. bOffset+length)}. */
    float dot(float[] a, int aOffset, float[] b, int bOffset, int length);

    /** A short description for logs and benchmark tables. */
    String name();

    static DotProduct scalar() {
        return ScalarDotProduct.INSTANCE;
    }

    /** The SIMD implementation if the incubator module is in the boot layer, else the plain loop. */
    static DotProduct best() {
        return simdAvailable() ? simd() : scalar();
    }

    static boolean simdAvailable() {
        return ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
    }

    /**
     * The SIMD implementation, loaded by name so that its class (which links against jdk.incubator.vector) is
     * never touched on a JVM without the module.
     */
    static DotProduct simd() {
        if (!simdAvailable()) {
            throw new IllegalStateException(VECTOR_MODULE + " is not in the boot layer: start the JVM with "
                    + "--add-modules " + VECTOR_MODULE);
        }
        try {
            return (DotProduct) Class.forName("io.facestream.gallery.service.SimdDotProduct")
                    .getDeclaredConstructor().newInstance();
        } catch (ClassNotFoundException | NoSuchMethodException | InstantiationException | IllegalAccessException
                 | InvocationTargetException e) {
            throw new IllegalStateException("cannot load the SIMD dot product", e);
        }
    }
}
