package dev.imageclassifier.spark;

import dev.imageclassifier.ImageClassifier;
import dev.imageclassifier.InferenceException;
import dev.imageclassifier.Prediction;
import dev.imageclassifier.ScoredLabel;
import dev.imageclassifier.InvalidImageException;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;

import java.util.Iterator;
import java.util.concurrent.CompletableFuture;

/**
 * Classifies one partition of listed files with the executor's shared classifier: each file is read here
 * and becomes one output row, {@code (path, predicted_class, confidence, top_k, error)}. A file that cannot
 * be read, is empty or is not a usable image becomes a row with its {@code error} and no prediction; only a
 * failure of the model itself fails the task.
 */
final class PartitionClassifier implements FlatMapFunction<Iterator<InputFiles.Entry>, Row> {

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
    private final Broadcast<InputFiles.Conf> hadoopConf;
    private final int topK;
    private final int batchSize;
    private final LongAccumulator images;
    private final LongAccumulator errors;

    PartitionClassifier(ShippedFile model, Broadcast<InputFiles.Conf> hadoopConf, int topK, int batchSize, LongAccumulator images,
                        LongAccumulator errors) {
        this.model = model;
        this.hadoopConf = hadoopConf;
        this.topK = topK;
        this.batchSize = batchSize;
        this.images = images;
        this.errors = errors;
    }

    @Override
    public Iterator<Row> call(Iterator<InputFiles.Entry> files) {
        ImageClassifier classifier = ExecutorResources.classifier(model.localPath(), batchSize);
        Configuration conf = hadoopConf.value().value();
        return new AheadIterator<>(files, 4 * batchSize, new AheadIterator.Step<InputFiles.Entry, Prediction, Row>() {
            @Override
            public CompletableFuture<Prediction> start(InputFiles.Entry file) {
                try {
                    return classifier.submit(InputFiles.read(file, conf));
                } catch (InputFiles.Unreadable e) {
                    return CompletableFuture.failedFuture(e);
                }
            }

            @Override
            public Row finish(InputFiles.Entry file, Prediction prediction, Throwable failure) {
                images.add(1);
                if (failure instanceof InvalidImageException || failure instanceof InputFiles.Unreadable) {
                    errors.add(1);
                    return RowFactory.create(file.path(), null, null, null, failure.getMessage());
                }
                if (failure != null) {
                    throw new InferenceException(file.path() + ": " + failure.getMessage(), failure);
                }
                Row[] top = prediction.top(topK).stream().map(PartitionClassifier::row).toArray(Row[]::new);
                return RowFactory.create(file.path(), prediction.label(), prediction.confidence(), top, null);
            }
        });
    }

    private static Row row(ScoredLabel scored) {
        return RowFactory.create(scored.label(), scored.confidence());
    }
}
