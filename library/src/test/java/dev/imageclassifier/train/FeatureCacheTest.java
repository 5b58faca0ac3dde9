package dev.imageclassifier.train;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.imageclassifier.vision.Augmentation;
import dev.imageclassifier.vision.Preprocessing;
import dev.imageclassifier.vision.View;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class FeatureCacheTest {

    @TempDir
    Path dir;

    private static final String IMAGE = "ab".repeat(32);
    private static final String BACKBONE = "cd".repeat(32);

    @Test
    void featuresComeBackPerImageAndView() throws Exception {
        FeatureCache cache = new FeatureCache(dir, BACKBONE, "flatten", Preprocessing.IMAGENET);
        cache.put(IMAGE, View.CENTER, new float[] {1, 2, 3});
        cache.put(IMAGE, View.CENTER_FLIP, new float[] {4, 5, 6});
        assertThat(cache.get(IMAGE, View.CENTER)).containsExactly(1, 2, 3);
        assertThat(cache.get(IMAGE, View.CENTER_FLIP)).containsExactly(4, 5, 6);
        assertThat(cache.get(IMAGE, View.augmented(0, 42, Augmentation.DEFAULT))).isNull();
        assertThat(cache.get("ef".repeat(32), View.CENTER)).isNull();
    }

    @Test
    void anotherBackboneCutOrPreprocessingIsAnotherCache() throws Exception {
        new FeatureCache(dir, BACKBONE, "flatten", Preprocessing.IMAGENET).put(IMAGE, View.CENTER, new float[] {1});
        assertThat(new FeatureCache(dir, "ef".repeat(32), "flatten", Preprocessing.IMAGENET).get(IMAGE, View.CENTER)).isNull();
        assertThat(new FeatureCache(dir, BACKBONE, "gemm-input", Preprocessing.IMAGENET).get(IMAGE, View.CENTER)).isNull();
        Preprocessing other = new Preprocessing(224, 224, Preprocessing.IMAGENET.mean(), Preprocessing.IMAGENET.std());
        assertThat(new FeatureCache(dir, BACKBONE, "flatten", other).get(IMAGE, View.CENTER)).isNull();
    }

    @Test
    void augmentedViewsAreKeyedBySeedIndexAndSettings() {
        assertThat(View.augmented(0, 42, Augmentation.DEFAULT).key()).isNotEqualTo(View.augmented(1, 42, Augmentation.DEFAULT).key());
        assertThat(View.augmented(0, 42, Augmentation.DEFAULT).key()).isNotEqualTo(View.augmented(0, 43, Augmentation.DEFAULT).key());
        Augmentation milder = new Augmentation(0.5, 1, 0.75, 1.33, 0.5, 5);
        assertThat(View.augmented(0, 42, Augmentation.DEFAULT).key()).isNotEqualTo(View.augmented(0, 42, milder).key());
    }

    @Test
    void aDamagedEntryIsTreatedAsMissing() throws Exception {
        FeatureCache cache = new FeatureCache(dir, BACKBONE, "flatten", Preprocessing.IMAGENET);
        cache.put(IMAGE, View.CENTER, new float[] {1, 2, 3});
        try (Stream<Path> files = Files.walk(cache.dir())) {
            Path entry = files.filter(Files::isRegularFile).findFirst().orElseThrow();
            Files.write(entry, new byte[] {1, 2, 3});
        }
        assertThat(cache.get(IMAGE, View.CENTER)).isNull();
        assertThat(FeatureCache.disabled().get(IMAGE, View.CENTER)).isNull();
    }

    @Test
    void anOverwrittenValueFailsItsChecksumAndIsComputedAgainWithAWarning() throws Exception {
        FeatureCache cache = new FeatureCache(dir, BACKBONE, "flatten", Preprocessing.IMAGENET);
        cache.put(IMAGE, View.CENTER, new float[] {1, 2, 3});
        Path entry = onlyEntry(cache);
        byte[] bytes = Files.readAllBytes(entry);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putFloat(bytes.length - Float.BYTES, 42f); // right size, right header
        Files.write(entry, bytes);

        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(FeatureCache.class);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        logger.addAppender(log);
        try {
            assertThat(cache.get(IMAGE, View.CENTER)).isNull();
        } finally {
            logger.detachAppender(log);
        }
        assertThat(log.list).singleElement().satisfies(event -> {
            assertThat(event.getLevel()).isEqualTo(Level.WARN);
            assertThat(event.getFormattedMessage()).contains("checksum mismatch", "computing it again");
        });

        cache.put(IMAGE, View.CENTER, new float[] {1, 2, 3}); // what the extractor does with a miss
        assertThat(cache.get(IMAGE, View.CENTER)).containsExactly(1, 2, 3);
    }

    @Test
    void anEntryWrittenBeforeChecksumsIsRecomputedQuietly() throws Exception {
        FeatureCache cache = new FeatureCache(dir, BACKBONE, "flatten", Preprocessing.IMAGENET);
        cache.put(IMAGE, View.CENTER, new float[] {1, 2, 3});
        Path entry = onlyEntry(cache);
        ByteBuffer old = ByteBuffer.allocate(8 + 3 * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        old.putInt(0x46454154).putInt(3).putFloat(1).putFloat(2).putFloat(3); // "FEAT", dim, floats
        Files.write(entry, old.array());
        assertThat(cache.get(IMAGE, View.CENTER)).isNull();
    }

    /** Issue 21, hole 6: {@code cp A.center.f32 B.center.f32} is found, not trained on. */
    @Test
    void anotherImagesEntryCopiedOverThisOneIsComputedAgainWithAWarning() throws Exception {
        FeatureCache cache = new FeatureCache(dir, BACKBONE, "flatten", Preprocessing.IMAGENET);
        String other = "ef".repeat(32);
        cache.put(IMAGE, View.CENTER, new float[] {1, 2, 3});
        cache.put(other, View.CENTER, new float[] {7, 8, 9});
        cache.put(IMAGE, View.CENTER_FLIP, new float[] {4, 5, 6});
        Path a = entry(cache, IMAGE, View.CENTER);
        Path b = entry(cache, other, View.CENTER);
        Files.copy(b, a, java.nio.file.StandardCopyOption.REPLACE_EXISTING); // a valid entry, of another image
        Files.copy(entry(cache, IMAGE, View.CENTER_FLIP), entry(cache, other, View.CENTER),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING); // a valid entry, of another view

        ListAppender<ILoggingEvent> log = listen();
        try {
            assertThat(cache.get(IMAGE, View.CENTER)).isNull();
            assertThat(cache.get(other, View.CENTER)).isNull();
            assertThat(cache.get(IMAGE, View.CENTER_FLIP)).containsExactly(4, 5, 6);
        } finally {
            stop(log);
        }
        assertThat(log.list).hasSize(2).allSatisfy(event -> {
            assertThat(event.getLevel()).isEqualTo(Level.WARN);
            assertThat(event.getFormattedMessage()).contains("entry of another image, view", "computing it again");
        });
        // An entry moved into the cache of another backbone or preprocessing is not taken either.
        FeatureCache otherPreprocessing = new FeatureCache(dir, BACKBONE, "gemm-input", Preprocessing.IMAGENET);
        Files.createDirectories(entry(otherPreprocessing, IMAGE, View.CENTER_FLIP).getParent());
        Files.copy(entry(cache, IMAGE, View.CENTER_FLIP), entry(otherPreprocessing, IMAGE, View.CENTER_FLIP));
        assertThat(otherPreprocessing.get(IMAGE, View.CENTER_FLIP)).isNull();
    }

    @Test
    void anEntryWrittenBeforeKeysIsRecomputedQuietly() throws Exception {
        FeatureCache cache = new FeatureCache(dir, BACKBONE, "flatten", Preprocessing.IMAGENET);
        cache.put(IMAGE, View.CENTER, new float[] {1, 2, 3});
        ByteBuffer old = ByteBuffer.allocate(12 + 3 * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        old.putInt(0x46454132).putInt(3).putInt(0).putFloat(1).putFloat(2).putFloat(3); // "FEA2", dim, crc, floats
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(old.array(), 12, 3 * Float.BYTES);
        old.putInt(8, (int) crc.getValue());
        Files.write(onlyEntry(cache), old.array());
        ListAppender<ILoggingEvent> log = listen();
        try {
            assertThat(cache.get(IMAGE, View.CENTER)).isNull();
        } finally {
            stop(log);
        }
        assertThat(log.list).isEmpty();
    }

    /** A run killed while writing an entry leaves its temporary; the next use of the cache deletes it. */
    @Test
    void temporariesOfKilledRunsAreDeletedOnFirstUseAndThoseOfLiveOnesKept() throws Exception {
        Path cacheDir = new FeatureCache(dir, BACKBONE, "flatten", Preprocessing.IMAGENET).dir();
        Path sub = Files.createDirectories(cacheDir.resolve("ab"));
        Path orphan = Files.write(sub.resolve("." + IMAGE + ".center.f32.999999999-123.tmp"), new byte[] {1});
        Path live = Files.write(sub.resolve("." + IMAGE + ".center.f32." + ProcessHandle.current().pid() + "-456.tmp"), new byte[] {1});
        FeatureCache cache = new FeatureCache(dir, BACKBONE, "flatten", Preprocessing.IMAGENET);
        assertThat(cache.get(IMAGE, View.CENTER)).isNull();
        assertThat(orphan).doesNotExist();
        assertThat(live).exists();
    }

    private static Path entry(FeatureCache cache, String image, View view) {
        return cache.dir().resolve(image.substring(0, 2)).resolve(image + "." + view.key() + ".f32");
    }

    private static ListAppender<ILoggingEvent> listen() {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(FeatureCache.class)).addAppender(log);
        return log;
    }

    private static void stop(ListAppender<ILoggingEvent> log) {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(FeatureCache.class)).detachAppender(log);
    }

    private static Path onlyEntry(FeatureCache cache) throws java.io.IOException {
        try (Stream<Path> files = Files.walk(cache.dir())) {
            return files.filter(Files::isRegularFile).findFirst().orElseThrow();
        }
    }
}
