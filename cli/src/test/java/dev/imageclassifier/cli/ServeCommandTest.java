package dev.imageclassifier.cli;

import dev.imageclassifier.Device;
import dev.imageclassifier.ClassifierOptions;
import dev.imageclassifier.model.RuntimeOptions;
import dev.imageclassifier.serve.ServeSettings;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import dev.imageclassifier.serve.ModelSources;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ServeCommandTest {

    @Test
    void flags_become_server_settings() {
        ServeCommand serve = new ServeCommand();
        new CommandLine(serve).setCaseInsensitiveEnumValuesAllowed(true).parseArgs("--host", "127.0.0.1", "--port", "9001",
                "--model", "m.onnx", "--max-body-size", "2MiB", "--max-megapixels", "1.5", "--max-batch-files", "4",
                "--batch-size", "16", "--batch-delay-ms", "2", "--queue-size", "7", "--decode-threads", "3",
                "--inference-threads", "1", "--device", "cpu", "--request-timeout-s", "9", "--shutdown-timeout-s", "4",
                "--upload-grace-s", "3", "--min-upload-rate", "1KiB", "--upload-memory", "64MiB", "--header-timeout-s", "5",
                "--max-connections", "300", "--max-connections-per-address", "30");
        ServeSettings settings = serve.settings();
        assertThat(settings).isEqualTo(new ServeSettings("127.0.0.1", 9001, Path.of("m.onnx"), 2 * 1024 * 1024, 4,
                Duration.ofSeconds(9), Duration.ofSeconds(4), ClassifierOptions.builder().maxPixels(1_500_000).maxBatchSize(16)
                .maxBatchDelay(Duration.ofMillis(2)).queueCapacity(7).decodeThreads(3).threads(1).device(Device.CPU)
                .build(), new ServeSettings.ReceiveLimits(Duration.ofSeconds(3), 1024, 64L << 20),
                new ServeSettings.ConnectionLimits(Duration.ofSeconds(5), 300, 30)));
    }

    @Test
    void several_models_a_repository_and_the_poll_interval_become_model_sources() {
        ServeCommand serve = new ServeCommand();
        new CommandLine(serve).parseArgs("--model", "flowers=/srv/flowers.onnx", "--model", "model/cats.onnx",
                "--model-repository", "/srv/models", "--default-model", "cats", "--model-poll-s", "0");
        ModelSources models = serve.settings().models();
        assertThat(models.files()).containsExactly(new ModelSources.NamedFile("flowers", Path.of("/srv/flowers.onnx")),
                new ModelSources.NamedFile("cats", Path.of("model/cats.onnx")));
        assertThat(models.repository()).isEqualTo(Path.of("/srv/models"));
        assertThat(models.defaultModel()).isEqualTo("cats");
        assertThat(models.pollInterval()).isZero();
        assertThat(serve.settings().model()).isEqualTo(Path.of("/srv/flowers.onnx"));

        ServeCommand repositoryOnly = new ServeCommand();
        new CommandLine(repositoryOnly).parseArgs("--model-repository", "/srv/models");
        assertThat(repositoryOnly.settings().models().files()).isEmpty();
    }

    @Test
    void a_tokens_file_and_open_routes_become_the_access_settings(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path tokens = java.nio.file.Files.writeString(dir.resolve("tokens"), "# for the CI\nalpha-token\n\nbeta-token\n");
        ServeCommand serve = new ServeCommand();
        new CommandLine(serve).parseArgs("--api-tokens-file", tokens.toString(), "--open-routes", "/health, /docs*");
        ServeSettings settings = serve.settings();
        assertThat(settings.access().tokens().count()).isEqualTo(2);
        assertThat(settings.access().tokens().accepts("beta-token")).isTrue();
        assertThat(settings.access().tokens().accepts("# for the CI")).isFalse();
        assertThat(settings.access().openRoutes()).containsExactly("/health", "/docs*");
        assertThat(settings.toString()).doesNotContain("alpha-token");

        ServeCommand missing = new ServeCommand();
        new CommandLine(missing).parseArgs("--api-tokens-file", dir.resolve("nope").toString());
        org.assertj.core.api.Assertions.assertThatThrownBy(missing::settings).hasMessageContaining("does not exist");
        java.nio.file.Files.writeString(dir.resolve("empty"), "# nothing\n");
        ServeCommand empty = new ServeCommand();
        new CommandLine(empty).parseArgs("--api-tokens-file", dir.resolve("empty").toString());
        org.assertj.core.api.Assertions.assertThatThrownBy(empty::settings).hasMessageContaining("holds no token");
    }

    @Test
    void without_flags_or_environment_the_defaults_are_the_reference_service_s() throws Exception {
        // A child JVM with an empty environment, whatever the test runner's: ${env:...} defaults fall back to ours.
        ProcessBuilder java = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), PrintDefaults.class.getName()).redirectErrorStream(true);
        java.environment().clear();
        Process child = java.start();
        String printed = new String(child.getInputStream().readAllBytes()).trim();
        assertThat(child.waitFor()).as(printed).isZero();
        ServeSettings expected = ServeSettings.defaults(Path.of("model/classifier.onnx"));
        assertThat(printed).isEqualTo(expected.toString());
        assertThat(expected.port()).isEqualTo(8000);
        assertThat(expected.maxBodyBytes()).isEqualTo(10L * 1024 * 1024);
        assertThat(expected.classifier().maxPixels()).isEqualTo(50_000_000L);
    }

    /** Prints the settings of a bare {@code serve}, for the test above. */
    public static final class PrintDefaults {
        public static void main(String[] args) {
            ServeCommand serve = new ServeCommand();
            new CommandLine(serve).parseArgs();
            System.out.println(serve.settings());
        }
    }

    @Test
    void help_names_every_environment_variable() {
        StringWriter out = new StringWriter();
        int code = Main.commandLine().setOut(new PrintWriter(out)).execute("serve", "--help");
        assertThat(code).isZero();
        assertThat(out.toString()).contains("API_HOST", "API_PORT", "MODEL_PATH", "API_MAX_BODY_SIZE", "API_MAX_MEGAPIXELS",
                "API_MAX_BATCH_FILES", "BATCH_MAX_SIZE", "BATCH_MAX_DELAY_MS", "BATCH_QUEUE_SIZE", "DECODE_THREADS",
                "INFERENCE_THREADS", "INFERENCE_DEVICE", "API_REQUEST_TIMEOUT_S", "API_SHUTDOWN_TIMEOUT_S", "API_UPLOAD_GRACE_S",
                "API_MIN_UPLOAD_RATE", "API_UPLOAD_MEMORY", "API_HEADER_TIMEOUT_S", "API_MAX_CONNECTIONS",
                "API_MAX_CONNECTIONS_PER_ADDRESS", "MODEL_REPOSITORY", "DEFAULT_MODEL", "MODEL_POLL_S", "API_TOKENS",
                "API_TOKENS_FILE", "API_OPEN_ROUTES");
    }

    @Test
    void a_size_that_is_not_a_size_is_a_usage_error() {
        StringWriter err = new StringWriter();
        int code = Main.commandLine().setErr(new PrintWriter(err)).execute("serve", "--max-body-size", "ten megs");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("'ten megs' is not a size");
    }

    @Test
    void settings_that_make_no_sense_are_refused_with_a_reason() {
        ServeCommand serve = new ServeCommand();
        new CommandLine(serve).parseArgs("--batch-size", "0");
        org.assertj.core.api.Assertions.assertThatThrownBy(serve::settings).hasMessage("batch size must be positive");
    }
}
