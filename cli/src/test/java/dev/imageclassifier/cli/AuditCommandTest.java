package dev.imageclassifier.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imageclassifier.TestModels;
import dev.imageclassifier.io.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * audit → prepare --drop-duplicates → train --exclude-suspects on three real Caltech-101 classes (10 images each)
 * with an exact copy planted, the real backbone; no file of the dataset is changed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuditCommandTest {

    private static final List<String> CLASSES = List.of("airplanes", "Motorbikes", "watch");

    @TempDir
    static Path dir;
    static Path data;

    @BeforeAll
    static void dataset() throws Exception {
        data = Files.createDirectories(dir.resolve("photos"));
        for (String label : CLASSES) {
            Files.createDirectories(data.resolve(label));
            for (int i = 1; i <= 10; i++) {
                String name = String.format("image_%04d.jpg", i);
                Files.copy(TestModels.CALTECH.resolve(label).resolve(name), data.resolve(label).resolve(name));
            }
        }
        Files.copy(data.resolve("watch/image_0001.jpg"), data.resolve("watch/again.jpg"));
    }

    private static String[] withBackbone(String... args) {
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.addAll(List.of("--backbone", TestModels.MOBILENET.toString(), "--cache-dir", dir.resolve("cache").toString(), "--no-progress"));
        return all.toArray(String[]::new);
    }

    @Test
    @Order(1)
    void auditWritesItsFilesAndSaysWhatItFound() throws Exception {
        Cli audit = Cli.run(withBackbone("audit", "--data", data.toString(), "--out", dir.resolve("audit").toString()));
        assertThat(audit.exitCode()).as(audit.err()).isZero();
        assertThat(audit.out()).contains("Audited 31 images in 3 classes", "Duplicate groups: 1 exact, 0 near",
                "audit.json", "audit.html");
        JsonNode json = Json.MAPPER.readTree(dir.resolve("audit/audit.json").toFile());
        assertThat(json.get("duplicates").get(0).get("paths").toString()).contains("watch/again.jpg", "watch/image_0001.jpg");
        assertThat(json.get("duplicates").get(0).get("kind").asText()).isEqualTo("exact");
        assertThat(json.has("mislabeled")).isTrue();
    }

    @Test
    @Order(2)
    void prepareDropsTheCopyButNotTheFile() throws Exception {
        Cli prepared = Cli.run("prepare", "--data", data.toString(), "--out", dir.resolve("data").toString(), "--drop-duplicates",
                dir.resolve("audit/audit.json").toString());
        assertThat(prepared.exitCode()).as(prepared.err()).isZero();
        assertThat(prepared.out()).contains("Found 30 images in 3 classes", "Left out 1 duplicate copy");
        String split = Files.readString(dir.resolve("data/split.csv"));
        assertThat(split).contains("watch/again.jpg").doesNotContain("watch/image_0001.jpg");
        assertThat(data.resolve("watch/image_0001.jpg")).exists();
        Cli plain = Cli.run("prepare", "--data", data.toString(), "--out", dir.resolve("plain").toString(), "--drop-duplicates");
        assertThat(plain.out()).as("exact copies are found without an audit").contains("Left out 1 duplicate copy");
    }

    @Test
    @Order(3)
    void trainLeavesTheSuspectsOutOfTrainingOnly() throws Exception {
        Path list = Files.writeString(dir.resolve("suspects.txt"), "airplanes/image_0002.jpg\nwatch/again.jpg\nnot/in/the/split.jpg\n");
        String split = Files.readString(dir.resolve("data/split.csv"));
        long listedTraining = split.lines().filter(l -> (l.startsWith("airplanes/image_0002.jpg,") || l.startsWith("watch/again.jpg,"))
                && l.endsWith(",train")).count();
        Cli trained = Cli.run(withBackbone("train", "--split", dir.resolve("data/split.csv").toString(), "--exclude-suspects",
                list.toString(), "--framing", "whole", "--model", dir.resolve("model/classifier.onnx").toString(), "--results",
                dir.resolve("results").toString()));
        assertThat(trained.exitCode()).as(trained.err()).isZero();
        assertThat(trained.err()).contains("Excluding " + listedTraining + " training image(s)");
        JsonNode metrics = Json.MAPPER.readTree(dir.resolve("results/metrics.json").toFile());
        assertThat(metrics.toString()).contains("\"train_images\":" + (24 - listedTraining));
    }

    @Test
    @Order(4)
    void evaluateShowsTheAuditAsASectionOfTheReport() throws Exception {
        Cli evaluated = Cli.run("evaluate", "--model", dir.resolve("model/classifier.onnx").toString(), "--split",
                dir.resolve("data/split.csv").toString(), "--results", dir.resolve("evaluation").toString(), "--audit",
                dir.resolve("audit/audit.json").toString(), "--no-progress");
        assertThat(evaluated.exitCode()).as(evaluated.err()).isZero();
        String report = Files.readString(dir.resolve("evaluation/report.html"));
        assertThat(report).contains("<section id=\"audit\">", "Data check", "watch/again.jpg").doesNotContain(data.toString());
    }

    @Test
    @Order(5)
    void aBrokenSuspectFileIsSaidInWords() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"not\": \"an audit\"}");
        Cli trained = Cli.run(withBackbone("train", "--split", dir.resolve("data/split.csv").toString(), "--exclude-suspects",
                bad.toString()));
        assertThat(trained.exitCode()).isNotZero();
        assertThat(trained.err()).contains("is not an audit.json").doesNotContain("Exception");
    }
}
