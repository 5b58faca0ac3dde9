package dev.imageclassifier;

import dev.imageclassifier.explain.ClassActivationMap;
import dev.imageclassifier.explain.HeatmapOverlay;
import dev.imageclassifier.inference.BatchRunner;
import dev.imageclassifier.inference.ImagePipeline;
import dev.imageclassifier.model.ClassifierModel;
import dev.imageclassifier.vision.ImageDecoder;
import dev.imageclassifier.vision.Preprocessor;
import dev.imageclassifier.vision.View;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The explaining side of an {@link ImageClassifier}: its own pipeline over the model's explaining session,
 * both made on the first explanation asked for, so a classifier that is never asked why costs nothing more.
 */
final class Explainer implements AutoCloseable {

    private final ClassifierModel model;
    private final Function<BatchRunner, ImagePipeline> factory;
    private final List<View> views;
    private final Preprocessor preprocessor;
    private final ImageDecoder decoder;
    private ImagePipeline pipeline;
    private boolean closed;

    /** @param factory makes a pipeline like the classifier's own around another runner */
    Explainer(ClassifierModel model, Function<BatchRunner, ImagePipeline> factory, List<View> views, Preprocessor preprocessor,
              ImageDecoder decoder) {
        this.model = model;
        this.preprocessor = preprocessor;
        this.decoder = decoder;
        this.factory = factory;
        this.views = views;
    }

    /**
     * Starts one image on its way; the explanation is for {@code label}, or the top class when null.
     *
     * @throws IllegalArgumentException for a label the model does not know
     * @throws InvalidModelException    when the model cannot be explained
     */
    CompletableFuture<Explanation> submit(byte[] image, String label, long deadline) throws OverloadedException, InvalidModelException {
        List<String> labels = model.metadata().labels();
        if (label != null && !labels.contains(label)) {
            throw new IllegalArgumentException("unknown class '" + label + "': it is not one of the model's " + labels.size()
                    + " classes");
        }
        boolean[] mirrored = new boolean[views.size()];
        for (int v = 0; v < mirrored.length; v++) {
            mirrored[v] = views.get(v).kind() == View.Kind.CENTER_FLIP;
        }
        return pipeline().submit(image, views, 0, deadline).thenApply(output -> {
            Prediction prediction = ImageClassifier.prediction(labels, output); // rows: probabilities, then the maps
            String explained = label != null ? label : prediction.label();
            return new Explanation(prediction, explained,
                    ClassActivationMap.grid(output.rows(), mirrored, labels.size(), labels.indexOf(explained)));
        });
    }

    /** The photo with the map drawn over the part the model saw, as PNG (decoded no larger than needed). */
    byte[] overlayPng(byte[] image, float[][] grid, int maxSide) throws InvalidImageException {
        return decoder.decode(image, maxSide, photo ->
                HeatmapOverlay.png(HeatmapOverlay.draw(photo, preprocessor.box(photo.width(), photo.height()), grid, maxSide)));
    }

    private synchronized ImagePipeline pipeline() throws InvalidModelException, OverloadedException {
        if (closed) {
            throw new OverloadedException("The classifier is closed");
        }
        if (pipeline == null) {
            pipeline = factory.apply(model.explaining());
        }
        return pipeline;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (pipeline != null) {
            pipeline.close();
        }
    }
}
