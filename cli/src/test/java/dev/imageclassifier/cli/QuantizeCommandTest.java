package dev.imageclassifier.cli;

import dev.imageclassifier.TestModels;
import dev.imageclassifier.quantize.SyntheticClassifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class QuantizeCommandTest {

    @TempDir
    Path dir;

    private Cli quantize(Path model, Path split, String... extra) {
        String[] base = {"quantize", "--model", model.toString(), "--split", split.toString(), "--out", dir.resolve("int8.onnx").toString(),
                "--results", dir.resolve("results").toString(), "--speed-s", "0.02", "--no-progress"};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return Cli.run(args);
    }

    @Test
    void aGoodQuantizationWritesTheFileAndItsReport() throws Exception {
        Path model = SyntheticClassifier.write(dir.resolve("float.onnx"));
        Path split = SyntheticClassifier.split(dir.resolve("photos"), 3, -1);
        Cli result = quantize(model, split, "--calibration", "6");
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("float top-1 100.00%, int8 top-1 100.00% (+0.00 points), agreement 100.00%");
        assertThat(dir.resolve("int8.onnx")).exists();
        assertThat(dir.resolve("results/quantization.json")).content().contains("\"calibration_images\" : 6", "\"method\" : \"percentile\"");
    }

    @Test
    void aDeliberatelyBadCalibrationIsRefusedWithBothAccuraciesAndNothingWritten() throws Exception {
        Path model = SyntheticClassifier.write(dir.resolve("float.onnx"));
        Path split = SyntheticClassifier.split(dir.resolve("photos"), 3, SyntheticClassifier.WHITE);
        Cli result = quantize(model, split, "--calibration", "1", "--method", "minmax");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("refused to write", "float top-1 100.00%", "int8 top-1 50.00%", "more than --max-drop 1.00");
        assertThat(dir.resolve("int8.onnx")).doesNotExist();
        assertThat(dir.resolve("results/quantization.json")).doesNotExist();

        Cli forced = quantize(model, split, "--calibration", "1", "--method", "minmax", "--force");
        assertThat(forced.exitCode()).isZero();
        assertThat(forced.out()).contains("written because of --force");
        assertThat(dir.resolve("int8.onnx")).exists();
        assertThat(dir.resolve("results/quantization.json")).content().contains("\"within_max_drop\" : false");
    }

    @Test
    void anAlreadyQuantizedModelGetsOneClearLine() throws Exception {
        Path model = SyntheticClassifier.write(dir.resolve("float.onnx"));
        Path split = SyntheticClassifier.split(dir.resolve("photos"), 2, -1);
        assertThat(quantize(model, split).exitCode()).isZero();
        Cli again = quantize(dir.resolve("int8.onnx"), split);
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err().strip()).startsWith("error: ").contains("is already quantized").doesNotContain("\n").doesNotContain("Exception");
    }

    @Test
    void trainWithQuantizeInt8WritesTheFloatClassifierAndItsInt8VersionBeside() throws Exception {
        Path images = Files.createDirectories(dir.resolve("images"));
        for (String name : List.of("accordion", "anchor", "barrel")) {
            Files.createSymbolicLink(images.resolve(name), TestModels.CALTECH.resolve(name));
        }
        assertThat(Cli.run("prepare", "--data", images.toString(), "--out", dir.resolve("data").toString()).exitCode()).isZero();
        Path model = dir.resolve("model/classifier.onnx");
        Cli trained = Cli.run("train", "--split", dir.resolve("data/split.csv").toString(), "--backbone",
                TestModels.SHARED.resolve("models/mobilenetv2-float.onnx").toString(), "--model", model.toString(), "--results",
                dir.resolve("results").toString(), "--cache-dir", dir.resolve("cache").toString(), "--no-progress", "--offline",
                "--quantize", "int8");
        assertThat(trained.exitCode()).as(trained.err()).isZero();
        assertThat(trained.out()).contains("Trained default", "Quantized " + model + " → " + dir.resolve("model/classifier-int8.onnx"));
        assertThat(dir.resolve("results/quantization.json")).content().contains("\"method\" : \"percentile\"");
        assertThat(model).exists();
    }

    @Test
    void trainRefusesAnyOtherPrecisionBeforeTraining() {
        Cli result = Cli.run("train", "--split", dir.resolve("none.csv").toString(), "--quantize", "int4");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--quantize takes int8, not 'int4'");
    }

    @Test
    void anUnknownMethodIsAUsageError() throws Exception {
        Path model = SyntheticClassifier.write(dir.resolve("float.onnx"));
        Cli result = quantize(model, dir.resolve("split.csv"), "--method", "median");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--method must be minmax, percentile or entropy");
    }
}
