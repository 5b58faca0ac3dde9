package dev.imageclassifier.inference;

/**
 * A model run on a whole batch: one output row per input row, in order. Implementations are shared by
 * the threads of the batching engine, so they must be thread-safe (ONNX Runtime sessions are).
 */
@FunctionalInterface
public interface BatchRunner {

    float[][] run(TensorBatch batch) throws Exception;
}
