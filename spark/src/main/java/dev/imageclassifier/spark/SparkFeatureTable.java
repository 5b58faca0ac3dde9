package dev.imageclassifier.spark;

import dev.imageclassifier.FeatureRequest;
import dev.imageclassifier.FeatureTable;
import dev.imageclassifier.FittedHead;
import dev.imageclassifier.ProgressListener;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/**
 * A feature table in Parquet, as the trainer sees it: brought to the driver in the request's order when it
 * fits there, else left where it is for MLlib to fit the head across the cluster.
 */
final class SparkFeatureTable implements FeatureTable {

    /**
     * The driver trains the head when the features take at most this share of its heap. They are held
     * about twice there (the collected arrays, the trainer's own), beside the driver's Spark state: on
     * Caltech-101 (8,677 images, 44.6 MB of features) the heap peaked at 373 MB in all while collecting and
     * training. A quarter leaves room for both; larger feature sets go to MLlib.
     */
    static final double DRIVER_HEAP_SHARE = 0.25;

    /** The trainer keeps the training features in one Java array: at most 2^31 - 1 floats. */
    static final long MAX_DRIVER_FEATURE_BYTES = 4L * Integer.MAX_VALUE;

    private final SparkSession spark;
    private final Dataset<Row> table;
    private final FeatureRequest request;
    private final SparkFeatures.HeadChoice head;
    private final ProgressListener progress;
    private final long vectors;
    private final int dim;
    private final long failureCount;

    SparkFeatureTable(SparkSession spark, Dataset<Row> table, FeatureRequest request, SparkFeatures.HeadChoice head,
                      ProgressListener progress) {
        this.spark = spark;
        this.table = table;
        this.request = request;
        this.head = head;
        this.progress = progress;
        // one pass over the table for every count the trainer asks for, instead of a Spark job per question
        Row counts = table.agg(sum(coalesce(size(col("features")), lit(0))), max(size(col("features").getItem(0))),
                sum(when(col("error").isNotNull(), 1).otherwise(0))).first();
        this.vectors = counts.isNullAt(0) ? 0 : counts.getLong(0);
        this.dim = counts.isNullAt(1) ? 0 : counts.getInt(1);
        this.failureCount = counts.isNullAt(2) ? 0 : counts.getLong(2);
    }

    @Override
    public float[][][] collect() {
        Map<String, Integer> index = new HashMap<>();
        List<dev.imageclassifier.DatasetSplit.Image> images = request.images();
        for (int i = 0; i < images.size(); i++) {
            index.put(images.get(i).path(), i);
        }
        float[][][] out = new float[images.size()][][];
        Iterator<Row> rows = table.where(col("error").isNull()).select("path", "features").toLocalIterator();
        while (rows.hasNext()) {
            Row row = rows.next();
            List<Object> views = row.getList(1);
            float[][] vectors = new float[views.size()][];
            for (int v = 0; v < vectors.length; v++) {
                vectors[v] = floats(views.get(v));
            }
            out[index.get(row.getString(0))] = vectors;
        }
        return out;
    }

    @Override
    public List<Failure> failures() {
        if (failureCount == 0) {
            return List.of();
        }
        return table.where(col("error").isNotNull()).select("path", "error").limit(5).collectAsList().stream()
                .map(r -> new Failure(r.getString(0), r.getString(1))).toList();
    }

    @Override
    public long failureCount() {
        return failureCount;
    }

    @Override
    public long computed() {
        return vectors;
    }

    /** MLlib fits the head when told to, or (auto) when the features would not fit in a quarter of the driver's heap. */
    @Override
    public Optional<FittedHead> fitHead(List<String> labels) {
        long bytes = vectors * (dim * 4L + 16);
        long heap = Runtime.getRuntime().maxMemory();
        boolean fits = bytes <= Math.min(DRIVER_HEAP_SHARE * heap, MAX_DRIVER_FEATURE_BYTES);
        boolean mllib = head.kind() == TrainJob.HeadTrainerKind.MLLIB || head.kind() == TrainJob.HeadTrainerKind.AUTO && !fits;
        progress.note(String.format(Locale.ROOT, "Head: %s (features %.1f MB, driver heap %.0f MB)",
                mllib ? "MLlib logistic regression on the executors" : "the project's trainer on the driver", bytes / 1e6, heap / 1e6));
        return mllib ? Optional.of(head.mllib().train(spark, table, labels)) : Optional.empty();
    }

    /** The validation rows' centre vectors, streamed to the driver one partition at a time. */
    @Override
    public void forEachValidation(FeatureRequest request, BiConsumer<String, float[]> visitor) {
        Iterator<Row> rows = table.where(col("error").isNull().and(col("split").equalTo("val")))
                .select(col("label"), col("features").getItem(0)).toLocalIterator();
        while (rows.hasNext()) {
            Row row = rows.next();
            visitor.accept(row.getString(0), floats(row.get(1)));
        }
    }

    /** A Spark array column's value (a Scala sequence of boxed floats) as a float array. */
    static float[] floats(Object sequence) {
        scala.collection.Seq<?> values = (scala.collection.Seq<?>) sequence;
        float[] out = new float[values.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) values.apply(i)).floatValue();
        }
        return out;
    }
}
