package dev.imageclassifier.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.imageclassifier.io.AtomicFiles;
import dev.imageclassifier.model.ModelDigest;
import dev.imageclassifier.io.Json;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A quantized classifier, not yet written, and what was measured about it.
 *
 * @param model         the int8 (QDQ) classifier, its metadata already holding {@link #report()}'s facts
 * @param report        the content of {@code quantization.json}
 * @param floatTop1     validation top-1 of the float file (0–1)
 * @param int8Top1      validation top-1 of the int8 file (0–1)
 * @param agreement     share of validation images on which both give the same top-1
 * @param maxDropPoints the guard: the most top-1 may fall, in points
 */
public record QuantizationResult(ModelProto model, Map<String, Object> report, double floatTop1, double int8Top1,
                                 double agreement, double maxDropPoints) {

    public static final String REPORT_FILE = "quantization.json";

    /** How many percentage points of top-1 quantization cost (negative: it gained). */
    public double dropPoints() {
        return 100 * (floatTop1 - int8Top1);
    }

    /** Whether top-1 fell by no more than the guard allows. */
    public boolean withinMaxDrop() {
        return dropPoints() <= maxDropPoints + 1e-9;
    }

    /**
     * Writes the model, then {@value #REPORT_FILE} into {@code resultsDir}, each atomically, only after
     * both are complete in memory: a failure leaves the previous files in place. The model is stamped with the
     * digest of its content ({@link ModelDigest}).
     */
    public void write(Path modelFile, Path resultsDir) throws IOException {
        byte[] json = Json.pretty(report);
        AtomicFiles.write(modelFile, ModelDigest.stamped(model)::writeTo);
        AtomicFiles.write(resultsDir.resolve(REPORT_FILE), json);
    }
}
