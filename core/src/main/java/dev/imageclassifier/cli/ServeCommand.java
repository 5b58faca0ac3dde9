package dev.imageclassifier.cli;

import dev.imageclassifier.model.RuntimeOptions;
import dev.imageclassifier.serve.ApiServer;
import dev.imageclassifier.serve.ServeSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code serve}: the REST API (and web page) for a trained classifier file. */
@Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = ProjectVersion.class,
        header = "Serve a trained classifier over HTTP: REST API, web page, metrics.",
        description = {
                "Serve a trained classifier over HTTP: POST /predict (multipart field 'file'), POST /predict/batch "
                        + "(fields 'files'), GET /health, /model, /metrics (Prometheus), /openapi.json, /docs (Swagger UI) "
                        + "and a web page at /.",
                "Labels and preprocessing come from the model file. Concurrent requests are grouped into batches for "
                        + "ONNX Runtime; when the queue is full the server answers 503 with Retry-After. A missing or broken "
                        + "model does not stop the server: /health answers 503 and says why. SIGTERM finishes the requests "
                        + "in flight, then exits.",
                ""},
        footer = {"", "Every option can also be set by the environment variable shown with it; the flag wins."})
public final class ServeCommand implements Callable<Integer> {

    @Mixin
    PreprocessingMixin preprocessing;

    @Option(names = "--host", defaultValue = "${env:API_HOST:-0.0.0.0}", description = "Interface to listen on (env API_HOST; default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "${env:API_PORT:-8000}", description = "TCP port, 0 for any free one (env API_PORT; default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--model", defaultValue = "${env:MODEL_PATH:-model/classifier.onnx}", description = "Classifier file (env MODEL_PATH; default ${DEFAULT-VALUE}).")
    Path model;

    @Option(names = "--max-body-size", defaultValue = "${env:API_MAX_BODY_SIZE:-10MiB}", converter = ByteSize.class,
            description = "Largest request body, e.g. 10MiB, 512KiB, 1048576; larger gets 413 (env API_MAX_BODY_SIZE; default ${DEFAULT-VALUE}).")
    long maxBodyBytes;

    @Option(names = "--max-megapixels", defaultValue = "${env:API_MAX_MEGAPIXELS:-50}",
            description = "Largest image, read from its header before decoding; larger gets 413 (env API_MAX_MEGAPIXELS; default ${DEFAULT-VALUE}).")
    double maxMegapixels;

    @Option(names = "--max-batch-files", defaultValue = "${env:API_MAX_BATCH_FILES:-16}",
            description = "Most files in one /predict/batch request (env API_MAX_BATCH_FILES; default ${DEFAULT-VALUE}).")
    int maxBatchFiles;

    @Option(names = "--batch-size", defaultValue = "${env:BATCH_MAX_SIZE:-8}",
            description = "Most images in one ONNX Runtime call (env BATCH_MAX_SIZE; default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--batch-delay-ms", defaultValue = "${env:BATCH_MAX_DELAY_MS:-5}",
            description = "Longest wait for more images to fill a batch; only spent while more are on their way (env BATCH_MAX_DELAY_MS; default ${DEFAULT-VALUE}).")
    long batchDelayMs;

    @Option(names = "--queue-size", defaultValue = "${env:BATCH_QUEUE_SIZE:-128}",
            description = "Images admitted at once (preprocessing or waiting for the model); beyond it 503 + Retry-After (env BATCH_QUEUE_SIZE; default ${DEFAULT-VALUE}).")
    int queueSize;

    @Option(names = "--decode-threads", defaultValue = "${env:DECODE_THREADS:-0}",
            description = "Threads decoding and preprocessing uploads beside inference, 0 = one per core (env DECODE_THREADS; default ${DEFAULT-VALUE}).")
    int decodeThreads;

    @Option(names = "--inference-threads", defaultValue = "${env:INFERENCE_THREADS:-0}",
            description = "ONNX Runtime intra-op threads, 0 = one per core (env INFERENCE_THREADS; default ${DEFAULT-VALUE}).")
    int inferenceThreads;

    @Option(names = "--device", defaultValue = "${env:INFERENCE_DEVICE:-cpu}", converter = DeviceName.class,
            description = "cpu or cuda (needs the onnxruntime_gpu artifact) (env INFERENCE_DEVICE; default ${DEFAULT-VALUE}).")
    RuntimeOptions.Device device;

    @Option(names = "--request-timeout-s", defaultValue = "${env:API_REQUEST_TIMEOUT_S:-30}",
            description = "Longest wait for an answer before 503 (env API_REQUEST_TIMEOUT_S; default ${DEFAULT-VALUE}).")
    long requestTimeoutS;

    @Option(names = "--shutdown-timeout-s", defaultValue = "${env:API_SHUTDOWN_TIMEOUT_S:-20}",
            description = "On SIGTERM, longest wait for requests in flight (env API_SHUTDOWN_TIMEOUT_S; default ${DEFAULT-VALUE}).")
    long shutdownTimeoutS;

    /** cpu / CUDA / Cuda all name a device. */
    static final class DeviceName implements CommandLine.ITypeConverter<RuntimeOptions.Device> {
        @Override
        public RuntimeOptions.Device convert(String value) {
            return RuntimeOptions.Device.parse(value);
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        ServeSettings settings = settings();
        ApiServer server = ApiServer.start(settings);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
        return 0;
    }

    ServeSettings settings() {
        int cores = Runtime.getRuntime().availableProcessors();
        return new ServeSettings(host, port, model, maxBodyBytes, Math.round(maxMegapixels * 1_000_000), maxBatchFiles,
                batchSize, Duration.ofMillis(batchDelayMs), queueSize, decodeThreads == 0 ? cores : decodeThreads,
                new RuntimeOptions(inferenceThreads, device).withoutMemoryArena(), Duration.ofSeconds(requestTimeoutS), Duration.ofSeconds(shutdownTimeoutS));
    }
}
