package dev.imageclassifier.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DeduplicationTest {

    @TempDir
    Path root;

    @Test
    void keepsTheFirstPathOfEachGroupAndOneCopyPerSideOfAnExistingSplit() throws Exception {
        Files.createDirectories(root.resolve("a"));
        Files.createDirectories(root.resolve("b"));
        Files.writeString(root.resolve("a/2.jpg"), "same");
        Files.writeString(root.resolve("a/1.jpg"), "same");
        Files.writeString(root.resolve("b/x.jpg"), "other");
        Files.writeString(root.resolve("b/y.jpg"), "near x");
        Files.writeString(root.resolve("b/z.jpg"), "third");
        List<LabeledImage> images = List.of(new LabeledImage("a/2.jpg", "a", null), new LabeledImage("a/1.jpg", "a", null),
                new LabeledImage("b/x.jpg", "b", null), new LabeledImage("b/y.jpg", "b", null), new LabeledImage("b/z.jpg", "b", null));
        Deduplication.Result result = Deduplication.drop(root, images, true, List.of(List.of("b/y.jpg", "b/x.jpg", "unknown.jpg")));
        assertThat(result.dropped()).containsExactly("a/2.jpg", "b/y.jpg");
        assertThat(result.kept()).extracting(LabeledImage::path).containsExactly("a/1.jpg", "b/x.jpg", "b/z.jpg");

        List<LabeledImage> presplit = List.of(new LabeledImage("a/2.jpg", "a", Subset.TRAIN), new LabeledImage("a/1.jpg", "a", Subset.VAL));
        assertThat(Deduplication.drop(root, presplit, true, List.of()).dropped()).as("never across the user's split").isEmpty();
    }
}
