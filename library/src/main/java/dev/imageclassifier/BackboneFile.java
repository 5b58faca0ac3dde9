package dev.imageclassifier;

import dev.imageclassifier.model.BackboneRegistry;
import dev.imageclassifier.model.BackboneResolver;
import dev.imageclassifier.model.ResolvedBackbone;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A frozen ImageNet network to train on, as a local ONNX file: a file you have, or one of the known
 * backbones (or any http(s) URL) downloaded once into the cache folder and checked against its SHA-256.
 *
 * <pre>{@code
 * BackboneFile backbone = BackboneFile.resolve("resnet50", null, false, ProgressListener.lines(System.err));
 * }</pre>
 *
 * @param file   the local ONNX file
 * @param name   the name recorded in the trained model (a known backbone's name, else the file name)
 * @param sha256 the file's SHA-256
 * @param url    where it was downloaded from, or null for a local file
 */
public record BackboneFile(Path file, String name, String sha256, String url) {

    /** The backbone trained on when none is named: a pretrained ResNet-50, downloaded once. */
    public static final String DEFAULT_NAME = BackboneRegistry.DEFAULT;

    /** @return the names of the known backbones, the default first */
    public static List<String> knownNames() {
        return BackboneRegistry.standard().names();
    }

    /**
     * Finds a backbone: an {@code .onnx} file, an http(s) URL, or a known name, downloading it into
     * {@code <cacheDir>/backbones} when it is not there yet.
     *
     * @param spec     a file path, URL or known name
     * @param cacheDir the cache folder, or null for the standard one (env {@code IMAGE_CLASSIFIER_CACHE},
     *                 else {@code ~/.cache/image-classifier})
     * @param offline  never touch the network: fail when a download would be needed
     * @param progress hears about the download
     * @return the local file
     * @throws IllegalArgumentException when {@code spec} is neither a file, a URL nor a known name
     * @throws IOException              when the file is missing, or a download fails or is refused
     */
    public static BackboneFile resolve(String spec, Path cacheDir, boolean offline, ProgressListener progress) throws IOException {
        ResolvedBackbone resolved = BackboneResolver.standard(cacheDir, offline, progress).resolve(spec);
        return new BackboneFile(resolved.path(), resolved.name(), resolved.sha256(), resolved.url());
    }

    /**
     * A local backbone file, named after its file name (or the known backbone it is).
     *
     * @param file an ONNX file
     * @return the backbone
     * @throws IOException when the file cannot be read
     */
    public static BackboneFile of(Path file) throws IOException {
        return resolve(file.toString(), null, true, ProgressListener.NONE);
    }
}
