package dev.imageclassifier.model;

import ai.onnx.proto.OnnxMl.ModelProto;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.imageclassifier.ImageClassifier;
import dev.imageclassifier.InvalidModelException;
import dev.imageclassifier.TestModels;
import dev.imageclassifier.io.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Issue 21, hole 7: a damaged classifier file is refused at load instead of being served. */
class ModelDigestTest {

    @TempDir
    static Path shared;
    @TempDir
    Path dir;

    private static Path classifier;

    @BeforeAll
    static void writeClassifier() throws Exception {
        classifier = TestModels.randomHeadClassifier(shared, List.of("cat", "dog", "fox"), 7);
    }

    @Test
    void everyClassifierIsWrittenWithTheDigestOfItsContentAndLoads() throws Exception {
        assertThat(ModelDigest.check(classifier).status()).isEqualTo(ModelDigest.Status.VERIFIED);
        try (ImageClassifier loaded = ImageClassifier.load(classifier)) {
            assertThat(loaded.labels()).containsExactly("cat", "dog", "fox");
        }
    }

    @Test
    void fiftyBytesFlippedInTheSecondHalfAreRefusedAsCorrupt() throws Exception {
        byte[] bytes = Files.readAllBytes(classifier);
        int at = bytes.length * 3 / 4;
        for (int i = at; i < at + 50; i++) {
            bytes[i] ^= (byte) 0xFF;
        }
        Path damaged = Files.write(dir.resolve("classifier.onnx"), bytes);
        assertThat(ModelDigest.check(damaged).status()).isEqualTo(ModelDigest.Status.MISMATCH);
        assertThatThrownBy(() -> ImageClassifier.load(damaged)).isInstanceOfSatisfying(InvalidModelException.class, e -> {
            assertThat(e.problem()).isEqualTo(InvalidModelException.Problem.CORRUPT);
            assertThat(e.file()).isEqualTo(damaged);
            assertThat(e.getMessage()).startsWith(damaged + " is damaged: its content does not match the digest recorded when it was written");
        });
    }

    @Test
    void aChangedLabelIsFoundToo() throws Exception {
        byte[] bytes = Files.readAllBytes(classifier);
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int at = text.indexOf("\"dog\"");
        assertThat(at).isPositive();
        bytes[at + 1] = 'h'; // "hog": same length, still valid JSON and protobuf
        Path relabelled = Files.write(dir.resolve("classifier.onnx"), bytes);
        assertThatThrownBy(() -> ImageClassifier.load(relabelled)).isInstanceOfSatisfying(InvalidModelException.class,
                e -> assertThat(e.problem()).isEqualTo(InvalidModelException.Problem.CORRUPT));
    }

    @Test
    void aFileFromBeforeDigestsLoadsWithOneWarning() throws Exception {
        Path old = Files.write(dir.resolve("old.onnx"), ModelDigest.unstamped(OnnxProtos.read(classifier)).toByteArray());
        assertThat(ModelDigest.check(old).status()).isEqualTo(ModelDigest.Status.ABSENT);
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(ClassifierModel.class);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        logger.addAppender(log);
        try {
            for (int i = 0; i < 2; i++) {
                try (ImageClassifier loaded = ImageClassifier.load(old)) {
                    assertThat(loaded.labels()).hasSize(3);
                }
            }
        } finally {
            logger.detachAppender(log);
        }
        assertThat(log.list).filteredOn(e -> e.getLevel() == Level.WARN).singleElement()
                .satisfies(e -> assertThat(e.getFormattedMessage()).contains("old.onnx", "records no content digest"));
    }

    @Test
    void stampingAnOldFileKeepsEveryByteAndAppendsTheDigest() throws Exception {
        byte[] original = ModelDigest.unstamped(OnnxProtos.read(classifier)).toByteArray();
        Path old = Files.write(dir.resolve("old.onnx"), original);
        Path stamped = dir.resolve("stamped.onnx");
        assertThat(ModelDigest.stampFile(old, stamped)).isTrue();
        byte[] after = Files.readAllBytes(stamped);
        assertThat(Arrays.copyOf(after, original.length)).isEqualTo(original);
        assertThat(ModelDigest.check(stamped).status()).isEqualTo(ModelDigest.Status.VERIFIED);
        assertThat(ModelDigest.stampFile(stamped, stamped)).isFalse();
        assertThat(OnnxProtos.read(stamped).getGraph()).isEqualTo(OnnxProtos.read(old).getGraph());
    }

    @Test
    void aModelChangedAndWrittenAgainCarriesTheDigestOfItsNewContent() throws Exception {
        ModelProto changed = OnnxProtos.read(classifier).toBuilder().setDocString("changed").build(); // still the old digest
        Path file = dir.resolve("changed.onnx");
        Files.write(file, changed.toByteArray());
        assertThat(ModelDigest.check(file).status()).isEqualTo(ModelDigest.Status.MISMATCH);
        ClassifierGraph.write(changed, file);
        assertThat(ModelDigest.check(file).status()).isEqualTo(ModelDigest.Status.VERIFIED);
        assertThat(OnnxProtos.read(file).getMetadataPropsList()).filteredOn(p -> p.getKey().equals(ModelDigest.KEY)).hasSize(1);
    }

    @Test
    void theCommittedModelIsStampedAndStillThatOfItsTrainingRun() throws Exception {
        Path committed = Path.of("model/classifier.onnx");
        assertThat(ModelDigest.check(committed).status()).isEqualTo(ModelDigest.Status.VERIFIED);
        String runId = Json.MAPPER.readTree(Path.of("results/metrics.json").toFile()).get("run_id").asText();
        try (ImageClassifier loaded = ImageClassifier.load(committed)) {
            assertThat(loaded.info().training().get("run_id")).isEqualTo(runId);
        }
    }

    @Test
    void bytesThatAreNoProtobufAreMalformedNotADigestMismatch() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.onnx"), "not a protobuf at all");
        assertThat(ModelDigest.check(text).status()).isIn(ModelDigest.Status.MALFORMED, ModelDigest.Status.ABSENT);
        assertThatThrownBy(() -> ImageClassifier.load(text)).isInstanceOfSatisfying(InvalidModelException.class,
                e -> assertThat(e.problem()).isNotEqualTo(InvalidModelException.Problem.CORRUPT));
    }
}
