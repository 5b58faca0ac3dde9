package dev.imageclassifier.spark;

import dev.imageclassifier.DatasetException;
import dev.imageclassifier.DatasetSplit;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.substring;

/**
 * The labelled images of a training run and their split, decided on the driver: read from a split
 * manifest written by {@code prepare} (the same split as the local {@code train}), or listed from a
 * class-per-folder tree on any Hadoop file system ({@code root/<class>/…}, or {@code root/train|val/<class>/…})
 * and split with {@code prepare}'s seeded stratified rule.
 *
 * @param root  the dataset root as a qualified Hadoop URI ({@code file:/…}, {@code hdfs://…})
 * @param split the split; paths relative to the root
 */
record TrainingImages(String root, DatasetSplit split) {

    private static final StructType TABLE = new StructType()
            .add("path", DataTypes.StringType, false)
            .add("label", DataTypes.StringType, false)
            .add("split", DataTypes.StringType, false);

    /** From a manifest; {@code root} (a Hadoop URI) replaces the manifest's own root when the images live elsewhere. */
    static TrainingImages fromManifest(SparkSession spark, Path manifest, String root) throws DatasetException {
        DatasetSplit split = DatasetSplit.read(manifest);
        return new TrainingImages(qualified(spark, root != null ? root : split.root().toAbsolutePath().toString()), split);
    }

    /** From a class-per-folder tree, listed by Spark (names and sizes only, no content). */
    static TrainingImages fromTree(SparkSession spark, String data, Set<String> excluded, long seed, double valFraction)
            throws DatasetException {
        String root = qualified(spark, data);
        List<Row> files = spark.read().format("binaryFile").option("recursiveFileLookup", "true").load(root)
                .select("path", "length").collectAsList();
        Map<String, Long> sizes = new LinkedHashMap<>();
        List<DatasetSplit.Image> images = new ArrayList<>();
        boolean presplit = files.stream().map(f -> relative(root, f.getString(0)))
                .allMatch(p -> p.startsWith("train/") || p.startsWith("val/"));
        for (Row file : files) {
            String path = relative(root, file.getString(0));
            String[] parts = path.split("/");
            int labelAt = presplit ? 1 : 0;
            if (parts.length < labelAt + 2 || excluded.contains(parts[labelAt])) {
                continue; // not inside a class folder, or an excluded class
            }
            sizes.put(path, file.getLong(1));
            images.add(new DatasetSplit.Image(path, parts[labelAt], presplit ? parts[0] : null));
        }
        if (images.isEmpty()) {
            throw new DatasetException("No class folders with files in " + data + ": expected one sub-folder per class");
        }
        return new TrainingImages(root, DatasetSplit.ofImages(Path.of(data), images, sizes, seed, valFraction));
    }

    /** {@code (path, label, split, content)} of these images of the split: the root read once with binaryFile. */
    Dataset<Row> withContent(SparkSession spark, List<DatasetSplit.Image> images) {
        List<Row> rows = images.stream().map(i -> RowFactory.create(i.path(), i.label(), i.subset())).toList();
        Dataset<Row> table = spark.createDataFrame(rows, TABLE);
        Dataset<Row> files = spark.read().format("binaryFile").option("recursiveFileLookup", "true").load(root)
                .select(substring(col("path"), root.length() + 2, Integer.MAX_VALUE).as("path"), col("content"))
                .where(length(col("path")).gt(lit(0)));
        return files.join(broadcast(table), "path").select("path", "label", "split", "content");
    }

    private static String relative(String root, String path) {
        return path.length() > root.length() + 1 ? path.substring(root.length() + 1) : "";
    }

    private static String qualified(SparkSession spark, String location) {
        try {
            org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(location);
            FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
            String qualified = fs.makeQualified(path).toString();
            return qualified.endsWith("/") ? qualified.substring(0, qualified.length() - 1) : qualified;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + location + ": " + e.getMessage(), e);
        }
    }
}
