package dev.imageclassifier.model;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * The pretrained backbones that {@code --backbone NAME} can name: ImageNet classifiers in ONNX form from
 * stable public sources, each cut at its penultimate layer by {@link BackboneGraph}.
 */
public final class BackboneRegistry {

    /** The backbone used when none is named: the reference service's architecture. */
    public static final String DEFAULT = "resnet50";

    /**
     * One named backbone.
     *
     * @param sha256       the pinned SHA-256 of the file, or null where none is known: then the download
     *                     is accepted after a structural check ({@link BackboneCheck})
     * @param featureDim   width of the penultimate feature tensor
     * @param imagenetTop1 ImageNet-1k validation top-1 accuracy as published by the source, 0..1
     */
    public record Entry(String name, URI url, String sha256, int featureDim, String description, String licence,
                        double imagenetTop1) {

        /** The file name in the cache: the source's own, so a new upstream version is a new file. */
        public String fileName() {
            String path = url.getPath();
            return path.substring(path.lastIndexOf('/') + 1);
        }

        /** The same backbone from another place (a mirror, or a test server); the file name must not change. */
        public Entry withUrl(URI mirror) {
            Entry moved = new Entry(name, mirror, sha256, featureDim, description, licence, imagenetTop1);
            if (!moved.fileName().equals(fileName())) {
                throw new IllegalArgumentException("mirror URL " + mirror + " must end in /" + fileName());
            }
            return moved;
        }
    }

    private static final String ZOO = "https://github.com/onnx/models/raw/main/validated/vision/classification/";

    private static final BackboneRegistry STANDARD = new BackboneRegistry(List.of(
            new Entry("resnet50", URI.create(ZOO + "resnet/model/resnet50-v1-12.onnx"), null, 2048,
                    "ResNet-50 v1, 224x224, float32, ONNX Model Zoo (about 98 MB)", "Apache-2.0", 0.7493),
            new Entry("mobilenetv2-int8", URI.create(ZOO + "mobilenet/model/mobilenetv2-12-int8.onnx"),
                    "83530ad811bc31d2b60a5599a21265a5057608c9b044b4ee758cc22f2309f54f", 1280,
                    "MobileNetV2 1.0, 224x224, int8 quantised, ONNX Model Zoo (3.7 MB)", "Apache-2.0", 0.6830)));

    private final List<Entry> entries;

    public BackboneRegistry(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** The project's named backbones: {@code resnet50} (default) and {@code mobilenetv2-int8}. */
    public static BackboneRegistry standard() {
        return STANDARD;
    }

    /** The entry with this name, ignoring case. */
    public Optional<Entry> find(String name) {
        return entries.stream().filter(e -> e.name().equalsIgnoreCase(name.strip())).findFirst();
    }

    /** The entry whose pinned SHA-256 this is: a registered backbone is recognised by its bytes, wherever it came from. */
    public Optional<Entry> findBySha256(String sha256) {
        return entries.stream().filter(e -> e.sha256() != null && e.sha256().equalsIgnoreCase(sha256)).findFirst();
    }

    public List<Entry> entries() {
        return entries;
    }

    public List<String> names() {
        return entries.stream().map(Entry::name).toList();
    }
}
