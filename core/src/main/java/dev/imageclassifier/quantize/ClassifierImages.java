package dev.imageclassifier.quantize;

import ai.onnxruntime.OrtException;
import dev.imageclassifier.io.Progress;
import dev.imageclassifier.model.Classifier;
import dev.imageclassifier.model.InvalidModelException;
import dev.imageclassifier.model.RuntimeOptions;
import dev.imageclassifier.model.TensorBatch;
import dev.imageclassifier.vision.ImageDecoder;
import dev.imageclassifier.vision.InvalidImageException;
import dev.imageclassifier.vision.Preprocessing;
import dev.imageclassifier.vision.Preprocessor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The quantizer's one contact with image files and classifier files: decode + preprocess images into
 * model input rows, and the top-1 answers of classifier files on images. (When the library's inference
 * core lands, this is the class to point at it.)
 */
final class ClassifierImages {

    /** Images decoded at once: bounds memory (a 224² row is 0.6 MB) while both cores decode. */
    private static final int CHUNK = 32;
    private static final int BATCH = 8;

    private ClassifierImages() {
    }

    /** Model input rows of the images that decode; each image that does not is added to {@code failures}. */
    static List<float[]> tensors(List<Path> images, Preprocessing preprocessing, List<String> failures) {
        Preprocessor preprocessor = new Preprocessor(preprocessing);
        ImageDecoder decoder = new ImageDecoder();
        List<float[]> rows = new ArrayList<>();
        for (int start = 0; start < images.size(); start += CHUNK) {
            List<Path> chunk = images.subList(start, Math.min(images.size(), start + CHUNK));
            List<Optional<float[]>> decoded = chunk.parallelStream().map(path -> decode(decoder, preprocessor, path, failures)).toList();
            decoded.forEach(row -> row.ifPresent(rows::add));
        }
        return rows;
    }

    /**
     * The top-1 label index each classifier gives each image ({@code [model][image]}, -1 where the image
     * does not decode); every image is decoded once for all the models.
     */
    static int[][] top1(List<Path> classifiers, List<Path> images, RuntimeOptions options, Progress progress)
            throws InvalidModelException, OrtException {
        List<Classifier> loaded = new ArrayList<>();
        try {
            for (Path file : classifiers) {
                loaded.add(Classifier.load(file, options));
            }
            Preprocessor preprocessor = loaded.get(0).preprocessor();
            ImageDecoder decoder = new ImageDecoder();
            int[][] answers = new int[loaded.size()][images.size()];
            List<String> failures = new ArrayList<>();
            for (int start = 0; start < images.size(); start += CHUNK) {
                List<Path> chunk = images.subList(start, Math.min(images.size(), start + CHUNK));
                List<Optional<float[]>> rows = chunk.parallelStream().map(path -> decode(decoder, preprocessor, path, failures)).toList();
                for (int m = 0; m < loaded.size(); m++) {
                    answer(loaded.get(m), rows, answers[m], start);
                }
                progress.step(chunk.size());
            }
            return answers;
        } finally {
            loaded.forEach(Classifier::close);
        }
    }

    private static void answer(Classifier classifier, List<Optional<float[]>> rows, int[] answers, int offset) throws OrtException {
        TensorBatch batch = classifier.newBatch(BATCH);
        List<Integer> members = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            answers[offset + i] = -1;
            if (rows.get(i).isPresent()) {
                batch.add(rows.get(i).get());
                members.add(offset + i);
            }
            if (batch.isFull() || (i == rows.size() - 1 && !batch.isEmpty())) {
                float[][] probabilities = classifier.probabilities(batch);
                for (int r = 0; r < probabilities.length; r++) {
                    answers[members.get(r)] = argmax(probabilities[r]);
                }
                batch.clear();
                members.clear();
            }
        }
    }

    static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    private static Optional<float[]> decode(ImageDecoder decoder, Preprocessor preprocessor, Path path, List<String> failures) {
        try {
            return Optional.of(decoder.decode(Files.readAllBytes(path), preprocessor::toTensor));
        } catch (InvalidImageException | IOException e) {
            synchronized (failures) {
                failures.add(path + ": " + e.getMessage());
            }
            return Optional.empty();
        }
    }
}
