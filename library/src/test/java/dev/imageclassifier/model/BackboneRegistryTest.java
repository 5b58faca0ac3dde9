package dev.imageclassifier.model;

import dev.imageclassifier.TestModels;
import dev.imageclassifier.io.Sha256;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackboneRegistryTest {

    final BackboneRegistry registry = BackboneRegistry.standard();

    @Test
    void theDefaultIsTheModelZoosResNet50WithoutAnInventedChecksum() {
        BackboneRegistry.Entry resnet = registry.find(BackboneRegistry.DEFAULT).orElseThrow();

        assertThat(resnet.name()).isEqualTo("resnet50");
        assertThat(resnet.url()).hasToString("https://github.com/onnx/models/raw/main/validated/vision/classification/resnet/model/resnet50-v1-12.onnx");
        assertThat(resnet.fileName()).isEqualTo("resnet50-v1-12.onnx");
        assertThat(resnet.sha256()).as("unpinned: verified by BackboneCheck instead").isNull();
        assertThat(resnet.featureDim()).isEqualTo(2048);
        assertThat(resnet.licence()).isEqualTo("Apache-2.0");
    }

    @Test
    void mobileNetIsPinnedToTheBytesOfTheSharedCopy() throws IOException {
        BackboneRegistry.Entry mobilenet = registry.find("MobileNetV2-INT8").orElseThrow();

        assertThat(mobilenet.fileName()).isEqualTo(TestModels.MOBILENET.getFileName().toString());
        assertThat(mobilenet.sha256()).isEqualTo(Sha256.of(TestModels.MOBILENET));
        assertThat(Files.size(TestModels.MOBILENET)).isEqualTo(3_655_640);
        assertThat(mobilenet.featureDim()).isEqualTo(1280);
    }

    @Test
    void aMirrorMustKeepTheCacheFileName() {
        BackboneRegistry.Entry mobilenet = registry.find("mobilenetv2-int8").orElseThrow();

        assertThat(mobilenet.withUrl(URI.create("http://mirror.example/zoo/mobilenetv2-12-int8.onnx")).fileName())
                .isEqualTo("mobilenetv2-12-int8.onnx");
        assertThatThrownBy(() -> mobilenet.withUrl(URI.create("http://mirror.example/other.onnx")))
                .hasMessageContaining("must end in /mobilenetv2-12-int8.onnx");
        assertThat(registry.find("resnet51")).isEmpty();
        assertThat(registry.names()).containsExactly("resnet50", "mobilenetv2-int8");
    }
}
