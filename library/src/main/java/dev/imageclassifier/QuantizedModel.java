package dev.imageclassifier;

import dev.imageclassifier.quantize.QuantizationResult;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** An int8 classifier made by {@link Int8Quantizer}, in memory until {@link #write}, with how it compares to the float one. */
public final class QuantizedModel {

    /** The report's file name inside the results folder. */
    public static final String REPORT_FILE = QuantizationResult.REPORT_FILE;

    private final QuantizationResult result;

    QuantizedModel(QuantizationResult result) {
        this.result = result;
    }

    /** @return validation top-1 of the float model, 0 to 1 */
    public double floatTop1() {
        return result.floatTop1();
    }

    /** @return validation top-1 of the int8 model */
    public double int8Top1() {
        return result.int8Top1();
    }

    /** @return share of validation images on which both give the same top-1 */
    public double agreement() {
        return result.agreement();
    }

    /** @return how many percentage points of top-1 quantization cost (negative: it gained) */
    public double dropPoints() {
        return result.dropPoints();
    }

    /** @return true when top-1 fell by no more than the guard allows */
    public boolean withinMaxDrop() {
        return result.withinMaxDrop();
    }

    /** @return the guard: the most top-1 may fall, in points */
    public double maxDropPoints() {
        return result.maxDropPoints();
    }

    /** @return images per second of the float model in ONNX Runtime alone */
    public double floatImagesPerSecond() {
        return ((Number) result.report().get("float_images_per_s")).doubleValue();
    }

    /** @return images per second of the int8 model in ONNX Runtime alone */
    public double int8ImagesPerSecond() {
        return ((Number) result.report().get("int8_images_per_s")).doubleValue();
    }

    /** @return the int8 model's speed over the float one's */
    public double speedup() {
        return ((Number) result.report().get("speedup")).doubleValue();
    }

    /** @return everything {@value #REPORT_FILE} holds */
    public Map<String, Object> report() {
        return result.report();
    }

    /**
     * Writes the int8 model and {@value #REPORT_FILE} into {@code results}, each atomically, after both are
     * complete in memory.
     *
     * @param model   where the int8 classifier goes
     * @param results the folder the report goes into
     * @throws IOException when they cannot be written
     */
    public void write(Path model, Path results) throws IOException {
        result.write(model, results);
    }
}
