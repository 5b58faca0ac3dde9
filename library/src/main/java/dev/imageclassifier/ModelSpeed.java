package dev.imageclassifier;

import dev.imageclassifier.model.ClassifierModel;
import dev.imageclassifier.model.RandomHeadClassifier;
import dev.imageclassifier.quantize.OrtSpeed;
import dev.imageclassifier.vision.ImageDecoder;
import dev.imageclassifier.vision.LargePhoto;
import dev.imageclassifier.vision.Preprocessor;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * A classifier file's speed in ONNX Runtime alone, in this process, with the runtime settings
 * {@link ImageClassifier} uses: the ceiling a server is measured against. On a machine whose speed
 * drifts, "the server reached 95 % of what the model alone did a minute earlier" says more than a bare
 * requests-per-second figure.
 *
 * @param batch1Millis    median milliseconds for one image at batch size 1
 * @param batchSize       the batch size of {@code imagesPerSecond}
 * @param imagesPerSecond images per second at {@code batchSize}
 */
public record ModelSpeed(double batch1Millis, int batchSize, double imagesPerSecond) {

    /**
     * Runs one preprocessed copy of {@code image} at batch size 1, then at {@code batchSize}, each for {@code duration}.
     *
     * @param model     a classifier file
     * @param image     an encoded image, preprocessed once as the model's metadata says
     * @param batchSize the larger batch
     * @param duration  how long each of the two runs
     * @return the speeds
     * @throws InvalidModelException when the file is not a classifier
     * @throws InvalidImageException when the image cannot be decoded
     */
    public static ModelSpeed measure(Path model, byte[] image, int batchSize, Duration duration)
            throws InvalidModelException, InvalidImageException {
        try (ClassifierModel classifier = ClassifierModel.load(model, ClassifierOptions.defaults().runtime())) {
            float[] row = new ImageDecoder().tensor(image, new Preprocessor(classifier.metadata().preprocessing()));
            OrtSpeed speed = OrtSpeed.of(classifier, row, batchSize, duration);
            return new ModelSpeed(speed.batch1Millis(), batchSize, speed.imagesPerSecond());
        } catch (ai.onnxruntime.OrtException e) {
            throw new InferenceException("ONNX Runtime failed while measuring: " + e.getMessage(), e);
        }
    }

    /**
     * How long this library takes from an encoded image to the model input of {@code model} (format sniffing,
     * decoding, resizing, normalising: what the server reports as {@code timing_ms.preprocess}) on this thread,
     * the way {@link ImageClassifier} does it, {@code --exact-preprocessing} included.
     *
     * @param model   a classifier file (its metadata says the preprocessing)
     * @param images  encoded images, each measured on its own
     * @param repeats timed runs per image, after as many untimed ones
     * @return the median milliseconds of each image, in order
     * @throws InvalidModelException when the file is not a classifier
     * @throws InvalidImageException when an image cannot be decoded
     */
    public static double[] preprocessMillis(Path model, List<byte[]> images, int repeats)
            throws InvalidModelException, InvalidImageException {
        Preprocessor preprocessor;
        try (ClassifierModel classifier = ClassifierModel.load(model, ClassifierOptions.defaults().runtime())) {
            preprocessor = new Preprocessor(classifier.metadata().preprocessing());
        }
        ImageDecoder decoder = new ImageDecoder();
        double[] medians = new double[images.size()];
        long[] nanos = new long[repeats];
        for (int i = 0; i < medians.length; i++) {
            for (int run = -repeats; run < repeats; run++) {
                long start = System.nanoTime();
                decoder.tensor(images.get(i), preprocessor);
                if (run >= 0) {
                    nanos[run] = System.nanoTime() - start;
                }
            }
            Arrays.sort(nanos);
            medians[i] = nanos[repeats / 2] / 1e6;
        }
        return medians;
    }

    /**
     * Writes a classifier made of {@code backbone} and an untrained random head over {@code classes} numbered
     * labels: for measuring speed and memory on a backbone you have not trained on (its answers are meaningless).
     *
     * @param backbone an ImageNet backbone ONNX file
     * @param classes  output classes
     * @param out      where the classifier goes
     * @throws InvalidModelException when the backbone cannot be used
     * @throws IOException           when the file cannot be written
     */
    public static void writeUntrainedClassifier(Path backbone, int classes, Path out) throws InvalidModelException, IOException {
        String name = backbone.getFileName().toString().replaceFirst("\\.onnx$", "");
        RandomHeadClassifier.write(backbone, name, RandomHeadClassifier.numberedLabels(classes), 0, out);
    }

    /**
     * A phone-photo-sized JPEG made from a small image, to measure with the inputs users send: upscaled with an
     * antialiased bilinear filter, with mild sensor-like noise, written at quality 92, 4:2:0, as phones do.
     *
     * @param source an encoded image
     * @param width  the photo's width
     * @param height the photo's height
     * @param seed   seed of the noise
     * @return the JPEG's bytes
     * @throws InvalidImageException when {@code source} cannot be decoded
     * @throws IOException           when encoding fails
     */
    public static byte[] phonePhoto(byte[] source, int width, int height, long seed) throws InvalidImageException, IOException {
        return LargePhoto.jpeg(source, width, height, seed);
    }

    /**
     * {@link #phonePhoto(byte[], int, int, long)} at about {@code megapixels}, the source's aspect ratio kept.
     *
     * @param source     an encoded image
     * @param megapixels the photo's size, e.g. 12
     * @param seed       seed of the noise
     * @return the JPEG's bytes
     * @throws InvalidImageException when {@code source} cannot be decoded
     * @throws IOException           when encoding fails
     */
    public static byte[] phonePhoto(byte[] source, double megapixels, long seed) throws InvalidImageException, IOException {
        return LargePhoto.jpeg(source, megapixels, seed);
    }
}
