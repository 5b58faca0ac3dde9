package dev.imageclassifier.cli;

import dev.imageclassifier.Version;
import picocli.CommandLine;

/** {@code --version}: this project's, ONNX Runtime's and Java's versions. */
public final class ProjectVersion implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
        return new String[] {"image-classifier " + Version.library(), "ONNX Runtime " + Version.onnxRuntime(),
                "Java " + System.getProperty("java.version")};
    }
}
