package dev.imageclassifier.model;

import dev.imageclassifier.TestModels;
import dev.imageclassifier.DownloadException;
import dev.imageclassifier.fetch.Downloader;
import dev.imageclassifier.fetch.LocalHttpServer;
import dev.imageclassifier.io.CacheDirectory;
import dev.imageclassifier.io.Sha256;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackboneResolverTest {

    static final String MOBILENET_SHA = "83530ad811bc31d2b60a5599a21265a5057608c9b044b4ee758cc22f2309f54f";
    static final Path MOBILENET_FLOAT = TestModels.SHARED.resolve("models/mobilenetv2-float.onnx");
    static final String MOBILENET_FLOAT_SHA = "fa3494d32d5b17f99f678dda56b879a80bed247a3d866c1bdd422c45d85a7d10";

    @TempDir
    Path root;
    CacheDirectory cache;
    LocalHttpServer server;
    BackboneRegistry registry;

    @BeforeEach
    void start() throws IOException {
        cache = new CacheDirectory(root.resolve("cache"));
        server = LocalHttpServer.start();
        // the standard entries, served by the local server under their own file names
        registry = new BackboneRegistry(BackboneRegistry.standard().entries().stream()
                .map(e -> e.withUrl(server.uri("/zoo/" + e.fileName()))).toList());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    BackboneResolver resolver(boolean offline) {
        return new BackboneResolver(registry, cache, new Downloader(LocalHttpServer.downloadOptions(1)), offline);
    }

    @Test
    void offlineWithAnEmptyCacheSaysWhatIsMissingAndHowToGetIt() {
        Path expected = cache.backbones().resolve("resnet50-v1-12.onnx");

        assertThatThrownBy(() -> resolver(true).resolve("resnet50"))
                .isInstanceOf(DownloadException.class)
                .hasMessageContaining("backbone 'resnet50' is not in the cache at " + expected)
                .hasMessageContaining("offline it cannot be downloaded")
                .satisfies(e -> assertThat(((DownloadException) e).offline()).isTrue());
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void aCachedNamedBackboneResolvesWithoutTheNetwork() throws IOException {
        Path cached = cache.backbones().resolve("mobilenetv2-12-int8.onnx");
        Files.createDirectories(cached.getParent());
        Files.copy(TestModels.MOBILENET, cached);

        for (boolean offline : new boolean[] {false, true}) {
            ResolvedBackbone backbone = resolver(offline).resolve("mobilenetv2-int8");

            assertThat(backbone.name()).isEqualTo("mobilenetv2-int8");
            assertThat(backbone.path()).isEqualTo(cached);
            assertThat(backbone.sha256()).isEqualTo(MOBILENET_SHA);
        }
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void aPinnedBackboneIsDownloadedOnceAndVerified() throws IOException {
        server.handle("/zoo/mobilenetv2-12-int8.onnx", LocalHttpServer.file(Files.readAllBytes(TestModels.MOBILENET)));

        ResolvedBackbone first = resolver(false).resolve("mobilenetv2-int8");
        ResolvedBackbone second = resolver(false).resolve("mobilenetv2-int8");

        assertThat(first.path()).isEqualTo(cache.backbones().resolve("mobilenetv2-12-int8.onnx"));
        assertThat(first.sha256()).isEqualTo(MOBILENET_SHA);
        assertThat(first.source()).isEqualTo(server.uri("/zoo/mobilenetv2-12-int8.onnx").toString());
        assertThat(second).isEqualTo(first);
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void aPinnedBackboneWithOtherBytesIsRejectedAndNotCached() throws IOException {
        byte[] model = Files.readAllBytes(TestModels.MOBILENET);
        server.handle("/zoo/mobilenetv2-12-int8.onnx", LocalHttpServer.file(Arrays.copyOf(model, model.length - 1000)));

        assertThatThrownBy(() -> resolver(false).resolve("mobilenetv2-int8"))
                .isInstanceOf(DownloadException.class)
                .hasMessageContaining("SHA-256 mismatch")
                .hasMessageContaining("expected " + MOBILENET_SHA);
        assertThat(filesIn(cache.backbones())).isEmpty();
    }

    @Test
    void theUnpinnedDefaultIsAcceptedOnlyIfItHasTheExpectedFeatureWidth() throws IOException {
        // a real, loadable ImageNet model, but with 1280 features where resnet50 must have 2048
        server.handle("/zoo/resnet50-v1-12.onnx", LocalHttpServer.file(Files.readAllBytes(TestModels.MOBILENET)));

        assertThatThrownBy(() -> resolver(false).resolve("resnet50"))
                .isInstanceOf(DownloadException.class)
                .hasMessageContaining("rejected")
                .hasMessageContaining("yields 1280 features per image where 2048 were expected");
        assertThat(filesIn(cache.backbones())).isEmpty();
    }

    @Test
    void aBackboneUrlWithoutChecksumPassesTheStructuralCheckAndIsCached() throws IOException {
        // a real model that is not in the registry: it is named after its file
        server.handle("/models/custom-net.onnx", LocalHttpServer.file(Files.readAllBytes(MOBILENET_FLOAT)));
        String url = server.uri("/models/custom-net.onnx").toString();

        ResolvedBackbone backbone = resolver(false).resolve(url);

        assertThat(backbone.name()).isEqualTo("custom-net");
        assertThat(backbone.sha256()).isEqualTo(MOBILENET_FLOAT_SHA);
        assertThat(backbone.source()).isEqualTo(url);
        assertThat(backbone.url()).isEqualTo(url);
        assertThat(backbone.path().getParent()).isEqualTo(cache.backbones());
        assertThat(backbone.path().getFileName().toString()).startsWith("url-").endsWith("-custom-net.onnx");
        assertThat(Sha256.of(backbone.path())).isEqualTo(MOBILENET_FLOAT_SHA);
        assertThat(resolver(true).resolve(url)).as("offline, from the cache").isEqualTo(backbone);
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void aRegisteredBackboneIsRecognisedByItsBytesWhateverItsUrlAndItsUrlIsKept() throws IOException {
        server.handle("/mirror/model.onnx", LocalHttpServer.file(Files.readAllBytes(TestModels.MOBILENET)));
        String url = server.uri("/mirror/model.onnx").toString();

        ResolvedBackbone downloaded = resolver(false).resolve(url);
        ResolvedBackbone cached = resolver(true).resolve(url);

        assertThat(downloaded.name()).as("not 'model', the file's name").isEqualTo("mobilenetv2-int8");
        assertThat(downloaded.url()).isEqualTo(url);
        assertThat(cached).isEqualTo(downloaded);
        assertThat(resolver(true).resolve(TestModels.MOBILENET.toString()).url()).as("a local file has no URL").isNull();
    }

    @Test
    void aNamedBackboneRecordsTheUrlItCameFrom() throws IOException {
        server.handle("/zoo/mobilenetv2-12-int8.onnx", LocalHttpServer.file(Files.readAllBytes(TestModels.MOBILENET)));

        assertThat(resolver(false).resolve("mobilenetv2-int8").url()).isEqualTo(server.uri("/zoo/mobilenetv2-12-int8.onnx").toString());
    }

    @Test
    void aNonOnnxFileAtABackboneUrlFailsClearlyAndLeavesNothingInTheCache() throws IOException {
        server.handle("/models/broken.onnx", exchange -> LocalHttpServer.send(exchange, 200,
                "<html><body>Sign in to download this model</body></html>".getBytes()));
        URI url = server.uri("/models/broken.onnx");

        assertThatThrownBy(() -> resolver(false).resolve(url.toString()))
                .isInstanceOf(DownloadException.class)
                .hasMessageContaining("the file downloaded from " + url + " was rejected and deleted")
                .hasMessageContaining("not a usable ONNX backbone");
        assertThat(filesIn(cache.backbones())).isEmpty();
    }

    @Test
    void offlineABackboneUrlThatIsNotCachedIsAnError() {
        assertThatThrownBy(() -> resolver(true).resolve("https://models.example/net.onnx"))
                .hasMessageContaining("backbone https://models.example/net.onnx is not in the cache")
                .hasMessageContaining("offline");
    }

    @Test
    void anExistingFileIsUsedWhereItIsUnderItsRegisteredName() throws IOException {
        ResolvedBackbone backbone = resolver(true).resolve(TestModels.MOBILENET.toString());

        assertThat(backbone.path()).isEqualTo(TestModels.MOBILENET);
        assertThat(backbone.name()).as("the file's SHA-256 is the registry's mobilenetv2-int8").isEqualTo("mobilenetv2-int8");
        assertThat(backbone.sha256()).isEqualTo(MOBILENET_SHA);
        assertThat(cache.root()).doesNotExist();
        assertThat(resolver(true).resolve(TestModels.RESNET50_RANDOM.toString()).name()).isEqualTo("resnet50-random-init");
    }

    @Test
    void badSpecificationsGetPreciseMessages() {
        assertThatThrownBy(() -> resolver(false).resolve("resnet51"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown backbone 'resnet51'")
                .hasMessageContaining("resnet50, mobilenetv2-int8");
        assertThatThrownBy(() -> resolver(false).resolve(root.resolve("missing.onnx").toString()))
                .isInstanceOf(FileNotFoundException.class)
                .hasMessageContaining(root.resolve("missing.onnx") + " does not exist");
        assertThatThrownBy(() -> resolver(false).resolve(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no backbone given");
        assertThat(server.requests()).isEmpty();
    }

    static List<Path> filesIn(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.toList();
        }
    }
}
