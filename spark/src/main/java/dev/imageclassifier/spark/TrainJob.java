package dev.imageclassifier.spark;

import dev.imageclassifier.Version;
import dev.imageclassifier.DatasetException;
import dev.imageclassifier.io.AtomicFiles;
import dev.imageclassifier.model.BackboneGraph;
import dev.imageclassifier.InvalidModelException;
import dev.imageclassifier.train.HeadTrainer;
import dev.imageclassifier.train.Metrics;
import dev.imageclassifier.train.Recipe;
import dev.imageclassifier.train.TrainingOptions;
import dev.imageclassifier.train.TrainingOutputs;
import dev.imageclassifier.train.TrainingRun;
import dev.imageclassifier.Progress;
import dev.imageclassifier.train.TrainingReport;
import dev.imageclassifier.Framing;
import dev.imageclassifier.vision.Preprocessing;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/**
 * Training on Spark: the executors run the frozen backbone over the split's images (feature table in
 * Parquet: path, label, split, features, error), the head is trained on the driver by the project's own
 * trainer when the features fit there, else by MLlib across the cluster, and the result is the same
 * one-file classifier and {@code metrics.json} as the local {@code train}.
 */
public final class TrainJob {

    /** Who trains the head. */
    public enum HeadTrainerKind { AUTO, DRIVER, MLLIB }

    /**
     * The driver trains the head when the features take at most this share of its heap. They are held
     * about twice there (the collected arrays, the trainer's own), beside the driver's Spark state: on
     * Caltech-101 (8,677 images, 44.6 MB of features) the heap peaked at 373 MB in all while collecting and
     * training. A quarter leaves room for both; larger feature sets go to MLlib.
     */
    static final double DRIVER_HEAP_SHARE = 0.25;

    /** The trainer keeps the training features in one Java array: at most 2^31 - 1 floats. */
    static final long MAX_DRIVER_FEATURE_BYTES = 4L * Integer.MAX_VALUE;

    /**
     * @param manifest   a split manifest written by {@code prepare}, or null with {@code data}
     * @param root       where the manifest's images are (a Hadoop URI), or null for the manifest's root
     * @param data       a class-per-folder tree (any Hadoop URI), split here with {@code prepare}'s rule
     * @param backbone   the backbone file on the driver (shipped to the executors)
     * @param featureDir where the feature table goes (any Hadoop URI); replaced
     */
    public record Settings(Path manifest, String root, String data, Set<String> excluded, double valFraction, long dataSeed,
                           Path backbone, String backboneName, Recipe recipe, Long seed, HeadTrainerKind head, MllibHead mllib,
                           String featureDir, Path model, Path results, int batchSize) {
    }

    /** What a run produced. */
    public record Summary(Metrics metrics, String headTrainer, int trainImages, int valImages, long skipped,
                          double featureSeconds, double imagesPerSecond, double totalSeconds) {
    }

    private record Counts(int trainImages, int valImages, long skipped, long vectors, int dim) {
    }

    private TrainJob() {
    }

    public static Summary run(SparkSession spark, Settings settings, PrintWriter log)
            throws DatasetException, InvalidModelException, IOException {
        long start = System.nanoTime();
        TrainingImages images = settings.manifest() != null
                ? TrainingImages.fromManifest(spark, settings.manifest(), settings.root())
                : TrainingImages.fromTree(spark, settings.data(), settings.excluded(), settings.dataSeed(), settings.valFraction());
        long seed = settings.seed() != null ? settings.seed() : images.split().seed();
        TrainingOptions options = TrainingOptions.builder(
                        settings.manifest() != null ? settings.manifest() : Path.of(settings.data()), settings.backbone())
                .backboneName(settings.backboneName()).model(settings.model()).results(settings.results())
                .recipe(settings.recipe()).seed(seed).projectVersion(Version.library()).build();
        AtomicFiles.checkWritable(options.model(), Files.size(options.backbone()) + (16L << 20));
        AtomicFiles.checkWritable(TrainingOutputs.metricsFile(options), 16L << 20);
        BackboneGraph backbone = BackboneGraph.load(options.backbone(), options.backboneName());

        long extractStart = System.nanoTime();
        Dataset<Row> features = extract(spark, settings, images, backbone, seed);
        double featureSeconds = (System.nanoTime() - extractStart) / 1e9;
        Counts counts = counts(features);
        double imagesPerSecond = (counts.trainImages() + counts.valImages() + counts.skipped()) / featureSeconds;
        log.printf(Locale.ROOT, "Features: %d training + %d validation images (%d skipped), %d-d, %.1f s (%.1f images/s) → %s%n",
                counts.trainImages(), counts.valImages(), counts.skipped(), counts.dim(), featureSeconds, imagesPerSecond,
                settings.featureDir());
        features.where(col("error").isNotNull()).select("path", "error").limit(5).collectAsList()
                .forEach(r -> log.printf(Locale.ROOT, "  skipped %s: %s%n", r.getString(0), r.getString(1)));

        List<String> labels = images.split().labels();
        HeadTrainerKind kind = chooseHead(settings.head(), counts, log);
        HeadTrainer.Result head;
        Metrics metrics;
        if (kind == HeadTrainerKind.DRIVER) {
            TrainingOutputs.Samples samples = collect(features, labels);
            head = trainOnDriver(options, samples, labels.size(), log);
            metrics = TrainingOutputs.validate(head.head(), samples, labels);
        } else {
            head = settings.mllib().train(spark, features, labels);
            metrics = MllibHead.validate(head.head(), features, labels);
            options = TrainingOptions.builder(options.split(), options.backbone()).backboneName(options.backboneName())
                    .model(options.model()).results(options.results()).recipe(settings.mllib().asRecipe()).seed(seed)
                    .projectVersion(options.projectVersion()).build();
        }
        // Spark trains on the recipe's first framing (the default recipe's: the centre crop); it does not choose.
        Framing framing = settings.recipe().framings().get(0);
        double total = (System.nanoTime() - start) / 1e9;
        TrainingOutputs.write(options, backbone, images.split(), seed, counts.trainImages(), counts.valImages(),
                new TrainingOutputs.Extraction(counts.dim(), Preprocessing.IMAGENET.withFraming(framing), featureSeconds,
                        imagesPerSecond, (int) counts.vectors(), 0, (int) counts.skipped()),
                TrainingReport.Framing.fixed(framing), head, metrics, total);
        return new Summary(metrics, kind.name().toLowerCase(Locale.ROOT), counts.trainImages(), counts.valImages(),
                counts.skipped(), featureSeconds, imagesPerSecond, total);
    }

    /** The features on the driver, and the heap's peak while they came (pools' peaks, reset here). */
    private static TrainingOutputs.Samples collect(Dataset<Row> features, List<String> labels) {
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
        return DriverSamples.collect(features, labels);
    }

    /** The project's own trainer, as the local {@code train} runs it. */
    private static HeadTrainer.Result trainOnDriver(TrainingOptions options, TrainingOutputs.Samples samples, int classes,
                                                    PrintWriter log) throws IOException {
        HeadTrainer.Result head;
        try {
            head = new HeadTrainer(options.recipe(), options.seed(), options.runtime())
                    .train(samples.train(), samples.trainLabels(), classes, Progress.NONE);
        } catch (ai.onnxruntime.OrtException e) {
            throw new IOException("the head's training graph failed: " + e.getMessage(), e);
        }
        long peak = ManagementFactory.getMemoryPoolMXBeans().stream().filter(pool -> pool.getType() == MemoryType.HEAP)
                .mapToLong(pool -> pool.getPeakUsage().getUsed()).sum();
        log.printf(Locale.ROOT, "Head trained on the driver in %.1f s; heap peak while collecting and training %.0f MB%n",
                head.seconds(), peak / 1e6);
        return head;
    }

    /** Runs the backbone on the executors and writes the feature table; returns it, read back. */
    private static Dataset<Row> extract(SparkSession spark, Settings settings, TrainingImages images, BackboneGraph backbone,
                                        long seed) {
        ShippedFile shipped = ShippedFile.ship(spark, settings.backbone().toString());
        List<ViewSpec> views = ViewSpec.of(TrainingRun.trainingViews(settings.recipe(), seed));
        images.withContent(spark)
                .mapPartitions(new PartitionFeatures(shipped, backbone.name(), views, settings.batchSize(),
                                settings.recipe().framings().get(0).id()),
                        Encoders.row(PartitionFeatures.SCHEMA))
                .write().mode(SaveMode.Overwrite).parquet(settings.featureDir());
        return spark.read().parquet(settings.featureDir());
    }

    private static Counts counts(Dataset<Row> features) {
        Row row = features.agg(
                sum(when(col("error").isNull().and(col("split").equalTo("train")), 1).otherwise(0)),
                sum(when(col("error").isNull().and(col("split").equalTo("val")), 1).otherwise(0)),
                sum(when(col("error").isNotNull(), 1).otherwise(0)),
                sum(coalesce(size(col("features")), lit(0))),
                max(size(col("features").getItem(0)))).first();
        return new Counts((int) row.getLong(0), (int) row.getLong(1), row.getLong(2), row.getLong(3), row.isNullAt(4) ? 0 : row.getInt(4));
    }

    /** The driver's trainer when the features fit in a quarter of its heap, MLlib otherwise (or as told). */
    private static HeadTrainerKind chooseHead(HeadTrainerKind asked, Counts counts, PrintWriter log) throws DatasetException {
        if (counts.trainImages() == 0 || counts.valImages() == 0) {
            throw new DatasetException("No decodable " + (counts.trainImages() == 0 ? "training" : "validation") + " images ("
                    + counts.skipped() + " could not be read)");
        }
        long bytes = DriverSamples.bytes(counts.vectors(), counts.dim());
        long heap = Runtime.getRuntime().maxMemory();
        boolean fits = bytes <= Math.min(DRIVER_HEAP_SHARE * heap, MAX_DRIVER_FEATURE_BYTES);
        HeadTrainerKind kind = asked != HeadTrainerKind.AUTO ? asked : fits ? HeadTrainerKind.DRIVER : HeadTrainerKind.MLLIB;
        log.printf(Locale.ROOT, "Head: %s (features %.1f MB, driver heap %.0f MB)%n",
                kind == HeadTrainerKind.DRIVER ? "the project's trainer on the driver" : "MLlib logistic regression on the executors",
                bytes / 1e6, heap / 1e6);
        return kind;
    }
}
