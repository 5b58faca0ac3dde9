package dev.imageclassifier.spark;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imageclassifier.BackboneFile;
import dev.imageclassifier.DatasetSplit;
import dev.imageclassifier.ImageClassifier;
import dev.imageclassifier.Progress;
import dev.imageclassifier.ProgressListener;
import dev.imageclassifier.TrainingRecipe;
import dev.imageclassifier.TrainingResult;
import dev.imageclassifier.cli.Main;
import dev.imageclassifier.io.Json;
import dev.imageclassifier.serve.ApiServer;
import dev.imageclassifier.serve.MultipartBody;
import dev.imageclassifier.serve.ServeSettings;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** train on embedded Spark local[2] against the local `train` on the same five-class Caltech-101 split. */
class TrainJobTest {

    private static final List<String> CLASSES = List.of("accordion", "anchor", "ant", "barrel", "bass");

    @TempDir
    static Path dir;

    private static Path data;
    private static Path split;
    private static double localAccuracy;

    /** The five classes copied, prepared with `prepare`, and trained the local way with `train`. */
    @BeforeAll
    static void prepareAndTrainLocally() throws Exception {
        data = Files.createDirectories(dir.resolve("images"));
        for (String name : CLASSES) {
            Path folder = Files.createDirectories(data.resolve(name));
            try (Stream<Path> files = Files.list(TestSpark.CALTECH.resolve(name))) {
                for (Path file : files.toList()) {
                    Files.copy(file, folder.resolve(file.getFileName()));
                }
            }
        }
        assertThat(Main.commandLine().execute("prepare", "--data", data.toString(), "--out", dir.resolve("data").toString())).isZero();
        split = dir.resolve("data/split.csv");
        assertThat(Main.commandLine().execute("train", "--split", split.toString(), "--backbone", TestSpark.MOBILENET.toString(),
                "--model", dir.resolve("local/classifier.onnx").toString(), "--results", dir.resolve("local").toString(),
                "--no-cache", "--no-progress", "--offline")).isZero(); // the default recipe: framing and weight decay chosen
        localAccuracy = metrics(dir.resolve("local")).get("accuracy").asDouble();
        assertThat(localAccuracy).isGreaterThan(0.8); // chance is 0.2
    }

    private static TrainJob.Settings settings(Path manifest, String tree, TrainJob.HeadTrainerKind head, String name) throws IOException {
        return new TrainJob.Settings(manifest, null, tree, Set.of(), 0.2, 42, BackboneFile.of(TestSpark.MOBILENET),
                TrainingRecipe.DEFAULT, null, head, new MllibHead(1e-3, 0, 100), dir.resolve(name + "/features").toString(),
                dir.resolve(name + "/classifier.onnx"), dir.resolve(name), 32);
    }

    /** The job's status lines, kept for the assertions' messages. */
    private static ProgressListener recording(StringBuilder log) {
        return new ProgressListener() {
            @Override
            public Progress begin(String task, long total, long alreadyDone, String unit) {
                return Progress.NONE;
            }

            @Override
            public synchronized void note(String line) {
                log.append(line).append('\n');
            }
        };
    }

    @Test
    void matchesTheLocalTrainOnTheSameSplitAndItsClassifierIsServedUnchanged() throws Exception {
        StringBuilder log = new StringBuilder();
        TrainingResult summary = TrainJob.run(TestSpark.session(), settings(split, null, TrainJob.HeadTrainerKind.AUTO, "spark"),
                recording(log));
        assertThat(summary.headTrainer()).as(log.toString()).isEqualTo("trainer");
        assertThat(summary.accuracy()).isCloseTo(localAccuracy, within(0.01));

        JsonNode metrics = metrics(dir.resolve("spark"));
        JsonNode local = metrics(dir.resolve("local"));
        assertThat(metrics.get("split").get("fingerprint")).isEqualTo(local.get("split").get("fingerprint"));
        assertThat(metrics.get("split").get("val_images")).isEqualTo(local.get("split").get("val_images"));
        assertThat(metrics.get("class_names")).isEqualTo(local.get("class_names"));
        assertThat(metrics.get("backbone")).isEqualTo(local.get("backbone"));
        // the same framing choice on the same hold-out as the local train, candidate by candidate
        assertThat(metrics.get("framing").get("chosen")).as(log.toString()).isEqualTo(local.get("framing").get("chosen"));
        assertThat(metrics.get("framing").get("candidates")).isEqualTo(local.get("framing").get("candidates"));
        assertThat(metrics.get("regularization").get("weight_decay")).isEqualTo(local.get("regularization").get("weight_decay"));

        List<Row> features = TestSpark.session().read().parquet(dir.resolve("spark/features").toString()).collectAsList();
        assertThat(features).hasSize(240).allSatisfy(row -> {
            assertThat(row.isNullAt(row.fieldIndex("error"))).isTrue();
            assertThat(row.<List<?>>getList(row.fieldIndex("features"))).hasSize(1);
        });

        Path model = dir.resolve("spark/classifier.onnx");
        Path image = TestSpark.CALTECH.resolve("accordion/image_0001.jpg");
        try (ImageClassifier classifier = ImageClassifier.load(model)) {
            assertThat(classifier.labels()).containsExactlyElementsOf(CLASSES);
            assertThat(classifier.info().backbone().name()).isEqualTo("mobilenetv2-int8");
            assertThat(classifier.classify(image).label()).isEqualTo("accordion");
        }
        try (ApiServer server = ApiServer.start(ServeSettings.defaults(model).withAddress("127.0.0.1", 0))) {
            MultipartBody body = new MultipartBody().file("file", "accordion.jpg", "image/jpeg", Files.readAllBytes(image));
            HttpResponse<String> answer = HttpClient.newHttpClient().send(
                    body.post(URI.create("http://127.0.0.1:" + server.port() + "/predict")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(Json.MAPPER.readTree(answer.body()).get("predicted_class").asText()).isEqualTo("accordion");
        }
    }

    @Test
    void splitsAFolderTreeLikePrepareAndTrainsTheHeadWithMllib() throws Exception {
        StringBuilder log = new StringBuilder();
        TrainingResult summary = TrainJob.run(TestSpark.session(),
                settings(null, data.toString(), TrainJob.HeadTrainerKind.MLLIB, "mllib"), recording(log));
        assertThat(summary.headTrainer()).isEqualTo("mllib-logistic-regression");
        assertThat(metrics(dir.resolve("mllib")).get("split").get("fingerprint").asText())
                .isEqualTo(DatasetSplit.read(split).fingerprint());
        assertThat(summary.accuracy()).as(log.toString()).isCloseTo(localAccuracy, within(0.03));
        try (ImageClassifier classifier = ImageClassifier.load(dir.resolve("mllib/classifier.onnx"))) {
            assertThat(classifier.classify(TestSpark.CALTECH.resolve("anchor/image_0001.jpg")).label()).isEqualTo("anchor");
        }
    }

    private static JsonNode metrics(Path results) throws Exception {
        return Json.MAPPER.readTree(results.resolve("metrics.json").toFile());
    }
}
