package dev.imageclassifier.serve;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.imageclassifier.Prediction;
import dev.imageclassifier.ScoredLabel;

import java.util.List;

/**
 * The body of a successful {@code /predict}: the reference service's two fields, which never change meaning, then the
 * optional top-k list and where the time went.
 *
 * @param predictions the {@code top_k} best labels, only when asked for
 * @param explanation the class activation map, only when asked for ({@code explain=true})
 * @param model       the name of the model that answered
 * @param modelVersion the version of the model that answered
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PredictionJson(@JsonProperty("predicted_class") String predictedClass, float confidence,
                             List<ScoredLabel> predictions, @JsonProperty("batch_size") int batchSize,
                             @JsonProperty("timing_ms") Timing timing, ExplanationJson explanation, String model,
                             @JsonProperty("model_version") String modelVersion) {

    /** Milliseconds spent decoding + preprocessing, waiting for a batch, in the model call, and in total. */
    public record Timing(double preprocess, double queue, double inference, double total) {
    }

    /** @param topK 0 for no list */
    static PredictionJson of(Prediction prediction, int topK, long startNanos) {
        Prediction.Timing took = prediction.timing();
        Timing timing = new Timing(millis(took.preprocessNanos()), millis(took.queueNanos()), millis(took.inferenceNanos()),
                millis(System.nanoTime() - startNanos));
        return new PredictionJson(prediction.label(), prediction.confidence(), topK > 0 ? prediction.top(topK) : null,
                took.batchSize(), timing, null, null, null);
    }

    /** This answer with its explanation. */
    PredictionJson with(ExplanationJson why) {
        return new PredictionJson(predictedClass, confidence, predictions, batchSize, timing, why, model, modelVersion);
    }

    /** This answer, naming the model version that gave it. */
    PredictionJson by(ModelLease lease) {
        return new PredictionJson(predictedClass, confidence, predictions, batchSize, timing, explanation, lease.name(), lease.version());
    }

    private static double millis(long nanos) {
        return Math.round(nanos / 10_000.0) / 100.0;
    }
}
