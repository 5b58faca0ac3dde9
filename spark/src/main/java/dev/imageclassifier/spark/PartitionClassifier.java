package dev.imageclassifier.spark;

import dev.imageclassifier.ImageClassifier;
import dev.imageclassifier.InferenceException;
import dev.imageclassifier.Prediction;
import dev.imageclassifier.ScoredLabel;
import dev.imageclassifier.InvalidImageException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;

import java.util.Iterator;
import java.util.concurrent.CompletableFuture;

/**
 * Classifies one partition of {@code (path, content)} rows with the executor's shared classifier: one
 * output row per file, {@code (path, predicted_class, confidence, top_k, error)}. A file that is not a
 * usable image becomes a row with its {@code error} and no prediction; only a failure of the model
 * itself fails the task.
 */
final class PartitionClassifier implements MapPartitionsFunction<Row, Row> {

    /** One label of the top-k. */
    static final StructType SCORED_LABEL = new StructType()
            .add("label", DataTypes.StringType, false)
            .add("confidence", DataTypes.FloatType, false);

    /** The output table. */
    static final StructType SCHEMA = new StructType()
            .add("path", DataTypes.StringType, false)
            .add("predicted_class", DataTypes.StringType, true)
            .add("confidence", DataTypes.FloatType, true)
            .add("top_k", DataTypes.createArrayType(SCORED_LABEL, false), true)
            .add("error", DataTypes.StringType, true);

    private final ShippedFile model;
    private final int topK;
    private final int batchSize;
    private final LongAccumulator images;
    private final LongAccumulator errors;

    PartitionClassifier(ShippedFile model, int topK, int batchSize, LongAccumulator images, LongAccumulator errors) {
        this.model = model;
        this.topK = topK;
        this.batchSize = batchSize;
        this.images = images;
        this.errors = errors;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> files) {
        ImageClassifier classifier = ExecutorResources.classifier(model.localPath(), batchSize);
        return new AheadIterator<>(files, 4 * batchSize, new AheadIterator.Step<Row, Prediction, Row>() {
            @Override
            public CompletableFuture<Prediction> start(Row file) {
                return classifier.submit((byte[]) file.get(1));
            }

            @Override
            public Row finish(Row file, Prediction prediction, Throwable failure) {
                images.add(1);
                if (failure instanceof InvalidImageException) {
                    errors.add(1);
                    return RowFactory.create(file.getString(0), null, null, null, failure.getMessage());
                }
                if (failure != null) {
                    throw new InferenceException(file.getString(0) + ": " + failure.getMessage(), failure);
                }
                Row[] top = prediction.top(topK).stream().map(PartitionClassifier::row).toArray(Row[]::new);
                return RowFactory.create(file.getString(0), prediction.label(), prediction.confidence(), top, null);
            }
        });
    }

    private static Row row(ScoredLabel scored) {
        return RowFactory.create(scored.label(), scored.confidence());
    }
}
