package dev.imageclassifier.model;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.util.Locale;

/**
 * How ONNX Runtime runs a model: intra-op threads and the execution provider. Spinning is off: on a
 * 2-core machine, threads that spin while waiting steal the core that decodes the next images.
 */
public record RuntimeOptions(int intraOpThreads, Device device) {

    /** Where inference runs; CUDA needs the {@code onnxruntime_gpu} artifact and an NVIDIA driver. */
    public enum Device { CPU, CUDA;

        public static Device parse(String text) {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        }
    }

    public RuntimeOptions {
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("intraOpThreads must be >= 0 (0 = one per core)");
        }
    }

    /** One intra-op thread per core, CPU. */
    public static RuntimeOptions defaults() {
        return new RuntimeOptions(0, Device.CPU);
    }

    public int threads() {
        return intraOpThreads == 0 ? Runtime.getRuntime().availableProcessors() : intraOpThreads;
    }

    OrtSession.SessionOptions toSessionOptions() throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setIntraOpNumThreads(threads());
            options.setInterOpNumThreads(1);
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            options.addConfigEntry("session.inter_op.allow_spinning", "0");
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
