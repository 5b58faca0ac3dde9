package dev.imageclassifier.cli;

import dev.imageclassifier.Device;
import dev.imageclassifier.BackboneFile;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * Options several commands share, declared once as picocli mixins: each has one name, one environment
 * variable and one default, whichever command shows it.
 */
final class SharedOptions {

    static final String MODEL_PATH = "model/classifier.onnx";
    static final String SPLIT_PATH = "data/split.csv";
    static final String RESULTS_DIR = "results";

    private SharedOptions() {
    }

    /** {@code --model}: the classifier file. */
    static final class ModelFile {
        @Option(names = "--model", paramLabel = "FILE", defaultValue = "${env:MODEL_PATH:-" + MODEL_PATH + "}",
                description = "The classifier file: written by train, read by the other commands (env MODEL_PATH, "
                        + "default: ${DEFAULT-VALUE}).")
        Path path;
    }

    /** {@code --split}: the split manifest written by {@code prepare}. */
    static final class SplitFile {
        @Option(names = "--split", paramLabel = "FILE", defaultValue = "${env:SPLIT_PATH:-" + SPLIT_PATH + "}",
                description = "Split manifest written by `prepare` (env SPLIT_PATH, default: ${DEFAULT-VALUE}).")
        Path path;
    }

    /** {@code --backbone}, {@code --cache-dir}, {@code --offline}: where a backbone comes from. */
    static final class BackboneSource {
        @Option(names = "--backbone", paramLabel = "NAME|FILE|URL", defaultValue = "${env:BACKBONE:-" + BackboneFile.DEFAULT_NAME + "}",
                description = "Frozen ImageNet backbone: a registered name (resnet50, mobilenetv2-int8; downloaded once into the "
                        + "cache), an .onnx file, or an http(s) URL. Its penultimate tensor (the input of the final "
                        + "Gemm/MatMul, dequantized if int8) becomes the features (env BACKBONE, default: ${DEFAULT-VALUE}).")
        String backbone;

        @Option(names = "--cache-dir", paramLabel = "DIR",
                description = "Cache root for downloaded backbones and features (env IMAGE_CLASSIFIER_CACHE, "
                        + "else $XDG_CACHE_HOME/image-classifier, else ~/.cache/image-classifier).")
        Path cacheDir;

        @Option(names = "--offline", defaultValue = "${env:OFFLINE:-false}",
                description = "Never touch the network; fail clearly when something is not local or cached (env OFFLINE).")
        boolean offline;
    }

    /** {@code --inference-threads}, {@code --device}: how ONNX Runtime runs. */
    static final class Inference {
        @Option(names = {"--inference-threads", "--threads"}, paramLabel = "N", defaultValue = "${env:INFERENCE_THREADS:-0}",
                description = "ONNX Runtime intra-op threads; 0 = one per core (env INFERENCE_THREADS, default: ${DEFAULT-VALUE}).")
        int threads;

        @Option(names = "--device", paramLabel = "cpu|cuda", defaultValue = "${env:INFERENCE_DEVICE:-cpu}", converter = DeviceName.class,
                description = "Execution provider: cpu, or cuda (needs the onnxruntime_gpu build and an NVIDIA driver) "
                        + "(env INFERENCE_DEVICE, default: ${DEFAULT-VALUE}).")
        Device device;
    }

    /** {@code --no-progress}: no progress bars (also env NO_PROGRESS). */
    static final class NoProgress {
        @Option(names = "--no-progress", description = "No progress bars (also env NO_PROGRESS).")
        boolean set;
    }

    /** cpu / CUDA / Cuda all name a device. */
    static final class DeviceName implements CommandLine.ITypeConverter<Device> {
        @Override
        public Device convert(String value) {
            return Device.parse(value);
        }
    }
}
