package dev.imageclassifier.cli;

import dev.imageclassifier.cli.bench.BenchReport;
import dev.imageclassifier.cli.bench.LoadTest;
import dev.imageclassifier.serve.MultipartBody;
import dev.imageclassifier.cli.bench.ProcStatus;
import dev.imageclassifier.cli.bench.ServerProcess;
import dev.imageclassifier.io.Json;
import dev.imageclassifier.ModelSpeed;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;

/** {@code bench}: throughput, latency percentiles and peak memory of the REST API under load. */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = ProjectVersion.class,
        header = "Measure the REST API: requests/s, latency percentiles, CPU and peak memory.",
        description = {
                "Measure the REST API: starts `serve` as a child process on a loopback port (or targets --url), warms it "
                        + "up, then sends POST /predict from N concurrent clients (closed loop: each sends again when "
                        + "answered) for each concurrency level. Reports requests/s, latency p50/p90/p99, CPU per request "
                        + "of server and clients, start-up time to the first healthy answer, and the server's peak resident "
                        + "memory (VmHWM from /proc/<pid>/status).",
                "Before and after, it runs ONNX Runtime alone on the same model as the ceiling to compare with: on a "
                        + "shared machine the speed drifts, so read the server's figures next to the model's own.",
                ""},
        footer = {"", "Examples:",
                "  image-classifier bench --model model/classifier.onnx --image photo.jpg",
                "  image-classifier bench --backbone resnet50-random-init.onnx --image a.jpg",
                "  image-classifier bench --model model/classifier.onnx --image a.jpg --image-size 4032x3024",
                "  image-classifier bench --url http://10.0.0.5:8000 --concurrency 32",
                "  image-classifier bench --model m.onnx --server-arg=--batch-size=16"})
public final class BenchCommand implements Callable<Integer> {

    static final class Target {
        @Option(names = "--model", paramLabel = "FILE", description = "Classifier file to serve.")
        Path model;

        @Option(names = "--backbone", paramLabel = "FILE", description = "Serve a classifier built on this backbone .onnx with a random head (speed and memory only; answers are meaningless).")
        Path backbone;

        @Option(names = "--url", paramLabel = "URL", description = "Measure a server that is already running (no start-up or memory figures).")
        URI url;
    }

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    @Option(names = "--classes", paramLabel = "N", defaultValue = "101", description = "Classes of the random head with --backbone (default ${DEFAULT-VALUE}).")
    int classes;

    @Option(names = "--image", paramLabel = "FILE", description = "Image to send (default: a synthetic 320×240 JPEG).")
    Path image;

    @Option(names = "--image-size", paramLabel = "WIDTHxHEIGHT",
            description = "Send a phone-photo-sized JPEG made from --image (or the synthetic image): upscaled to this size with "
                    + "Pillow's antialiased bilinear filter, mild sensor-like noise, quality 92, e.g. 4032x3024 (12 MP).")
    String imageSize;

    @Option(names = "--concurrency", paramLabel = "N[,N...]", split = ",", defaultValue = "1,4,16", description = "Concurrent clients, one level after another (default ${DEFAULT-VALUE}).")
    List<Integer> concurrency;

    @Option(names = "--duration-s", paramLabel = "S", defaultValue = "15", description = "Seconds measured per level (default ${DEFAULT-VALUE}).")
    double durationS;

    @Option(names = "--warmup-s", paramLabel = "S", defaultValue = "30",
            description = "Seconds of uncounted load at the highest concurrency before the first level, so the JIT has "
                    + "compiled the hot paths: its work settles after 30-60 s on 2 cores (default ${DEFAULT-VALUE}).")
    double warmupS;

    @Option(names = "--server-jvm-option", paramLabel = "OPTION",
            description = "JVM option for the server child process; repeatable. Default: the recommended serving flags "
                    + "-XX:+UseSerialGC -Xms128m -Xmn64m -XX:SurvivorRatio=4 -Xmx2g (a small heap that grows only as "
                    + "needed, a young generation that holds the images in flight).")
    List<String> serverJvmOptions = List.of("-XX:+UseSerialGC", "-Xms128m", "-Xmn64m", "-XX:SurvivorRatio=4", "-Xmx2g");

    @Option(names = "--server-env", paramLabel = "NAME=VALUE", description = "NAME=VALUE for the server's environment; repeatable. Default: "
            + "MALLOC_ARENA_MAX=2 (fewer glibc arenas keeping freed native memory).")
    Map<String, String> serverEnv = Map.of("MALLOC_ARENA_MAX", "2");

    @Option(names = "--server-arg", paramLabel = "OPTION", description = "Extra `serve` option for the child, e.g. --server-arg=--batch-size=16; repeatable.")
    List<String> serverArgs = new ArrayList<>();

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the report as JSON to this file.")
    Path json;

    @Option(names = "--reference-s", paramLabel = "S", defaultValue = "5",
            description = "Seconds to run ONNX Runtime alone at batch 1 and at batch 8, before and after the server, as the "
                    + "ceiling to compare with on a machine whose speed drifts; 0 skips it (default ${DEFAULT-VALUE}).")
    double referenceS;

    @Override
    public Integer call() throws Exception {
        byte[] body = image == null ? syntheticJpeg() : Files.readAllBytes(image);
        String imageName = image == null ? "synthetic 320x240 JPEG" : image.toString();
        if (imageSize != null) {
            String[] sides = imageSize.toLowerCase(java.util.Locale.ROOT).split("x");
            if (sides.length != 2) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--image-size takes WIDTHxHEIGHT, e.g. 4032x3024");
            }
            body = ModelSpeed.phonePhoto(body, Integer.parseInt(sides[0].trim()), Integer.parseInt(sides[1].trim()), 1);
            imageName = imageSize + " JPEG made from " + imageName;
        }
        imageName += " (" + body.length / 1024 + " KiB)";
        MultipartBody upload = new MultipartBody().file("file", image == null ? "synthetic.jpg" : image.getFileName().toString(),
                "application/octet-stream", body);
        BenchReport report = target.url != null
                ? new BenchReport(target.url.toString(), imageName, -1, levels(new LoadTest(target.url.resolve("/predict"), upload), null),
                        -1, List.of())
                : benchOwnServer(body, imageName, upload);
        spec.commandLine().getOut().println(report.toTable());
        if (json != null) {
            Files.write(json, Json.pretty(report));
        }
        return report.rows().stream().allMatch(row -> row.succeeded() > 0) ? 0 : 1;
    }

    /** ONNX Runtime alone, then the server as a child process, then ONNX Runtime alone again. */
    private BenchReport benchOwnServer(byte[] body, String imageName, MultipartBody upload) throws Exception {
        Path model = target.model;
        Path built = null;
        if (target.backbone != null) {
            built = Files.createTempFile("bench-classifier", ".onnx");
            ModelSpeed.writeUntrainedClassifier(target.backbone, classes, built);
            model = built;
        }
        try {
            List<ModelSpeed> references = new ArrayList<>();
            reference(model, body).ifPresent(references::add);
            String name;
            long startupMillis;
            List<BenchReport.Row> rows;
            long peakRssKib;
            try (ServerProcess server = ServerProcess.start(model, serverJvmOptions, serverEnv, serverArgs, Duration.ofSeconds(120))) {
                name = (target.backbone != null ? "random head on " + target.backbone : model.toString())
                        + ", pid " + server.pid() + ", env " + serverEnv + ", JVM " + serverJvmOptions + ", serve " + serverArgs;
                startupMillis = server.startupMillis();
                rows = levels(new LoadTest(server.uri("/predict"), upload), server);
                peakRssKib = server.peakRssKib().orElse(-1);
            }
            reference(model, body).ifPresent(references::add);
            return new BenchReport(name, imageName, startupMillis, rows, peakRssKib, references);
        } finally {
            if (built != null) {
                Files.deleteIfExists(built);
            }
        }
    }

    private Optional<ModelSpeed> reference(Path model, byte[] image) throws Exception {
        return referenceS <= 0 ? Optional.empty() : Optional.of(ModelSpeed.measure(model, image, 8, seconds(referenceS)));
    }

    /** One warm-up at the highest concurrency, then each level; {@code server} is null for a server started elsewhere. */
    private List<BenchReport.Row> levels(LoadTest load, ServerProcess server) throws InterruptedException {
        List<BenchReport.Row> rows = new ArrayList<>();
        if (warmupS > 0) {
            load.run(concurrency.stream().mapToInt(Integer::intValue).max().orElse(1), seconds(warmupS));
        }
        for (int clients : concurrency) {
            double serverBefore = server == null ? -1 : server.cpuSeconds();
            double clientBefore = ownCpuSeconds();
            LoadTest.Level level = load.run(clients, seconds(durationS));
            double serverCpu = server == null ? -1 : server.cpuSeconds() - serverBefore;
            double clientCpu = clientBefore < 0 ? -1 : ownCpuSeconds() - clientBefore;
            rows.add(BenchReport.Row.of(level, serverCpu, clientCpu, server == null ? OptionalLong.empty() : server.peakRssKib()));
        }
        return rows;
    }

    private static double ownCpuSeconds() {
        return ProcStatus.cpuSeconds(ProcessHandle.current().pid()).orElse(-1);
    }

    private static Duration seconds(double value) {
        return Duration.ofMillis(Math.round(value * 1000));
    }

    private static byte[] syntheticJpeg() throws IOException {
        BufferedImage image = new BufferedImage(320, 240, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        g.setPaint(new GradientPaint(0, 0, Color.ORANGE, 320, 240, Color.BLUE));
        g.fillRect(0, 0, 320, 240);
        g.setColor(Color.WHITE);
        g.fillOval(90, 50, 140, 140);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpeg", out);
        return out.toByteArray();
    }
}
