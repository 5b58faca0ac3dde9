package dev.imageclassifier.spark;

import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;

import java.util.Locale;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.to_json;

/**
 * Batch classification: every file under a path or glob on any Hadoop file system, read with Spark's
 * {@code binaryFile} source, classified by the executors' shared classifier, written as Parquet (or CSV,
 * JSON) with one row per file.
 */
public final class ClassifyJob {

    /** Output formats. */
    public enum Format { PARQUET, CSV, JSON }

    /**
     * @param input         a path or glob ({@code file://}, {@code hdfs://}, {@code s3a://}, …), read recursively
     * @param model         the classifier file (see {@link ShippedFile})
     * @param output        the output folder
     * @param pathFilter    glob on file names ({@code *.jpg}); null for every file
     * @param imagesPerTask how many small images a task reads (Spark packs files into tasks by size)
     */
    public record Settings(String input, String model, String output, Format format, int topK, int batchSize,
                           int imagesPerTask, String pathFilter, boolean overwrite) {
    }

    /** What a run did. */
    public record Summary(long images, long errors, int partitions, double seconds) {

        public double imagesPerSecond() {
            return seconds > 0 ? images / seconds : 0;
        }
    }

    private ClassifyJob() {
    }

    public static Summary run(SparkSession spark, Settings settings) {
        long start = System.nanoTime();
        ShippedFile model = ShippedFile.ship(spark, settings.model());
        Dataset<Row> files = readFiles(spark, settings).select("path", "content");
        LongAccumulator images = spark.sparkContext().longAccumulator("images");
        LongAccumulator errors = spark.sparkContext().longAccumulator("errors");
        Dataset<Row> classified = files.mapPartitions(
                new PartitionClassifier(model, settings.topK(), settings.batchSize(), images, errors),
                Encoders.row(PartitionClassifier.SCHEMA));
        writer(classified, settings.format()).mode(settings.overwrite() ? SaveMode.Overwrite : SaveMode.ErrorIfExists)
                .save(settings.output());
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Summary(images.value(), errors.value(), files.rdd().getNumPartitions(), seconds);
    }

    /**
     * The files as {@code binaryFile} rows. Spark packs small files into a task up to
     * {@code maxPartitionBytes}, counting each file as at least {@code openCostInBytes}: that cost is set
     * so a task gets about {@code imagesPerTask} small images (few output files, little per-task overhead),
     * while Spark still makes at least one task per core when there are fewer images.
     */
    static Dataset<Row> readFiles(SparkSession spark, Settings settings) {
        long maxPartitionBytes = spark.sessionState().conf().filesMaxPartitionBytes();
        spark.conf().set("spark.sql.files.openCostInBytes", Math.max(1, maxPartitionBytes / settings.imagesPerTask()));
        DataFrameReader reader = spark.read().format("binaryFile").option("recursiveFileLookup", "true");
        if (settings.pathFilter() != null) {
            reader = reader.option("pathGlobFilter", settings.pathFilter());
        }
        return reader.load(settings.input());
    }

    private static DataFrameWriter<Row> writer(Dataset<Row> rows, Format format) {
        return switch (format) {
            case PARQUET -> rows.write().format("parquet");
            case JSON -> rows.write().format("json");
            // CSV has no arrays: the top-k goes in as a JSON array.
            case CSV -> rows.withColumn("top_k", to_json(col("top_k"))).write().format("csv").option("header", "true");
        };
    }

    static Format format(String name) {
        return Format.valueOf(name.toUpperCase(Locale.ROOT));
    }
}
