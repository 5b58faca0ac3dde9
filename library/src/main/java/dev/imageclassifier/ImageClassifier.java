package dev.imageclassifier;

import dev.imageclassifier.explain.HeatmapOverlay;
import dev.imageclassifier.inference.BatchRunner;
import dev.imageclassifier.inference.ImagePipeline;
import dev.imageclassifier.model.ClassifierModel;
import dev.imageclassifier.vision.DecodeBudget;
import dev.imageclassifier.vision.ImageDecoder;
import dev.imageclassifier.vision.Preprocessor;
import dev.imageclassifier.vision.View;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A trained classifier file, ready to classify images: the front door of this project, for Java programs
 * that embed the model as much as for its own server and tools.
 *
 * <pre>{@code
 * try (ImageClassifier classifier = ImageClassifier.load(Path.of("model/classifier.onnx"))) {
 *     Prediction p = classifier.classify(Files.readAllBytes(Path.of("cat.jpg")));
 *     p.label(); p.confidence(); p.top(5);
 * }
 * }</pre>
 *
 * <p>Thread-safe and meant to be long-lived: load it once and share it. Concurrent calls are decoded on a
 * small worker pool and grouped into batches for ONNX Runtime (see {@link ClassifierOptions}). Labels and
 * preprocessing come from the file's metadata, so an image is prepared exactly as in training. Bad bytes
 * throw {@link InvalidImageException} ({@link dev.imageclassifier.ImageTooLargeException} for size),
 * a bad model file {@link InvalidModelException}, a failing model run {@link InferenceException}.
 */
public final class ImageClassifier implements AutoCloseable {

    private final ClassifierModel model;
    private final ImagePipeline pipeline;
    private final List<View> views;
    private final ClassifierOptions options;
    private final Explainer explainer;
    private final ModelInfo info;
    private final Path file;

    private ImageClassifier(Path file, ClassifierModel model, ImagePipeline pipeline, ClassifierOptions options,
                            Function<BatchRunner, ImagePipeline> pipelines, ImageDecoder decoder) {
        this.file = file;
        this.model = model;
        this.pipeline = pipeline;
        this.options = options;
        this.views = options.flipAveraging() ? List.of(View.CENTER, View.CENTER_FLIP) : List.of(View.CENTER);
        this.explainer = new Explainer(model, pipelines, views, pipeline.preprocessor(), decoder);
        this.info = ModelInfo.of(model.metadata());
    }

    /**
     * The largest image this JVM's heap can decode at once (decoding needs about 16 bytes a pixel, and
     * images beyond it are refused with {@link ImageTooLargeException}, whatever the pixel limit): a
     * server warns when its pixel limit is above it.
     *
     * @return pixels
     */
    public static long decodablePixels() {
        return DecodeBudget.PROCESS.capacityBytes() / DecodeBudget.BYTES_PER_PIXEL;
    }

    /**
     * Loads a classifier file made by this library's {@link Trainer} (or its int8 version made by
     * {@link Int8Quantizer}), with {@link ClassifierOptions#defaults()}.
     *
     * @param file the classifier's ONNX file
     * @return the classifier, ready to use; close it when done
     * @throws InvalidModelException when there is no file at {@code file}, it is a folder, it is a bare backbone
     *                               rather than a classifier, or ONNX Runtime cannot use it
     *                               ({@link InvalidModelException#problem()} says which)
     */
    public static ImageClassifier load(Path file) throws InvalidModelException {
        return load(file, ClassifierOptions.defaults());
    }

    /**
     * Loads a classifier file made by this library's {@link Trainer} (or its int8 version made by
     * {@link Int8Quantizer}), running it as {@code options} say.
     *
     * @param file    the classifier's ONNX file
     * @param options threads, device, image limits and batching
     * @return the classifier, ready to use; close it when done
     * @throws InvalidModelException when there is no file at {@code file}, it is a folder, it is a bare backbone
     *                               rather than a classifier, or ONNX Runtime cannot use it
     *                               ({@link InvalidModelException#problem()} says which)
     */
    public static ImageClassifier load(Path file, ClassifierOptions options) throws InvalidModelException {
        ClassifierModel model = ClassifierModel.load(file, options.runtime());
        ImagePipeline.Settings settings = new ImagePipeline.Settings(options.maxBatchSize(), options.maxBatchDelay(),
                options.queueCapacity(), options.workers(), model.parallelRuns());
        Preprocessor preprocessor = new Preprocessor(model.metadata().preprocessing());
        ImageDecoder decoder = new ImageDecoder(options.maxPixels());
        ImagePipeline pipeline = new ImagePipeline("classifier", preprocessor, decoder, model, settings, options.monitor());
        return new ImageClassifier(file, model, pipeline, options,
                runner -> new ImagePipeline("explain", preprocessor, decoder, runner, settings, options.monitor()), decoder);
    }

    /**
     * Classifies one encoded image (JPEG, PNG, GIF, BMP, WebP, TIFF), waiting for a place in the queue when
     * it is full and then for the answer.
     *
     * @param image the encoded image's bytes
     * @return the prediction
     * @throws InvalidImageException for bytes that are empty, not a supported image, corrupt, or too large
     *                               ({@link ImageTooLargeException})
     * @throws InferenceException    when the model fails, the classifier is closed, or the thread is interrupted
     */
    public Prediction classify(byte[] image) throws InvalidImageException {
        return await(submit(image));
    }

    /**
     * Classifies one image file: {@link #classify(byte[])} of its bytes.
     *
     * @param file an encoded image (JPEG, PNG, GIF, BMP, WebP, TIFF)
     * @return the prediction
     * @throws IOException           when the file cannot be read
     * @throws InvalidImageException for content that is empty, not a supported image, corrupt, or too large
     *                               ({@link ImageTooLargeException})
     * @throws InferenceException    when the model fails, the classifier is closed, or the thread is interrupted
     */
    public Prediction classify(Path file) throws IOException, InvalidImageException {
        return classify(Files.readAllBytes(file));
    }

    /**
     * Classifies several images in one call (they share model batches): one {@link Classification} per
     * image, in order, each a prediction or the reason there is none. Waits while the queue is full.
     *
     * <pre>{@code
     * for (Classification c : classifier.classifyAll(images)) {
     *     System.out.println(c.isSuccess() ? c.prediction().label() : c.error().getMessage());
     * }
     * }</pre>
     *
     * @param images encoded images
     * @return one classification per image, in the order of {@code images}; a failed one holds its
     *         {@link InvalidImageException} or {@link InferenceException}
     */
    public List<Classification> classifyAll(List<byte[]> images) {
        List<CompletableFuture<Prediction>> pending = new ArrayList<>(images.size());
        images.forEach(image -> pending.add(submit(image)));
        List<Classification> results = new ArrayList<>(images.size());
        for (CompletableFuture<Prediction> future : pending) {
            try {
                results.add(Classification.of(await(future)));
            } catch (InvalidImageException | InferenceException e) {
                results.add(Classification.failed(e));
            }
        }
        return results;
    }

    /**
     * Starts one image on its way and returns at once with its future answer, waiting first only while
     * the queue is full (so a caller with a folder to get through goes at the model's pace).
     *
     * @param image the encoded image's bytes
     * @return the prediction to come; it fails with {@link InvalidImageException} for bytes that are not a
     *         usable image, with {@link InferenceException} when the classifier is closed or the thread is
     *         interrupted while waiting, or with the model's error when the model run fails
     */
    public CompletableFuture<Prediction> submit(byte[] image) {
        try {
            return predictions(pipeline.submitWaiting(image, views, 0));
        } catch (OverloadedException e) {
            return CompletableFuture.failedFuture(new InferenceException("The classifier is closed", e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.failedFuture(new InferenceException("Interrupted while waiting for the queue", e));
        }
    }

    /**
     * Starts one image on its way, refusing at once when the queue is full: how a server sheds load. The
     * future fails with {@link java.util.concurrent.TimeoutException} when {@code deadline}
     * ({@link System#nanoTime()}) passes before the image's batch runs.
     *
     * @param image    the encoded image's bytes
     * @param deadline the {@link System#nanoTime()} value after which the image is no longer worth classifying
     * @return the prediction to come; it fails with {@link InvalidImageException} for bytes that are not a
     *         usable image, with a {@link java.util.concurrent.TimeoutException} past {@code deadline}, or with
     *         the model's error when the model run fails
     * @throws OverloadedException when every place in the queue is taken, or the classifier is closing
     */
    public CompletableFuture<Prediction> trySubmit(byte[] image, long deadline) throws OverloadedException {
        return predictions(pipeline.submit(image, views, 0, deadline));
    }

    /**
     * Classifies one image and says why: the class activation map of {@code label}, or of the top class
     * when it is null. The first call prepares the explaining session (a fraction of a second).
     *
     * @param image the encoded image's bytes
     * @param label one of {@link #labels()}, or null for the most probable class
     * @return the prediction and the class activation map of the explained class
     * @throws InvalidImageException    for bytes that are empty, not a supported image, corrupt, or too large
     * @throws IllegalArgumentException for a label the model does not know
     * @throws InferenceException       when this model cannot be explained (no global pool before a linear head),
     *                                  the model fails, the classifier is closed, or the thread is interrupted
     */
    public Explanation explain(byte[] image, String label) throws InvalidImageException {
        try {
            return await(explainer.submit(image, label, System.nanoTime() + TimeUnit.DAYS.toNanos(365)));
        } catch (OverloadedException e) {
            throw new InferenceException("The classifier is closed", e);
        } catch (InvalidModelException e) {
            throw new InferenceException(e.getMessage(), e);
        }
    }

    /**
     * {@link #explain(byte[], String)} for an image file.
     *
     * @param file  an encoded image
     * @param label one of {@link #labels()}, or null for the most probable class
     * @return the prediction and the class activation map of the explained class
     * @throws IOException              when the file cannot be read
     * @throws InvalidImageException    for content that is empty, not a supported image, corrupt, or too large
     * @throws IllegalArgumentException for a label the model does not know
     * @throws InferenceException       when this model cannot be explained, the model fails, the classifier is
     *                                  closed, or the thread is interrupted
     */
    public Explanation explain(Path file, String label) throws IOException, InvalidImageException {
        return explain(Files.readAllBytes(file), label);
    }

    /**
     * {@link #explain(byte[], String)} the way a server wants it: refused at once when the queue is full,
     * and failing with a {@link java.util.concurrent.TimeoutException} past {@code deadline}.
     *
     * @param image    the encoded image's bytes
     * @param label    one of {@link #labels()}, or null for the most probable class
     * @param deadline the {@link System#nanoTime()} value after which the explanation is no longer wanted
     * @return the explanation to come; it fails with {@link InvalidImageException} for bytes that are not a
     *         usable image, with a {@link java.util.concurrent.TimeoutException} past {@code deadline}, or with
     *         the model's error when the model run fails
     * @throws OverloadedException      when every place in the queue is taken, or the classifier is closed
     * @throws InvalidModelException    when this model cannot be explained (no global pool before a linear head)
     * @throws IllegalArgumentException for a label the model does not know
     */
    public CompletableFuture<Explanation> trySubmitExplained(byte[] image, String label, long deadline)
            throws OverloadedException, InvalidModelException {
        return explainer.submit(image, label, deadline);
    }

    /**
     * The photo with an explanation's map upsampled and blended over the part the model saw (the rest
     * dimmed), as PNG, at most {@value HeatmapOverlay#MAX_SIDE} pixels on its longer side.
     *
     * @param image       the encoded image that was explained
     * @param explanation its explanation, from {@link #explain(byte[], String)} or {@link #trySubmitExplained}
     * @return the PNG file's bytes
     * @throws InvalidImageException for bytes that are empty, not a supported image, corrupt, or too large
     */
    public byte[] heatmapPng(byte[] image, Explanation explanation) throws InvalidImageException {
        return heatmapPng(image, explanation, HeatmapOverlay.MAX_SIDE);
    }

    /**
     * {@link #heatmapPng(byte[], Explanation)} at most {@code maxSide} pixels on the longer side (thumbnails).
     *
     * @param image       the encoded image that was explained
     * @param explanation its explanation, from {@link #explain(byte[], String)} or {@link #trySubmitExplained}
     * @param maxSide     the longest side of the PNG, in pixels
     * @return the PNG file's bytes
     * @throws InvalidImageException for bytes that are empty, not a supported image, corrupt, or too large
     */
    public byte[] heatmapPng(byte[] image, Explanation explanation, int maxSide) throws InvalidImageException {
        return explainer.overlayPng(image, explanation.grid(), maxSide);
    }

    private CompletableFuture<Prediction> predictions(CompletableFuture<ImagePipeline.Output> outputs) {
        return outputs.thenApply(output -> prediction(labels(), output));
    }

    /** The prediction of one image from its views' output rows: the mean of their first {@code labels.size()} values. */
    static Prediction prediction(List<String> labels, ImagePipeline.Output output) {
        return new Prediction(labels, mean(output.rows(), labels.size()), new Prediction.Timing(
                output.preprocessNanos(), output.queueNanos(), output.inferenceNanos(), output.batchSize()));
    }

    /** @return the class names in the model's output order (the order of {@link Prediction#probabilities()}) */
    public List<String> labels() {
        return model.metadata().labels();
    }

    /** @return everything the file says about itself: labels, backbone, preprocessing, recipe, metrics, … */
    public ModelInfo info() {
        return info;
    }

    /** The file's metadata as the internals read it (the preprocessing, for tests and the explainer). */
    dev.imageclassifier.model.ModelMetadata metadata() {
        return model.metadata();
    }

    /** @return the file it was loaded from */
    public Path file() {
        return file;
    }

    /**
     * Classifies the validation images of a split and measures how well this model does on them.
     *
     * @param split    a split of images of this model's classes
     * @param progress counts the images
     * @return the figures, and the files that show them
     * @throws IllegalArgumentException when the split has a class the model does not know
     */
    public EvaluationResult evaluate(DatasetSplit split, Progress progress) {
        return EvaluationResult.of(this, split, progress);
    }

    /** @return the options it was loaded with */
    public ClassifierOptions options() {
        return options;
    }

    /** Lets queued images finish, then frees the model. */
    @Override
    public void close() {
        explainer.close();
        pipeline.close();
        model.close();
    }

    private static <T> T await(CompletableFuture<T> future) throws InvalidImageException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InferenceException("Interrupted while waiting for the model", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof CompletionException c && c.getCause() != null ? c.getCause() : e.getCause();
            if (cause instanceof InvalidImageException invalid) {
                throw invalid;
            }
            if (cause instanceof InferenceException inference) {
                throw inference;
            }
            throw new InferenceException("The model failed: " + cause, cause);
        }
    }

    /** The average of the views' probabilities (one view: itself). */
    private static float[] mean(float[][] rows, int width) {
        float[] mean = Arrays.copyOf(rows[0], width);
        for (int r = 1; r < rows.length; r++) {
            for (int c = 0; c < mean.length; c++) {
                mean[c] += rows[r][c];
            }
        }
        for (int c = 0; c < mean.length && rows.length > 1; c++) {
            mean[c] /= rows.length;
        }
        return mean;
    }
}
