package dev.imageclassifier.cli;

import dev.imageclassifier.model.OnnxRuntimeLibraries;
import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The project version, from a resource Maven fills in at build time. */
public final class ProjectVersion implements CommandLine.IVersionProvider {

    private static final String VERSION = load();

    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = ProjectVersion.class.getResourceAsStream("/image-classifier.properties")) {
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

    @Override
    public String[] getVersion() {
        return new String[] {"image-classifier " + VERSION, "ONNX Runtime " + OnnxRuntimeLibraries.environment().getVersion(),
                "Java " + System.getProperty("java.version")};
    }
}
