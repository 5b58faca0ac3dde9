package dev.imageclassifier;

import dev.imageclassifier.vision.View;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a {@link FeatureSource} is asked to compute: the features of some images of a split, through one
 * backbone and one framing, training images under the recipe's views and validation images under the
 * centre view. Serializable, so a cluster can ship it to its workers, where {@link BackboneFeatures#open}
 * computes exactly what a local run computes.
 */
public final class FeatureRequest implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The backbone ONNX file's path. */
    private final String backbone;
    /** The backbone's name. */
    private final String backboneName;
    /** How images are framed. */
    private final Framing framing;
    /** The folder the images' paths are relative to. */
    private final String root;
    /** The images, each with its side of the split, in the answer's order (serialized as strings: see writeObject). */
    private transient List<DatasetSplit.Image> images;
    /** The views of a training image. */
    private final List<View> trainingViews;
    /** Images per backbone call. */
    private final int batchSize;

    FeatureRequest(Path backbone, String backboneName, Framing framing, Path root, List<DatasetSplit.Image> images,
                   List<View> trainingViews, int batchSize) {
        this.backbone = backbone.toString();
        this.backboneName = backboneName;
        this.framing = framing;
        this.root = root.toString();
        this.images = List.copyOf(images);
        this.trainingViews = List.copyOf(trainingViews);
        this.batchSize = batchSize;
    }

    /** @return the backbone ONNX file, as the trainer knows it (a cluster ships it to its workers) */
    public Path backbone() {
        return Path.of(backbone);
    }

    /** @return the backbone's name */
    public String backboneName() {
        return backboneName;
    }

    /** @return how images are framed */
    public Framing framing() {
        return framing;
    }

    /** @return the folder the images' paths are relative to */
    public Path root() {
        return Path.of(root);
    }

    /** @return the images, each with its side of the split: the answer's order */
    public List<DatasetSplit.Image> images() {
        return images;
    }

    /** @return how many feature vectors a training image gets (one per view); a validation image gets one */
    public int trainingViews() {
        return trainingViews.size();
    }

    /** @return images per backbone call */
    public int batchSize() {
        return batchSize;
    }

    /**
     * Writes the request, its images as three strings each.
     *
     * @param out where it goes
     * @throws IOException when writing fails
     * @serialData the fields, the number of images, then each image's path, label and subset
     */
    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        out.writeInt(images.size());
        for (DatasetSplit.Image image : images) {
            out.writeUTF(image.path());
            out.writeUTF(image.label());
            out.writeUTF(image.subset());
        }
    }

    /**
     * Reads a request written by {@link #writeObject}.
     *
     * @param in where it comes from
     * @throws IOException            when reading fails
     * @throws ClassNotFoundException when a field's class is missing
     */
    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        int count = in.readInt();
        List<DatasetSplit.Image> read = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            read.add(new DatasetSplit.Image(in.readUTF(), in.readUTF(), in.readUTF()));
        }
        images = List.copyOf(read);
    }

    List<View> views(boolean training) {
        return training ? trainingViews : List.of(View.CENTER);
    }
}
