package dev.imageclassifier.spark;

import org.apache.spark.SparkFiles;
import org.apache.spark.sql.SparkSession;

import java.io.Serializable;
import java.net.URI;
import java.nio.file.Path;

/**
 * A model file the executors need, and how it reaches them. A {@code local:/…} path is already on every
 * node (a shared mount, or baked into the image) and is opened where it is; anything else (a path on the
 * driver, {@code hdfs://}, {@code s3a://}, …) is shipped with {@code SparkContext.addFile} (what
 * {@code spark-submit --files} does) and opened from each executor's copy ({@link SparkFiles#get}).
 */
public record ShippedFile(String name, String nodeLocalPath) implements Serializable {

    private static final String NODE_LOCAL = "local:";

    /** Registers {@code location} with the job (driver side). */
    public static ShippedFile ship(SparkSession spark, String location) {
        if (location.startsWith(NODE_LOCAL)) {
            return new ShippedFile(null, URI.create(location).getPath());
        }
        String uri = location.contains("://") || location.startsWith("file:") ? location
                : Path.of(location).toAbsolutePath().normalize().toUri().toString();
        spark.sparkContext().addFile(uri);
        return new ShippedFile(Path.of(URI.create(uri).getPath()).getFileName().toString(), null);
    }

    /** Where the file is on this executor. */
    public Path localPath() {
        return Path.of(nodeLocalPath != null ? nodeLocalPath : SparkFiles.get(name));
    }
}
