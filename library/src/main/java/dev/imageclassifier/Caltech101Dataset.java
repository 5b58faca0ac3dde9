package dev.imageclassifier;

import dev.imageclassifier.data.Caltech101;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The Caltech-101 dataset (9,146 images, 101 classes and a background class), downloaded from its official
 * source (or the URL in the environment variable {@code CALTECH101_URL}) and unpacked safely, once.
 *
 * <pre>{@code
 * Path images = Caltech101Dataset.ensure(Path.of("data"), false, ProgressListener.lines(System.err));
 * DatasetSplit split = DatasetSplit.builder(images).build();
 * }</pre>
 */
public final class Caltech101Dataset {

    private Caltech101Dataset() {
    }

    /**
     * The class-per-folder image tree under {@code dataDir}, downloaded and unpacked first when it is not complete there.
     *
     * @param dataDir  where {@code caltech-101/} is (or goes)
     * @param offline  never touch the network: fail when the dataset is not there
     * @param progress hears about the download and unpacking
     * @return the folder holding one sub-folder per class
     * @throws IOException when it is missing offline, or the download or unpacking fails (the message says why)
     */
    public static Path ensure(Path dataDir, boolean offline, ProgressListener progress) throws IOException {
        return Caltech101.fromEnvironment(progress).ensure(dataDir, offline);
    }
}
