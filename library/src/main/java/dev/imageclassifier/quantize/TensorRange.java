package dev.imageclassifier.quantize;

/** The real values an activation tensor is quantized over. */
record TensorRange(float min, float max) {
}
