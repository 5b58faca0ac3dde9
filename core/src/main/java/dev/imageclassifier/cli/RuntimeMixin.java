package dev.imageclassifier.cli;

import dev.imageclassifier.model.RuntimeOptions;
import picocli.CommandLine.Option;

/** ONNX Runtime options shared by every command that runs a model. */
public final class RuntimeMixin {

    @Option(names = {"--inference-threads", "--threads"}, paramLabel = "N", defaultValue = "${env:INFERENCE_THREADS:-0}",
            description = "ONNX Runtime intra-op threads; 0 = one per core (env INFERENCE_THREADS, default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--device", paramLabel = "cpu|cuda", defaultValue = "${env:INFERENCE_DEVICE:-cpu}",
            description = "Execution provider: cpu, or cuda (needs the onnxruntime_gpu build and an NVIDIA driver) "
                    + "(env INFERENCE_DEVICE, default: ${DEFAULT-VALUE}).")
    String device;

    public RuntimeOptions options() {
        return new RuntimeOptions(threads, RuntimeOptions.Device.parse(device));
    }
}
