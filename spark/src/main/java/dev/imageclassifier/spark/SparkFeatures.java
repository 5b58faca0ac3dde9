package dev.imageclassifier.spark;

import dev.imageclassifier.FeatureRequest;
import dev.imageclassifier.FeatureSource;
import dev.imageclassifier.FeatureTable;
import dev.imageclassifier.Progress;
import dev.imageclassifier.ProgressListener;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Features computed on Spark's executors: what the Spark {@code train} job plugs into the library's
 * {@code Trainer}, and all it changes. The request's images are read once with binaryFile from the
 * dataset's root (any Hadoop URI), the backbone is shipped to the executors, and the table is written as
 * Parquet ({@code path, label, split, features, error}) — the full extraction to {@code featureDir}, the
 * framing choice's samples beside it.
 */
final class SparkFeatures implements FeatureSource {

    private final SparkSession spark;
    private final TrainingImages images;
    private final String featureDir;
    private final HeadChoice head;
    private final ProgressListener progress;
    private int extractions;

    /** Who fits the head, and with what, when the features are too large for the driver. */
    record HeadChoice(TrainJob.HeadTrainerKind kind, MllibHead mllib) {
    }

    SparkFeatures(SparkSession spark, TrainingImages images, String featureDir, HeadChoice head, ProgressListener progress) {
        this.spark = spark;
        this.images = images;
        this.featureDir = featureDir;
        this.head = head;
        this.progress = progress;
    }

    @Override
    public FeatureTable extract(FeatureRequest request, Progress bar) {
        boolean full = request.images().size() == images.split().images().size();
        // the full table is the job's output; the framing choice's samples go beside it, one folder each
        String out = full ? featureDir : featureDir + "-sample-" + request.framing() + "-" + (++extractions);
        ShippedFile backbone = ShippedFile.ship(spark, request.backbone().toString());
        images.withContent(spark, request.images())
                .mapPartitions(new PartitionFeatures(backbone, request), Encoders.row(PartitionFeatures.SCHEMA))
                .write().mode(SaveMode.Overwrite).parquet(out);
        Dataset<Row> table = spark.read().parquet(out);
        bar.step(request.images().size());
        return new SparkFeatureTable(spark, table, request, head, progress);
    }
}
