package dev.imageclassifier.cli;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** Help speaks of things users know: the reference FastAPI/PyTorch service, never "the seed" (a name only the team used). */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class HelpTextTest {

    @ParameterizedTest(name = "{0} --help")
    @ValueSource(strings = {"", "prepare", "train", "audit", "evaluate", "predict", "serve", "bench", "run"})
    void help_names_the_reference_service_not_the_seed(String command) {
        StringWriter out = new StringWriter();
        Main.commandLine().setOut(new PrintWriter(out)).execute(command.isEmpty() ? new String[] {"--help"} : new String[] {command, "--help"});
        assertThat(out.toString()).isNotBlank().doesNotContainPattern("(?i)the seed|seed's|seed project|seed ran");
    }
}
