package dev.imageclassifier.serve;

import dev.imageclassifier.io.Json;
import dev.imageclassifier.model.Classifier;
import dev.imageclassifier.model.InvalidModelException;
import dev.imageclassifier.model.ModelMetadata;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

/**
 * The model the server answers with, or why there is none: a missing or broken model file must not stop
 * the server from starting and saying what is wrong on {@code /health}.
 */
public sealed interface ServedModel extends AutoCloseable {

    /** What /health says while the model loads (Jetty starts alongside). */
    String LOADING = "The model is still loading";

    /** A loaded, warmed-up model. */
    record Ready(Predictor predictor, ModelMetadata metadata) implements ServedModel {
        @Override
        public void close() {
            predictor.close();
        }
    }

    /** No model: {@code reason} is shown to clients. */
    record Unavailable(String reason) implements ServedModel {
        @Override
        public void close() {
        }
    }

    @Override
    void close();

    /**
     * Models up to this size get a second, single-threaded session for batches that run side by side
     * (about 20 % more images per second for MobileNetV2-int8). A second session costs about three times
     * the file in memory, so larger models (ResNet-50: +350 MiB) keep one.
     */
    long PARALLEL_SESSION_MAX_BYTES = 32L << 20;

    /** Loads the classifier named in the settings and runs one image through the whole path. */
    static ServedModel load(ServeSettings settings, MeterRegistry registry) {
        long start = System.nanoTime();
        Classifier classifier;
        Classifier parallel = null;
        try {
            classifier = Classifier.load(settings.model(), settings.runtime());
            if (settings.runtime().parallelRuns() > 1 && Files.size(settings.model()) <= PARALLEL_SESSION_MAX_BYTES) {
                parallel = Classifier.load(settings.model(), settings.runtime().singleThreadedRuns());
            }
        } catch (InvalidModelException | IOException e) {
            log().error("No model to serve: {}", e.getMessage());
            return new Unavailable(ModelProblem.describe(settings.model(), e));
        }
        Predictor predictor = new Predictor(classifier, parallel, settings, registry);
        try {
            // The first run allocates ONNX Runtime's buffers, loads the decoders and sets up Jackson's
            // serializers: pay for it here, beside Jetty's start-up, not on the first request.
            long warmUpStart = System.nanoTime();
            Prediction prediction = predictor.submit(warmUpImage(), warmUpStart + TimeUnit.SECONDS.toNanos(60)).get(60, TimeUnit.SECONDS);
            Json.compact(PredictionJson.of(predictor, prediction, 5, warmUpStart));
        } catch (Exception e) {
            predictor.close();
            log().error("The model failed its warm-up run", e);
            return new Unavailable(ModelProblem.WARM_UP_FAILED);
        }
        log().info("Serving {} ({} classes, backbone {}), loaded and warmed up in {} ms", settings.model(),
                classifier.labels().size(), classifier.metadata().backboneName(), (System.nanoTime() - start) / 1_000_000);
        return new Ready(predictor, classifier.metadata());
    }

    /** Looked up when needed, not at class set-up: logging's own start-up then overlaps ONNX Runtime's. */
    private static Logger log() {
        return LoggerFactory.getLogger(ServedModel.class);
    }

    private static byte[] warmUpImage() {
        BufferedImage image = new BufferedImage(64, 48, BufferedImage.TYPE_3BYTE_BGR);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "jpeg", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
