package dev.imageclassifier.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.to_json;

/**
 * Batch classification: every file under a path or glob on any Hadoop file system (listed on the driver by
 * {@link InputFiles}: hidden names, empty files and broken links included, never skipped), read and
 * classified by the executors' shared classifier, written as Parquet (or CSV, JSON) with one row per file.
 */
public final class ClassifyJob {

    /** Output formats. */
    public enum Format { PARQUET, CSV, JSON }

    /**
     * @param input         a path or glob ({@code file://}, {@code hdfs://}, {@code s3a://}, …), read recursively
     * @param model         the classifier file (see {@link ShippedFile})
     * @param output        the output folder
     * @param pathFilter    glob on file names ({@code *.jpg}); null for every file
     * @param imagesPerTask about how many files a task reads
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

    /** The output folder exists and replacing it was not asked for. */
    public static final class OutputExistsException extends IOException {
        OutputExistsException(String output) {
            super(output + " already exists");
        }
    }

    public static Summary run(SparkSession spark, Settings settings) throws IOException {
        long start = System.nanoTime();
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        if (!settings.overwrite()) {
            Path output = new Path(settings.output());
            if (output.getFileSystem(hadoop).exists(output)) {
                throw new OutputExistsException(settings.output());
            }
        }
        ShippedFile model = ShippedFile.ship(spark, settings.model());
        List<InputFiles.Entry> entries = InputFiles.list(hadoop, settings.input(), settings.pathFilter());
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        JavaRDD<InputFiles.Entry> files = context.parallelize(entries,
                tasks(entries.size(), settings.imagesPerTask(), context.defaultParallelism()));
        LongAccumulator images = spark.sparkContext().longAccumulator("images");
        LongAccumulator errors = spark.sparkContext().longAccumulator("errors");
        JavaRDD<Row> classified = files.mapPartitions(new PartitionClassifier(model, context.broadcast(new InputFiles.Conf(hadoop)),
                settings.topK(), settings.batchSize(), images, errors));
        writer(spark.createDataFrame(classified, PartitionClassifier.SCHEMA), settings.format())
                .mode(settings.overwrite() ? SaveMode.Overwrite : SaveMode.ErrorIfExists)
                .save(settings.output());
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Summary(images.value(), errors.value(), files.getNumPartitions(), seconds);
    }

    /**
     * How many tasks: about {@code imagesPerTask} files each (few output files, little per-task overhead),
     * but at least one per core while there are files enough.
     */
    static int tasks(int files, int imagesPerTask, int cores) {
        int byCount = (int) Math.ceil(files / (double) imagesPerTask);
        return Math.max(1, Math.min(files, Math.max(byCount, cores)));
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
