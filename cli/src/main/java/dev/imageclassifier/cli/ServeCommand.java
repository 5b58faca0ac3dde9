package dev.imageclassifier.cli;

import dev.imageclassifier.ClassifierOptions;
import dev.imageclassifier.serve.AccessTokens;
import dev.imageclassifier.serve.ApiAccess;
import dev.imageclassifier.serve.ApiServer;
import dev.imageclassifier.serve.ModelSources;
import dev.imageclassifier.serve.ServeSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/** {@code serve}: the REST API (and web page) for a trained classifier file. */
@Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = ProjectVersion.class,
        header = "Serve a trained classifier over HTTP: REST API, web page, metrics.",
        description = {
                "Serve a trained classifier over HTTP: POST /predict (multipart field 'file'), POST /predict/batch "
                        + "(fields 'files'), GET /health, /livez, /readyz, /model, /metrics (Prometheus), /openapi.json, /docs "
                        + "(Swagger UI) and a web page at /.",
                "Several models can be served (--model NAME=FILE, repeatable, or --model-repository): the same routes answer "
                        + "for each under /models/NAME/ and /models/NAME/versions/VERSION/. A replaced model file is loaded beside "
                        + "the old one and swapped in without losing a request (also on POST /admin/models/NAME/reload); a file "
                        + "that fails to load leaves the old one serving. Every answer names the version that gave it "
                        + "(X-Model-Version).",
                "Labels and preprocessing come from the model file. Concurrent requests are grouped into batches for "
                        + "ONNX Runtime; when the queue is full the server answers 503 with Retry-After. A missing or broken "
                        + "model does not stop the server: /health answers 503 and says why. SIGTERM finishes the requests "
                        + "in flight, then exits 0. Request bodies that arrive too slowly get 408; request headers that take too "
                        + "long have their connection closed; connections over the caps get 503 at once.",
                ""},
        footer = {"", "Every option can also be set by the environment variable shown with it; the flag wins."})
public final class ServeCommand implements Callable<Integer> {

    @Mixin
    PreprocessingMixin preprocessing;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "${env:API_HOST:-" + ServeSettings.DEFAULT_HOST + "}",
            description = "Interface to listen on (env API_HOST; default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", paramLabel = "N", defaultValue = "${env:API_PORT:-" + ServeSettings.DEFAULT_PORT + "}",
            description = "TCP port, 0 for any free one (env API_PORT; default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--model", paramLabel = "[NAME=]FILE",
            description = "A classifier file to serve; repeat it to serve several. NAME=FILE names it in the routes "
                    + "(/models/NAME/predict, …); a plain FILE is named after its stem (classifier for classifier.onnx). The first "
                    + "is the default model, the one of /predict, /model, … (env MODEL_PATH, one file; default "
                    + SharedOptions.MODEL_PATH + " unless --model-repository is given).")
    List<String> models = new ArrayList<>();

    @Option(names = "--model-repository", paramLabel = "DIR", defaultValue = "${env:MODEL_REPOSITORY}",
            description = "A model repository folder laid out as Triton and KServe do, NAME/VERSION/classifier.onnx with "
                    + "whole-number versions: every version is served under /models/NAME/versions/VERSION/…, the highest loaded one "
                    + "under /models/NAME/…; new version folders are loaded and removed ones unloaded (env MODEL_REPOSITORY).")
    Path repository;

    @Option(names = "--default-model", paramLabel = "NAME", defaultValue = "${env:DEFAULT_MODEL}",
            description = "The model of the routes without a model name (env DEFAULT_MODEL; default: the first --model, else "
                    + "the repository's first model by name).")
    String defaultModel;

    @Option(names = "--model-poll-s", paramLabel = "S",
            defaultValue = "${env:MODEL_POLL_S:-" + ModelSources.DEFAULT_POLL_INTERVAL_S + "}",
            description = "How often the served files are checked for replacement; a replaced file is loaded once it has not "
                    + "changed for one interval, beside the old model, and swapped in without losing a request; 0 = only on "
                    + "POST /admin/models/NAME/reload (env MODEL_POLL_S; default ${DEFAULT-VALUE}).")
    long modelPollS;

    @Option(names = "--max-body-size", paramLabel = "SIZE", converter = ByteSize.class,
            defaultValue = "${env:API_MAX_BODY_SIZE:-" + ServeSettings.DEFAULT_MAX_BODY_SIZE + "}",
            description = "Largest request body, e.g. 10MiB, 512KiB, 1048576; larger gets 413 (env API_MAX_BODY_SIZE; default ${DEFAULT-VALUE}).")
    long maxBodyBytes;

    @Option(names = "--max-megapixels", paramLabel = "MP",
            defaultValue = "${env:API_MAX_MEGAPIXELS:-" + ClassifierOptions.DEFAULT_MAX_MEGAPIXELS + "}",
            description = "Largest image, read from its header before decoding; larger gets 413 (env API_MAX_MEGAPIXELS; default ${DEFAULT-VALUE}).")
    double maxMegapixels;

    @Option(names = "--max-batch-files", paramLabel = "N",
            defaultValue = "${env:API_MAX_BATCH_FILES:-" + ServeSettings.DEFAULT_MAX_BATCH_FILES + "}",
            description = "Most files in one /predict/batch request (env API_MAX_BATCH_FILES; default ${DEFAULT-VALUE}).")
    int maxBatchFiles;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "${env:BATCH_MAX_SIZE:-" + ClassifierOptions.DEFAULT_MAX_BATCH_SIZE + "}",
            description = "Most images in one ONNX Runtime call (env BATCH_MAX_SIZE; default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--batch-delay-ms", paramLabel = "MS",
            defaultValue = "${env:BATCH_MAX_DELAY_MS:-" + ClassifierOptions.DEFAULT_MAX_BATCH_DELAY_MS + "}",
            description = "Longest wait for more images to fill a batch; only spent while more are on their way (env BATCH_MAX_DELAY_MS; default ${DEFAULT-VALUE}).")
    long batchDelayMs;

    @Option(names = "--queue-size", paramLabel = "N", defaultValue = "${env:BATCH_QUEUE_SIZE:-" + ClassifierOptions.DEFAULT_QUEUE_CAPACITY + "}",
            description = "Images admitted at once (preprocessing or waiting for the model); beyond it 503 + Retry-After (env BATCH_QUEUE_SIZE; default ${DEFAULT-VALUE}).")
    int queueSize;

    @Option(names = "--decode-threads", paramLabel = "N", defaultValue = "${env:DECODE_THREADS:-0}",
            description = "Threads decoding and preprocessing uploads beside inference, 0 = one per core (env DECODE_THREADS; default ${DEFAULT-VALUE}).")
    int decodeThreads;

    @Mixin
    SharedOptions.Inference inference;

    @Option(names = "--request-timeout-s", paramLabel = "S",
            defaultValue = "${env:API_REQUEST_TIMEOUT_S:-" + ServeSettings.DEFAULT_REQUEST_TIMEOUT_S + "}",
            description = "Longest wait for an answer before 503 (env API_REQUEST_TIMEOUT_S; default ${DEFAULT-VALUE}).")
    long requestTimeoutS;

    @Option(names = "--shutdown-timeout-s", paramLabel = "S",
            defaultValue = "${env:API_SHUTDOWN_TIMEOUT_S:-" + ServeSettings.DEFAULT_SHUTDOWN_TIMEOUT_S + "}",
            description = "On SIGTERM, longest wait for requests in flight; those still in flight then get 503 and serve exits 1 (env API_SHUTDOWN_TIMEOUT_S; default ${DEFAULT-VALUE}).")
    long shutdownTimeoutS;

    @Option(names = "--upload-grace-s", paramLabel = "S",
            defaultValue = "${env:API_UPLOAD_GRACE_S:-" + ServeSettings.DEFAULT_UPLOAD_GRACE_S + "}",
            description = "Seconds a request body may take before its rate is checked; a body that has not started by then, or that stops arriving for as long, gets 408 (env API_UPLOAD_GRACE_S; default ${DEFAULT-VALUE}).")
    long uploadGraceS;

    @Option(names = "--min-upload-rate", paramLabel = "SIZE", converter = ByteSize.class,
            defaultValue = "${env:API_MIN_UPLOAD_RATE:-" + ServeSettings.DEFAULT_MIN_UPLOAD_RATE + "}",
            description = "Slowest request body accepted, in bytes per second averaged since the request began; slower bodies get 408 and their connection is closed (env API_MIN_UPLOAD_RATE; default ${DEFAULT-VALUE}).")
    long minUploadRate;

    @Option(names = "--upload-memory", paramLabel = "SIZE", converter = ByteSize.class, defaultValue = "${env:API_UPLOAD_MEMORY:-0}",
            description = "Memory all request bodies on their way may hold together, 0 = an eighth of the Java heap; beyond it 503 + Retry-After (env API_UPLOAD_MEMORY; default ${DEFAULT-VALUE}).")
    long uploadMemory;

    @Option(names = "--header-timeout-s", paramLabel = "S",
            defaultValue = "${env:API_HEADER_TIMEOUT_S:-" + ServeSettings.DEFAULT_HEADER_TIMEOUT_S + "}",
            description = "Longest time a request's headers may take to arrive, from the connection's opening (or the next request's first byte); then the connection is closed, however steadily the bytes trickle (env API_HEADER_TIMEOUT_S; default ${DEFAULT-VALUE}).")
    long headerTimeoutS;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "${env:API_MAX_CONNECTIONS:-0}",
            description = "Most connections open at once, 0 = half of the process's file-descriptor limit, at most "
                    + ServeSettings.AUTO_MAX_CONNECTIONS_CEILING + "; the last tenth only for client addresses holding none yet, so that a "
                    + "health probe gets in; beyond it 503 at once (env API_MAX_CONNECTIONS; default ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = "--max-connections-per-address", paramLabel = "N",
            defaultValue = "${env:API_MAX_CONNECTIONS_PER_ADDRESS:-" + ServeSettings.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS + "}",
            description = "Most connections open at once from one client address (an IPv6 /64 counts as one), 0 = no such cap; "
                    + "raise it (or 0) behind a proxy that all clients share; beyond it 503 at once (env API_MAX_CONNECTIONS_PER_ADDRESS; default ${DEFAULT-VALUE}).")
    int maxConnectionsPerAddress;

    @Option(names = "--api-tokens-file", paramLabel = "FILE", defaultValue = "${env:API_TOKENS_FILE}",
            description = "Bearer tokens, one a line, that clients must send as 'Authorization: Bearer TOKEN' (env API_TOKENS_FILE; "
                    + "the env API_TOKENS takes comma-separated tokens too, both add up). With tokens every route needs one except "
                    + "--open-routes; the admin routes (/admin/...) always need one and are refused when none is configured. "
                    + "Default: no tokens, the API is open.")
    java.nio.file.Path apiTokensFile;

    @Option(names = "--open-routes", paramLabel = "PATHS",
            defaultValue = "${env:API_OPEN_ROUTES:-/health,/livez,/readyz,/metrics,/v2/health/live,/v2/health/ready}",
            description = "Comma-separated paths served without a token when tokens are configured; a trailing * opens every path it starts, "
                    + "e.g. /docs* (env API_OPEN_ROUTES; default ${DEFAULT-VALUE}).")
    String openRoutes;

    @Override
    public Integer call() throws Exception {
        ServeSettings settings = settings();
        checkPortFree(settings.host(), settings.port());
        ApiServer server = ApiServer.start(settings);
        // SIGTERM (or Ctrl-C): finish the requests in flight, then exit 0, or 1 if some were cut off.
        CompletableFuture<Boolean> drained = new CompletableFuture<>();
        Termination.onSignal(() -> {
            boolean clean = false;
            try {
                clean = server.stop();
            } finally {
                drained.complete(clean);
            }
        });
        return drained.get() ? 0 : 1;
    }

    /** Before the model loads: a busy port is one clear line, not a stack of Jetty errors after seconds of loading. */
    private static void checkPortFree(String host, int port) throws IOException {
        if (port == 0) {
            return;
        }
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new IOException("the host name '" + host + "' does not resolve to an address; listen on 0.0.0.0 (every "
                    + "interface), 127.0.0.1 (this machine only) or one of this machine's addresses (--host or API_HOST)");
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true); // as Jetty binds: a port in TIME_WAIT is free
            probe.bind(address);
        } catch (BindException e) {
            if (!isOwnAddress(address)) {
                throw new IOException(host + " is not an address of this machine; listen on 0.0.0.0 (every interface), "
                        + "127.0.0.1 (this machine only) or one of its own addresses (--host or API_HOST)", e);
            }
            throw new IOException("port " + port + " on " + host + " is already in use (is another server running?); "
                    + "choose another with --port or API_PORT", e);
        }
    }

    /** Whether this machine can listen on the address: the wildcard, or an address of one of its interfaces. */
    private static boolean isOwnAddress(InetSocketAddress address) {
        try {
            return address.getAddress().isAnyLocalAddress() || address.getAddress().isLoopbackAddress()
                    || java.net.NetworkInterface.getByInetAddress(address.getAddress()) != null;
        } catch (java.net.SocketException e) {
            return true; // the interfaces cannot be listed: say what is most likely
        }
    }

    ServeSettings settings() {
        ClassifierOptions classifier = ClassifierOptions.builder().threads(inference.threads).device(inference.device)
                .maxMegapixels(maxMegapixels).maxBatchSize(batchSize).maxBatchDelay(Duration.ofMillis(batchDelayMs))
                .queueCapacity(queueSize).decodeThreads(decodeThreads).build();
        List<ModelSources.NamedFile> files = new ArrayList<>(models.stream().map(ModelSources.NamedFile::parse).toList());
        if (files.isEmpty() && repository == null) {
            String path = System.getenv("MODEL_PATH");
            files.add(ModelSources.NamedFile.of(Path.of(path == null || path.isBlank() ? SharedOptions.MODEL_PATH : path)));
        }
        ModelSources sources = new ModelSources(files, repository, defaultModel, Duration.ofSeconds(modelPollS));
        Path defaultFile = files.isEmpty() ? repository : files.get(0).file();
        return new ServeSettings(host, port, defaultFile, maxBodyBytes, maxBatchFiles, Duration.ofSeconds(requestTimeoutS),
                Duration.ofSeconds(shutdownTimeoutS), classifier, new ServeSettings.ReceiveLimits(Duration.ofSeconds(uploadGraceS),
                minUploadRate, uploadMemory), new ServeSettings.ConnectionLimits(Duration.ofSeconds(headerTimeoutS), maxConnections,
                maxConnectionsPerAddress), sources).withAccess(access());
    }

    /** Tokens from API_TOKENS and the tokens file, never from the command line (where every user's ps would show them). */
    private ApiAccess access() {
        AccessTokens tokens = AccessTokens.parse(System.getenv("API_TOKENS"));
        if (apiTokensFile != null) {
            try {
                tokens = tokens.and(AccessTokens.read(apiTokensFile));
            } catch (java.nio.file.NoSuchFileException e) {
                throw new IllegalArgumentException("the API tokens file " + apiTokensFile + " does not exist (--api-tokens-file or API_TOKENS_FILE)");
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read the API tokens file " + apiTokensFile + " (--api-tokens-file or API_TOKENS_FILE)", e);
            }
        }
        return new ApiAccess(tokens, ApiAccess.parseRoutes(openRoutes));
    }
}
