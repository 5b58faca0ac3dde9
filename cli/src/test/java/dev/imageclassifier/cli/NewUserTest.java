package dev.imageclassifier.cli;

import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import dev.imageclassifier.TestModels;
import dev.imageclassifier.fetch.LocalHttpServer;
import dev.imageclassifier.model.ModelMetadata;
import dev.imageclassifier.model.OnnxProtos;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** What a new user meets in the first hour: one-class data, a wrong backbone, a backbone by URL, a second cached run. */
class NewUserTest {

    private static final List<String> CLASSES = List.of("accordion", "anchor", "ant");

    @TempDir
    static Path dir;

    private static Path images;
    private static Path split;

    @BeforeAll
    static void prepareThreeSmallClasses() throws Exception {
        images = Files.createDirectories(dir.resolve("images"));
        for (String name : CLASSES) {
            Path folder = Files.createDirectories(images.resolve(name));
            for (int i = 1; i <= 8; i++) {
                String file = String.format("image_%04d.jpg", i);
                Files.createSymbolicLink(folder.resolve(file), TestModels.CALTECH.resolve(name).resolve(file));
            }
        }
        Cli prepared = Cli.run("prepare", "--data", images.toString(), "--out", dir.resolve("data").toString());
        assertThat(prepared.exitCode()).as(prepared.err()).isZero();
        assertThat(prepared.out()).startsWith("Found 24 images in 3 classes under " + images);
        split = dir.resolve("data/split.csv");
    }

    private static Cli train(String backbone, Path model, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--split", split.toString(), "--backbone", backbone,
                "--model", model.toString(), "--results", model.resolveSibling("results").toString(),
                "--cache-dir", dir.resolve("cache").toString(), "--no-progress"));
        args.addAll(List.of(more));
        return Cli.run(args.toArray(String[]::new));
    }

    @Test
    void aDatasetWithOneClassIsRefusedAndNoSplitIsWritten() throws Exception {
        Path one = Files.createDirectories(dir.resolve("one-class"));
        Files.createSymbolicLink(one.resolve("ant"), images.resolve("ant"));

        Cli prepared = Cli.run("prepare", "--data", one.toString(), "--out", dir.resolve("one-out").toString());

        assertThat(prepared.exitCode()).isEqualTo(1);
        assertThat(prepared.err()).isEqualTo("error: Only one class under " + one.toAbsolutePath() + " ('ant', 8 images): a classifier"
                + " needs at least two classes, one sub-folder each" + System.lineSeparator());
        assertThat(dir.resolve("one-out/split.csv")).doesNotExist();
    }

    @Test
    void aTrainedClassifierGivenAsBackboneIsExplained() throws Exception {
        Path classifier = TestModels.randomHeadClassifier(dir.resolve("trained"), CLASSES, 3);

        Cli trained = train(classifier.toString(), dir.resolve("wrong/classifier.onnx"), "--offline");

        assertThat(trained.exitCode()).isEqualTo(1);
        assertThat(trained.err()).endsWith("error: " + classifier + " is a classifier trained by this project (3 classes, backbone"
                + " mobilenetv2-int8), not a backbone: it was made from the ImageNet backbone mobilenetv2-int8 (give --backbone the"
                + " ImageNet backbone it was made from, and this file to serve, predict or evaluate as --model)" + System.lineSeparator());
        assertThat(dir.resolve("wrong/classifier.onnx")).doesNotExist();
    }

    @Test
    void aTextFileGivenAsBackboneIsExplained() throws Exception {
        Path notes = Files.writeString(dir.resolve("backbone.txt"), "resnet50, from the model zoo\n");

        Cli trained = train(notes.toString(), dir.resolve("text/classifier.onnx"), "--offline");

        assertThat(trained.exitCode()).isEqualTo(1);
        assertThat(trained.err()).isEqualTo("error: " + notes.toAbsolutePath() + " is not an ONNX model: it is a text file that begins"
                + " \"resnet50, from the model zoo\". A backbone is an ImageNet classifier in ONNX form: a registered name (resnet50,"
                + " mobilenetv2-int8), an .onnx file or an http(s) URL of one" + System.lineSeparator());
    }

    @Test
    void aRegisteredBackboneGivenByUrlIsNamedByItsHashAndItsUrlIsRecorded() throws Exception {
        Path model = dir.resolve("by-url/classifier.onnx");
        try (LocalHttpServer server = LocalHttpServer.start()) {
            server.handle("/models/model.onnx", LocalHttpServer.file(Files.readAllBytes(TestModels.MOBILENET)));
            String url = server.uri("/models/model.onnx").toString();

            Cli trained = train(url, model);

            assertThat(trained.exitCode()).as(trained.err()).isZero();
            assertThat(trained.out()).startsWith("Trained default on mobilenetv2-int8: ");
            Map<String, String> metadata = OnnxProtos.read(model).getMetadataPropsList().stream()
                    .collect(Collectors.toMap(StringStringEntryProto::getKey, StringStringEntryProto::getValue));
            assertThat(metadata).containsEntry(ModelMetadata.BACKBONE_NAME, "mobilenetv2-int8").containsEntry(ModelMetadata.BACKBONE_URL, url);
        }
    }

    @Test
    void aSecondRunWithEveryFeatureCachedSaysSoInsteadOfZeroComputed() throws Exception {
        Path model = dir.resolve("cached/classifier.onnx");
        Cli first = train(TestModels.MOBILENET.toString(), model, "--offline");
        assertThat(first.exitCode()).as(first.err()).isZero();

        Cli second = train(TestModels.MOBILENET.toString(), model, "--offline", "--epochs", "3");

        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(second.err()).containsPattern("(?m)^Features: all 24 from cache, \\d+\\.\\d s$").doesNotContain("0 computed");
        assertThat(OnnxProtos.read(model).getMetadataPropsList()).extracting(StringStringEntryProto::getKey)
                .as("a local file has no URL to record").doesNotContain(ModelMetadata.BACKBONE_URL);
    }
}
