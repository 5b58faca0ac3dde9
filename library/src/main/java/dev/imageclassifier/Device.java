package dev.imageclassifier;

import java.util.Locale;

/**
 * Where the model runs. {@link #CUDA} needs ONNX Runtime's GPU build ({@code com.microsoft.onnxruntime:onnxruntime_gpu}
 * in place of {@code onnxruntime}) and an NVIDIA driver; everything else works on {@link #CPU}.
 */
public enum Device {
    /** ONNX Runtime's CPU execution provider. */
    CPU,
    /** ONNX Runtime's CUDA execution provider, on GPU 0. */
    CUDA;

    /**
     * The device named {@code text}, in any case.
     *
     * @param text {@code cpu} or {@code cuda}
     * @return the device
     * @throws IllegalArgumentException for any other name
     */
    public static Device parse(String text) {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
    }
}
