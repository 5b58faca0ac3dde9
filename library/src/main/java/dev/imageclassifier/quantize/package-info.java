/** Internal (not API): static int8 quantization (QDQ) with calibration and an accuracy guard. */
package dev.imageclassifier.quantize;
