package dev.imageclassifier.spark;

import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Option;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;

/** Where the job runs: the options every Spark command shares, and the session made from them. */
final class SparkOptions {

    @Option(names = "--master", paramLabel = "URL", defaultValue = "${env:SPARK_MASTER}",
            description = "Spark master (env SPARK_MASTER); default: the one spark-submit was given, else local[*] "
                    + "(embedded Spark on every core of this machine).")
    String master;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "A Spark setting, e.g. "
            + "--conf spark.executor.cores=4 (repeatable). Embedded (local) Spark listens on 127.0.0.1 with its web UI off: "
            + "--conf spark.ui.enabled=true turns the UI on.")
    Map<String, String> conf = new LinkedHashMap<>();

    /** Settings of embedded (local) Spark, each overridable with --conf. */
    static final Map<String, String> EMBEDDED = Map.of("spark.driver.host", "127.0.0.1", "spark.driver.bindAddress", "127.0.0.1",
            "spark.ui.enabled", "false");

    /** A session made here is stopped when the command ends; one that was already running is left alone. */
    record Session(SparkSession spark, boolean owned, double startupSeconds) implements AutoCloseable {
        @Override
        public void close() {
            if (owned) {
                spark.stop();
            }
        }
    }

    Session start(String appName) {
        boolean existing = SparkSession.getActiveSession().isDefined();
        SparkSession.Builder builder = SparkSession.builder().appName(appName);
        if (master != null && !master.isBlank()) {
            builder.master(master);
        } else if (System.getProperty("spark.master") == null) {
            builder.master("local[*]");
        }
        String chosen = master != null && !master.isBlank() ? master : System.getProperty("spark.master", "local[*]");
        if (chosen.startsWith("local")) {
            // Embedded Spark serves nobody else: the driver stays on loopback and the web UI is off unless asked for.
            EMBEDDED.forEach((key, value) -> {
                if (!conf.containsKey(key) && System.getProperty(key) == null) {
                    builder.config(key, value);
                }
            });
        }
        conf.forEach(builder::config);
        SparkSession spark = builder.getOrCreate();
        double startup = (System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime()) / 1e3;
        return new Session(spark, !existing, startup);
    }
}
