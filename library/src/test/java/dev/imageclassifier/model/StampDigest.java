package dev.imageclassifier.model;

import java.nio.file.Path;

/**
 * One-off tool: stamps classifier files written before content digests with their digest, keeping every
 * other byte (run id, creation time, weights) as it is. Run from the test classpath:
 * {@code java -cp ... dev.imageclassifier.model.StampDigest model/classifier.onnx}.
 */
public final class StampDigest {

    private StampDigest() {
    }

    public static void main(String[] args) throws Exception {
        for (String arg : args) {
            Path file = Path.of(arg);
            boolean stamped = ModelDigest.stampFile(file, file);
            System.out.println(file + (stamped ? ": stamped " + ModelDigest.check(file) : ": already holds a digest, left alone"));
        }
    }
}
