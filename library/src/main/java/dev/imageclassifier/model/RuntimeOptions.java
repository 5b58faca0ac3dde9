package dev.imageclassifier.model;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import dev.imageclassifier.Device;

/**
 * How ONNX Runtime runs a model: intra-op threads and the execution provider. Spinning is off: on a
 * 2-core machine, threads that spin while waiting steal the core that decodes the next images.
 *
 * @param memoryArena keep ONNX Runtime's CPU memory arena. It never gives memory back, so a long-running
 *                    server would hold the activations of its largest batch for good (about 80 MB more for
 *                    ResNet-50 at batch 8); {@code ImageClassifier} (the server, the library) turns it off, training keeps it.
 */
public record RuntimeOptions(int intraOpThreads, Device device, boolean memoryArena) {

    public RuntimeOptions {
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("intraOpThreads must be >= 0 (0 = one per core)");
        }
    }

    public RuntimeOptions(int intraOpThreads, Device device) {
        this(intraOpThreads, device, true);
    }

    /**
     * One intra-op thread per session run, for callers that run {@link #threads()} batches side by side:
     * on 2 cores that gives 10-20 % more images per second than one run spread over both cores.
     */
    public RuntimeOptions singleThreadedRuns() {
        return new RuntimeOptions(1, device, memoryArena);
    }

    /** How many runs to keep going at once with {@link #singleThreadedRuns()}: one per thread, one on a GPU. */
    public int parallelRuns() {
        return device == Device.CUDA ? 1 : threads();
    }

    /** One intra-op thread per core, CPU. */
    public static RuntimeOptions defaults() {
        return new RuntimeOptions(0, Device.CPU);
    }

    public int threads() {
        return intraOpThreads == 0 ? Runtime.getRuntime().availableProcessors() : intraOpThreads;
    }

    /** The session options every ONNX Runtime session of the project is created with; the caller closes them. */
    public OrtSession.SessionOptions toSessionOptions() throws OrtException {
        OnnxRuntimeLibraries.environment(); // session options load the native libraries: from the cache, please
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setIntraOpNumThreads(threads());
            options.setInterOpNumThreads(1);
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            options.addConfigEntry("session.inter_op.allow_spinning", "0");
            options.setCPUArenaAllocator(memoryArena);
            if (device == Device.CUDA) {
                options.addCUDA(0);
            }
            return options;
        } catch (OrtException e) {
            options.close();
            throw e;
        }
    }
}
