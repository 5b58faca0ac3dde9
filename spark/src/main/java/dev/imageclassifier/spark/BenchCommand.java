package dev.imageclassifier.spark;

import dev.imageclassifier.DatasetSplit;
import dev.imageclassifier.ImageClassifier;
import dev.imageclassifier.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

@Command(name = "bench", mixinStandardHelpOptions = true,
        header = "Time classify on Spark against the local path (evaluate) on the same images, in one JVM.",
        description = {"Alternates the Spark classify job over INPUT with the local path over the validation images of --split "
                + "(the library's ImageClassifier, as `image-classifier evaluate` runs it), which must be the same images, and "
                + "prints images/s and CPU milliseconds per image of each (CPU time is less disturbed by other work on the "
                + "machine). The first Spark round is cold: it pays for query planning, code generation and loading the "
                + "model in the executor; later rounds find them done, as every job after the first in a long Spark job does.", ""})
final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "INPUT", description = "Folder of the images for the Spark job.")
    String input;

    @Option(names = "--split", required = true, paramLabel = "FILE", description = "Split manifest whose validation images are INPUT's.")
    Path split;

    @Option(names = "--model", paramLabel = "FILE", defaultValue = "${env:MODEL_PATH:-model/classifier.onnx}",
            description = "Classifier file (default: ${DEFAULT-VALUE}).")
    Path model;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "2", description = "Rounds of each (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--images-per-task", paramLabel = "N", defaultValue = "1024",
            description = "As for classify (default: ${DEFAULT-VALUE}).")
    int imagesPerTask;

    @Mixin
    SparkOptions sparkOptions;

    private record Measured(long images, double seconds, double cpuSeconds) {
        String format() {
            return String.format(Locale.ROOT, "%d images in %.1f s: %.1f images/s, %.2f CPU ms/image", images, seconds,
                    images / seconds, 1e3 * cpuSeconds / images);
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        DatasetSplit manifest = DatasetSplit.read(split);
        Path output = Files.createTempDirectory("image-classifier-bench");
        try (SparkOptions.Session session = sparkOptions.start("image-classifier bench");
             ImageClassifier local = ImageClassifier.load(model)) {
            out.printf(Locale.ROOT, "Spark %s (%s) ready %.1f s after the JVM started%n", session.spark().version(),
                    session.spark().sparkContext().master(), session.startupSeconds());
            for (int round = 1; round <= rounds; round++) {
                ClassifyJob.Settings settings = new ClassifyJob.Settings(input, model.toString(),
                        output.resolve("round-" + round).toString(), ClassifyJob.Format.PARQUET, 5, 16, imagesPerTask, null, true);
                Measured spark = measure(() -> ClassifyJob.run(session.spark(), settings).images());
                out.printf(Locale.ROOT, "round %d, Spark classify%s: %s%n", round, round == 1 ? " (cold)" : "", spark.format());
                Measured library = measure(() -> local.evaluate(manifest, Progress.NONE).images());
                out.printf(Locale.ROOT, "round %d, local path:%s %s → Spark at %.0f %% of its images/s%n", round,
                        round == 1 ? "       " : "", library.format(),
                        100 * (spark.images() / spark.seconds()) / (library.images() / library.seconds()));
                out.flush();
            }
        } finally {
            deleteTree(output);
        }
        return 0;
    }

    /** Work that counts its images. */
    private interface Work {
        long images() throws Exception;
    }

    private static Measured measure(Work work) throws Exception {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu = os.getProcessCpuTime();
        long start = System.nanoTime();
        long images = work.images();
        return new Measured(images, (System.nanoTime() - start) / 1e9, (os.getProcessCpuTime() - cpu) / 1e9);
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
