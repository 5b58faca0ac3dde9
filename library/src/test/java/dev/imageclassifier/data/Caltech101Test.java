package dev.imageclassifier.data;

import dev.imageclassifier.TestModels;
import dev.imageclassifier.fetch.ArchiveRejectedException;
import dev.imageclassifier.DownloadException;
import dev.imageclassifier.fetch.Downloader;
import dev.imageclassifier.fetch.ExtractionLimits;
import dev.imageclassifier.fetch.LocalHttpServer;
import dev.imageclassifier.fetch.RecordingProgress;
import dev.imageclassifier.fetch.TestArchives;
import dev.imageclassifier.io.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static dev.imageclassifier.fetch.TestArchives.file;
import static dev.imageclassifier.fetch.TestArchives.folder;
import static dev.imageclassifier.fetch.TestArchives.symlink;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Caltech101Test {

    static final List<String> CLASSES = List.of("accordion", "anchor", "ant");
    static final List<String> IMAGES = List.of("image_0001.jpg", "image_0002.jpg");
    static final String RECORD_PATH = "/records/mzrjq-6wc02/files/caltech-101.zip";

    @TempDir
    Path root;
    Path dataDir;
    LocalHttpServer server;
    URI source;

    @BeforeEach
    void start() throws IOException {
        dataDir = root.resolve("data");
        server = LocalHttpServer.start();
        source = URI.create(server.uri(RECORD_PATH) + "?download=1");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** The official archive's shape: a zip whose caltech-101/ folder holds a tar.gz of class folders and a tar. */
    static byte[] caltechZip(List<TestArchives.Entry> extraCategoryEntries) throws IOException {
        List<TestArchives.Entry> categories = new ArrayList<>(List.of(folder("101_ObjectCategories")));
        for (String label : CLASSES) {
            categories.add(folder("101_ObjectCategories/" + label));
            for (String image : IMAGES) {
                categories.add(file("101_ObjectCategories/" + label + "/" + image, Files.readAllBytes(TestModels.CALTECH.resolve(label).resolve(image))));
            }
        }
        categories.addAll(extraCategoryEntries);
        byte[] annotations = TestArchives.tar(List.of(folder("Annotations"), folder("Annotations/accordion"),
                file("Annotations/accordion/annotation_0001.mat", "MATLAB 5.0 MAT-file")));
        return TestArchives.zip(List.of(
                folder("caltech-101"),
                file("caltech-101/101_ObjectCategories.tar.gz", TestArchives.tarGz(categories)),
                file("caltech-101/Annotations.tar", annotations),
                file("caltech-101/show_annotation.m", "% shows an annotation")));
    }

    Caltech101 caltech() {
        return new Caltech101(source, new Downloader(LocalHttpServer.downloadOptions(2)), ExtractionLimits.DEFAULT);
    }

    /** Serves the zip behind a redirect, as CaltechDATA does. */
    void serve(byte[] zip) {
        server.handle(RECORD_PATH, LocalHttpServer.redirect("/storage/caltech-101.zip"))
                .handle("/storage/caltech-101.zip", LocalHttpServer.file(zip));
    }

    @Test
    void downloadsAndUnpacksBothLevelsIntoAClassPerFolderTree() throws IOException {
        serve(caltechZip(List.of()));

        Path categories = caltech().ensure(dataDir, false);

        assertThat(categories).isEqualTo(dataDir.resolve("caltech-101/101_ObjectCategories"));
        try (Stream<Path> folders = Files.list(categories)) {
            assertThat(folders.map(p -> p.getFileName().toString())).containsExactlyInAnyOrderElementsOf(CLASSES);
        }
        for (String label : CLASSES) {
            for (String image : IMAGES) {
                assertThat(Files.readAllBytes(categories.resolve(label).resolve(image)))
                        .isEqualTo(Files.readAllBytes(TestModels.CALTECH.resolve(label).resolve(image)));
            }
        }
        assertThat(dataDir.resolve("caltech-101/Annotations/accordion/annotation_0001.mat")).hasContent("MATLAB 5.0 MAT-file");
        Map<?, ?> marker = Json.MAPPER.readValue(dataDir.resolve("caltech-101/.complete.json").toFile(), Map.class);
        assertThat(marker.get("source")).isEqualTo(source.toString());
        assertThat(marker.get("classFolders")).isEqualTo(3);
        try (Stream<Path> left = Files.list(dataDir)) {
            assertThat(left.map(p -> p.getFileName().toString()))
                    .as("the zip and staging folder are gone").containsExactlyInAnyOrder("caltech-101", ".caltech-101.lock");
        }
    }

    @Test
    void theUnpackedFolderGetsTheUsualPermissionsAndEveryStepIsTold() throws IOException {
        serve(caltechZip(List.of()));
        RecordingProgress progress = new RecordingProgress();

        Path categories = new Caltech101(source, new Downloader(LocalHttpServer.downloadOptions(1).withProgress(progress)),
                ExtractionLimits.DEFAULT).ensure(dataDir, false);

        Set<PosixFilePermission> usual = Files.getPosixFilePermissions(Files.createDirectory(root.resolve("made-by-the-umask")));
        assertThat(Files.getPosixFilePermissions(categories.getParent())).as("not rwx------").isEqualTo(usual);
        Path zip = dataDir.resolve("caltech-101.zip");
        assertThat(progress.notes()).hasSize(2);
        assertThat(progress.notes().get(0)).isEqualTo("Downloading " + source);
        assertThat(progress.notes().get(1)).matches("Unpacking caltech-101\\.zip \\(\\d+\\.\\d kB\\) into "
                + Pattern.quote(dataDir.resolve("caltech-101") + "…"));
        assertThat(zip).doesNotExist();
    }

    @Test
    void aSecondProcessWaitingForTheFirstSaysSo() throws Exception {
        serve(caltechZip(List.of()));
        RecordingProgress progress = new RecordingProgress();
        Caltech101 second = new Caltech101(source, new Downloader(LocalHttpServer.downloadOptions(1).withProgress(progress)),
                ExtractionLimits.DEFAULT);
        Files.createDirectories(dataDir);
        Path lockFile = dataDir.resolve(".caltech-101.lock");
        ExecutorService background = Executors.newSingleThreadExecutor();
        try (FileChannel first = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock held = first.lock();
            Future<Path> waiting = background.submit(() -> second.ensure(dataDir, false));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (progress.notes().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(progress.notes()).containsExactly("Waiting for another process that is preparing Caltech-101 in "
                    + dataDir + " (it holds " + lockFile + ")…");
            assertThat(waiting).isNotDone();
            assertThat(server.requests()).isEmpty();
            held.release();
            assertThat(waiting.get(30, TimeUnit.SECONDS)).isEqualTo(dataDir.resolve("caltech-101/101_ObjectCategories"));
        } finally {
            background.shutdownNow();
        }
    }

    @Test
    void aCompleteDatasetIsReusedWithoutTheNetwork() throws IOException {
        serve(caltechZip(List.of()));
        Path first = caltech().ensure(dataDir, false);
        int requests = server.requests().size();

        assertThat(caltech().ensure(dataDir, false)).isEqualTo(first);
        assertThat(caltech().ensure(dataDir, true)).isEqualTo(first);
        assertThat(Caltech101.existing(dataDir)).contains(first);
        assertThat(server.requests()).hasSize(requests);
    }

    @Test
    void offlineWithoutTheDatasetFailsWithInstructions() {
        assertThatThrownBy(() -> caltech().ensure(dataDir, true))
                .isInstanceOf(DownloadException.class)
                .hasMessageContaining("Caltech-101 is not in " + dataDir.resolve("caltech-101"))
                .hasMessageContaining("offline")
                .hasMessageContaining(source.toString())
                .satisfies(e -> assertThat(((DownloadException) e).offline()).isTrue());
        assertThat(server.requests()).isEmpty();
        assertThat(dataDir).doesNotExist();
    }

    @Test
    void aFinishedDownloadFromAnInterruptedRunIsUnpackedOffline() throws IOException {
        Files.createDirectories(dataDir);
        Files.write(dataDir.resolve("caltech-101.zip"), caltechZip(List.of()));
        Files.createDirectories(dataDir.resolve(".caltech-101.staging-123/101_ObjectCategories/half"));

        Path categories = caltech().ensure(dataDir, true);

        assertThat(categories.resolve("ant/image_0002.jpg")).isRegularFile();
        assertThat(dataDir.resolve(".caltech-101.staging-123")).as("an interrupted run's staging folder is cleared").doesNotExist();
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void aFolderWithoutTheMarkerIsNeitherTrustedNorOverwritten() throws IOException {
        serve(caltechZip(List.of()));
        Path partial = Files.createDirectories(dataDir.resolve("caltech-101/101_ObjectCategories/accordion"));
        Files.writeString(partial.resolve("image_0001.jpg"), "half a copy");

        assertThatThrownBy(() -> caltech().ensure(dataDir, false))
                .hasMessageContaining("not marked complete")
                .hasMessageContaining("delete it");
        assertThat(partial.resolve("image_0001.jpg")).hasContent("half a copy");
        assertThat(server.requests()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"climbing out", "absolute", "link out"})
    void aHostileArchiveIsRejectedAndLeavesNoHalfDataset(String attack) throws IOException {
        TestArchives.Entry hostile = switch (attack) {
            case "climbing out" -> file("../../escaped.txt", "pwned");
            case "absolute" -> file(root.resolve("escaped.txt").toString(), "pwned");
            default -> symlink("101_ObjectCategories/accordion/link", "../../../../escaped.txt");
        };
        Files.writeString(root.resolve("escaped.txt"), "original");
        serve(caltechZip(List.of(hostile)));

        assertThatThrownBy(() -> caltech().ensure(dataDir, false))
                .isInstanceOf(ArchiveRejectedException.class)
                .hasMessageContaining("rejected")
                .hasMessageContaining("'" + hostile.name() + "'");
        try (Stream<Path> left = Files.list(dataDir)) {
            assertThat(left.map(p -> p.getFileName().toString()))
                    .as("no dataset, no staging folder, no zip").containsExactly(".caltech-101.lock");
        }
        assertThat(root.resolve("escaped.txt")).hasContent("original");
        try (Stream<Path> everything = Files.walk(root)) {
            assertThat(everything.filter(p -> p.getFileName().toString().contains("escaped"))).containsExactly(root.resolve("escaped.txt"));
        }
    }

    @Test
    void theSourceCanBeReplacedByAMirror() {
        assertThat(Caltech101.sourceFromEnvironment(Map.of())).isEqualTo(Caltech101.OFFICIAL_URL);
        assertThat(Caltech101.sourceFromEnvironment(Map.of("CALTECH101_URL", " https://mirror.example/caltech-101.zip ")))
                .isEqualTo(URI.create("https://mirror.example/caltech-101.zip"));
        assertThatThrownBy(() -> Caltech101.sourceFromEnvironment(Map.of("CALTECH101_URL", "caltech-101.zip")))
                .hasMessage("CALTECH101_URL=caltech-101.zip is not an http(s) URL");
    }

    @Test
    void aZipWithoutTheCategoriesArchiveIsRejected() throws IOException {
        serve(TestArchives.zip(List.of(file("caltech-101/README.txt", "nothing here"))));

        assertThatThrownBy(() -> caltech().ensure(dataDir, false))
                .isInstanceOf(ArchiveRejectedException.class)
                .hasMessageContaining("no caltech-101/101_ObjectCategories.tar.gz");
        assertThat(dataDir.resolve("caltech-101")).doesNotExist();
    }
}
