package dev.imageclassifier.model;

import dev.imageclassifier.InvalidModelException;
import dev.imageclassifier.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackboneCheckTest {

    @Test
    void theInt8MobileNetYields1280Features() throws InvalidModelException {
        assertThat(BackboneCheck.verify(TestModels.MOBILENET, "mobilenetv2-int8", 1280)).isEqualTo(1280);
    }

    @Test
    void theResNet50ArchitectureYields2048Features() throws InvalidModelException {
        assertThat(BackboneCheck.verify(TestModels.RESNET50_RANDOM, "resnet50", 0)).isEqualTo(2048);
    }

    @Test
    void aModelOfTheWrongWidthIsNotTheBackboneItClaimsToBe() {
        assertThatThrownBy(() -> BackboneCheck.verify(TestModels.MOBILENET, "resnet50", 2048))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("yields 1280 features per image where 2048 were expected");
    }

    @Test
    void aFileThatIsNotOnnxIsRejected(@TempDir Path dir) throws IOException {
        Path page = Files.writeString(dir.resolve("model.onnx"), "<html><body>Rate limit exceeded</body></html>");

        assertThatThrownBy(() -> BackboneCheck.verify(page, "model", 0))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageContaining(page.toString());
    }
}
