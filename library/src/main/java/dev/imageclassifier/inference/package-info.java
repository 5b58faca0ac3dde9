/** Internal (not API): the one batching engine: decode and preprocess on workers, micro-batches, ONNX Runtime, per-image results. */
package dev.imageclassifier.inference;
