package dev.imageclassifier.serve;

import dev.imageclassifier.ImageClassifier;
import dev.imageclassifier.Prediction;
import dev.imageclassifier.io.Json;
import dev.imageclassifier.InvalidModelException;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;

/**
 * The model the server answers with, or why there is none: a missing or broken model file must not stop
 * the server from starting and saying what is wrong on {@code /health}.
 */
public sealed interface ServedModel extends AutoCloseable {

    /** What /health says while the model loads (Jetty starts alongside). */
    String LOADING = "The model is still loading";

    /** A loaded, warmed-up model. */
    record Ready(ImageClassifier classifier) implements ServedModel {
        @Override
        public void close() {
            classifier.close();
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

    /** Loads the classifier named in the settings and runs one image through the whole path. */
    static ServedModel load(ServeSettings settings, MeterRegistry registry) {
        long start = System.nanoTime();
        ImageClassifier classifier;
        try {
            classifier = ImageClassifier.load(settings.model(), settings.classifier().toBuilder().monitor(new MicrometerMonitor(registry)).build());
        } catch (InvalidModelException e) {
            log().error("No model to serve: {}", e.getMessage());
            return new Unavailable(ModelProblem.describe(settings.model(), e));
        }
        try {
            // The first run allocates ONNX Runtime's buffers, loads the decoders and sets up Jackson's
            // serializers: pay for it here, beside Jetty's start-up, not on the first request.
            long warmUpStart = System.nanoTime();
            Prediction prediction = classifier.submit(warmUpImage()).get(60, TimeUnit.SECONDS);
            Json.compact(PredictionJson.of(prediction, 5, warmUpStart));
        } catch (Exception e) {
            classifier.close();
            log().error("The model failed its warm-up run", e);
            return new Unavailable(ModelProblem.WARM_UP_FAILED);
        }
        log().info("Serving {} ({} classes, backbone {}), loaded and warmed up in {} ms", settings.model(),
                classifier.labels().size(), classifier.info().backbone().name(), (System.nanoTime() - start) / 1_000_000);
        return new Ready(classifier);
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
