package dev.imageclassifier.io;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CacheDirectoryTest {

    static final Path HOME = Path.of("/home/ada");

    @Test
    void anExplicitFolderWinsOverTheEnvironment() {
        CacheDirectory cache = CacheDirectory.resolve(Path.of("/data/cache"),
                Map.of("IMAGE_CLASSIFIER_CACHE", "/env/cache", "XDG_CACHE_HOME", "/xdg"), HOME);

        assertThat(cache.root()).isEqualTo(Path.of("/data/cache"));
        assertThat(cache.backbones()).isEqualTo(Path.of("/data/cache/backbones"));
    }

    @Test
    void theProjectVariableWinsOverXdg() {
        assertThat(CacheDirectory.resolve(null, Map.of("IMAGE_CLASSIFIER_CACHE", "/env/cache", "XDG_CACHE_HOME", "/xdg"), HOME).root())
                .isEqualTo(Path.of("/env/cache"));
    }

    @Test
    void xdgCacheHomeIsRespectedWhenAbsolute() {
        assertThat(CacheDirectory.resolve(null, Map.of("XDG_CACHE_HOME", "/xdg"), HOME).root()).isEqualTo(Path.of("/xdg/image-classifier"));
        assertThat(CacheDirectory.resolve(null, Map.of("XDG_CACHE_HOME", "relative/cache"), HOME).root())
                .as("the XDG spec says to ignore a relative value").isEqualTo(Path.of("/home/ada/.cache/image-classifier"));
    }

    @Test
    void theDefaultIsTheUsersCacheFolder() {
        assertThat(CacheDirectory.resolve(null, Map.of(), HOME).root()).isEqualTo(Path.of("/home/ada/.cache/image-classifier"));
    }
}
