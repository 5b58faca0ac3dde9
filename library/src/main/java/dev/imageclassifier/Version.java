package dev.imageclassifier;

import dev.imageclassifier.model.OnnxRuntimeLibraries;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The versions in play: this library's (recorded in every classifier file it writes) and ONNX Runtime's.
 *
 * <pre>{@code
 * System.out.println("image-classifier " + Version.library() + " on ONNX Runtime " + Version.onnxRuntime());
 * }</pre>
 */
public final class Version {

    private static final String LIBRARY = load();

    private Version() {
    }

    /** This library's version, from a resource Maven fills in at build time; {@code "dev"} when run from unbuilt sources.
     *
     * @return the version, e.g. {@code 1.0.0}
     */
    public static String library() {
        return LIBRARY;
    }

    /** The version of the ONNX Runtime native library (loading it if it is not loaded yet).
     *
     * @return the version, e.g. {@code 1.23.2}
     */
    public static String onnxRuntime() {
        return OnnxRuntimeLibraries.environment().getVersion(); // from the cache folder, as every session loads it
    }

    private static String load() {
        try (InputStream in = Version.class.getResourceAsStream("/image-classifier.properties")) {
            if (in == null) {
                return "dev";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "dev");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
