package dev.imageclassifier.cli;

import dev.imageclassifier.model.RuntimeOptions;
import dev.imageclassifier.serve.ApiServer;
import dev.imageclassifier.serve.ServeSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

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

    @Option(names = "--upload-grace-s", defaultValue = "${env:API_UPLOAD_GRACE_S:-10}",
            description = "Seconds a request body may take before its rate is checked; a body that has not started by then gets 408 (env API_UPLOAD_GRACE_S; default ${DEFAULT-VALUE}).")
    long uploadGraceS;

    @Option(names = "--min-upload-rate", defaultValue = "${env:API_MIN_UPLOAD_RATE:-8KiB}", converter = ByteSize.class,
            description = "Slowest request body accepted, in bytes per second averaged since the request began; slower bodies get 408 and their connection is closed (env API_MIN_UPLOAD_RATE; default ${DEFAULT-VALUE}).")
    long minUploadRate;

    @Option(names = "--upload-memory", defaultValue = "${env:API_UPLOAD_MEMORY:-0}", converter = ByteSize.class,
            description = "Memory all request bodies on their way may hold together, 0 = an eighth of the Java heap; beyond it 503 + Retry-After (env API_UPLOAD_MEMORY; default ${DEFAULT-VALUE}).")
    long uploadMemory;

    /** cpu / CUDA / Cuda all name a device. */
    static final class DeviceName implements CommandLine.ITypeConverter<RuntimeOptions.Device> {
        @Override
        public RuntimeOptions.Device convert(String value) {
            return RuntimeOptions.Device.parse(value);
        }
    }

    @Override
    public Integer call() throws Exception {
        ApiServer server = ApiServer.start(settings());
        // SIGTERM (or Ctrl-C): finish the requests in flight, then exit 0, or 1 if some were cut off.
        CompletableFuture<Boolean> drained = new CompletableFuture<>();
        Termination.onSignal(() -> drained.complete(server.stop()));
        return drained.get() ? 0 : 1;
    }

    ServeSettings settings() {
        int cores = Runtime.getRuntime().availableProcessors();
        return new ServeSettings(host, port, model, maxBodyBytes, Math.round(maxMegapixels * 1_000_000), maxBatchFiles,
                batchSize, Duration.ofMillis(batchDelayMs), queueSize, decodeThreads == 0 ? cores : decodeThreads,
                new RuntimeOptions(inferenceThreads, device).withoutMemoryArena(), Duration.ofSeconds(requestTimeoutS), Duration.ofSeconds(shutdownTimeoutS),
                new ServeSettings.ReceiveLimits(Duration.ofSeconds(uploadGraceS), minUploadRate,
                        uploadMemory == 0 ? ServeSettings.ReceiveLimits.defaults().memoryBytes() : uploadMemory));
    }
}
