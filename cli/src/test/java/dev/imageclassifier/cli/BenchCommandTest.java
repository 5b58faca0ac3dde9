package dev.imageclassifier.cli;

import dev.imageclassifier.TestModels;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class BenchCommandTest {

    @TempDir
    Path dir;

    @Test
    void bench_starts_a_server_loads_it_and_reports_throughput_latency_and_memory() throws Exception {
        Path model = TestModels.randomHeadClassifier(dir, List.of("a", "b", "c"), 1);
        StringWriter out = new StringWriter();
        int code = Main.commandLine().setOut(new PrintWriter(out)).execute("bench", "--model", model.toString(),
                "--image-size", "1600x1200", "--concurrency", "1,2", "--duration-s", "0.5", "--warmup-s", "0", "--reference-s", "0.2", "--json", dir.resolve("report.json").toString());
        assertThat(code).as(out.toString()).isZero();
        assertThat(out.toString())
                .contains("image:  1600x1200 JPEG made from synthetic 320x240 JPEG (", "start-up to first healthy answer:", "p50 ms", "server peak RSS (VmHWM):",
                        "ONNX Runtime alone, before the server:", "ONNX Runtime alone, after the server:")
                .containsPattern("(?m)^\\s+1\\s+\\d+\\s+0\\s+")
                .containsPattern("(?m)^\\s+2\\s+\\d+\\s+0\\s+");
        assertThat(dir.resolve("report.json")).content().contains("\"requestsPerSecond\"");
    }
}
