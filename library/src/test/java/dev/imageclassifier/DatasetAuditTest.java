package dev.imageclassifier;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imageclassifier.io.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The audit on a small real subset of Caltech-101 (four classes, 12 images each) with planted problems: an exact
 * copy, a resized and re-encoded copy, a copy on the other side of the split, a copy under another class, a cut-off
 * file, a tiny image and two flipped labels; the real MobileNetV2-int8 backbone.
 */
class DatasetAuditTest {

    private static final List<String> CLASSES = List.of("airplanes", "Motorbikes", "watch", "sunflower");

    @TempDir
    static Path dir;
    static Path root;
    static AuditResult result;

    @BeforeAll
    static void audit() throws Exception {
        root = Files.createDirectories(dir.resolve("photos"));
        List<DatasetSplit.Image> images = new ArrayList<>();
        Map<String, String> relabel = Map.of("airplanes/image_0010.jpg", "Motorbikes", "Motorbikes/image_0010.jpg", "sunflower");
        for (String label : CLASSES) {
            Files.createDirectories(root.resolve(label));
            for (int i = 1; i <= 12; i++) {
                String name = String.format("image_%04d.jpg", i);
                Files.copy(TestModels.CALTECH.resolve(label).resolve(name), root.resolve(label).resolve(name));
                String path = label + "/" + name;
                images.add(new DatasetSplit.Image(path, relabel.getOrDefault(path, label), i <= 9 ? "train" : "val"));
            }
        }
        Files.copy(root.resolve("airplanes/image_0001.jpg"), root.resolve("airplanes/copy_exact.jpg"));
        images.add(new DatasetSplit.Image("airplanes/copy_exact.jpg", "airplanes", "train"));
        resized(root.resolve("airplanes/image_0002.jpg"), root.resolve("airplanes/copy_small.jpg"), 0.6);
        images.add(new DatasetSplit.Image("airplanes/copy_small.jpg", "airplanes", "train"));
        resized(root.resolve("Motorbikes/image_0005.jpg"), root.resolve("Motorbikes/copy_val.jpg"), 0.8);
        images.add(new DatasetSplit.Image("Motorbikes/copy_val.jpg", "Motorbikes", "val"));
        Files.copy(root.resolve("sunflower/image_0003.jpg"), root.resolve("watch/sunflower_copy.jpg"));
        images.add(new DatasetSplit.Image("watch/sunflower_copy.jpg", "watch", "train"));
        byte[] whole = Files.readAllBytes(root.resolve("sunflower/image_0012.jpg"));
        Files.write(root.resolve("sunflower/cut.jpg"), Arrays.copyOf(whole, whole.length * 2 / 3));
        images.add(new DatasetSplit.Image("sunflower/cut.jpg", "sunflower", "train"));
        ImageIO.write(TestImages.scene(20, 20), "png", root.resolve("watch/tiny.png").toFile());
        images.add(new DatasetSplit.Image("watch/tiny.png", "watch", "train"));
        Map<String, Long> sizes = new HashMap<>();
        for (DatasetSplit.Image image : images) {
            sizes.put(image.path(), Files.size(root.resolve(image.path())));
        }
        DatasetSplit split = DatasetSplit.ofImages(root, images, sizes, 42, 0.2);
        result = DatasetAudit.builder().backbone(BackboneFile.of(TestModels.MOBILENET)).cacheDirectory(dir.resolve("cache"))
                .build().audit(split);
    }

    private static void resized(Path from, Path to, double scale) throws IOException {
        BufferedImage image = ImageIO.read(from.toFile());
        BufferedImage small = new BufferedImage((int) (image.getWidth() * scale), (int) (image.getHeight() * scale), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = small.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(image, 0, 0, small.getWidth(), small.getHeight(), null);
        g.dispose();
        Files.write(to, TestImages.jpeg(small));
    }

    private static AuditResult.DuplicateGroup groupOf(String path) {
        return result.duplicates().stream().filter(g -> g.paths().contains(path)).findFirst()
                .orElseThrow(() -> new AssertionError(path + " is in no duplicate group: " + result.duplicates()));
    }

    @Test
    void findsExactAndNearCopiesWithinAClassAcrossClassesAndAcrossTheSplit() {
        AuditResult.DuplicateGroup exact = groupOf("airplanes/copy_exact.jpg");
        assertThat(exact.paths()).containsExactlyInAnyOrder("airplanes/image_0001.jpg", "airplanes/copy_exact.jpg");
        assertThat(exact.kind()).isEqualTo("exact");
        assertThat(exact.crossSplit()).isFalse();

        AuditResult.DuplicateGroup near = groupOf("airplanes/copy_small.jpg");
        assertThat(near.paths()).containsExactlyInAnyOrder("airplanes/image_0002.jpg", "airplanes/copy_small.jpg");
        assertThat(near.kind()).isEqualTo("near");

        AuditResult.DuplicateGroup leaked = groupOf("Motorbikes/copy_val.jpg");
        assertThat(leaked.paths()).contains("Motorbikes/image_0005.jpg");
        assertThat(leaked.crossSplit()).isTrue();
        assertThat(result.duplicates().get(0).crossSplit()).as("leakage is listed first").isTrue();
        assertThat(result.leakage().leaked()).isEqualTo(1);
        assertThat(result.leakage().valImages()).isEqualTo(13);

        AuditResult.DuplicateGroup crossClass = groupOf("watch/sunflower_copy.jpg");
        assertThat(crossClass.crossClass()).isTrue();
        assertThat(crossClass.labels()).containsExactlyInAnyOrder("sunflower", "watch");
    }

    @Test
    void findsTheFlippedLabelsWithTheirTrueClass() {
        assertThat(result.mislabeled()).extracting(AuditResult.Suspect::path, AuditResult.Suspect::suggested)
                .contains(org.assertj.core.groups.Tuple.tuple("airplanes/image_0010.jpg", "airplanes"),
                        org.assertj.core.groups.Tuple.tuple("Motorbikes/image_0010.jpg", "Motorbikes"));
        assertThat(result.mislabeled()).extracting(AuditResult.Suspect::score).isSortedAccordingTo((a, b) -> Double.compare(b, a));
    }

    @Test
    void findsCutOffAndTinyFiles() {
        assertThat(result.files()).extracting(AuditResult.FileIssue::path, AuditResult.FileIssue::problem).contains(
                org.assertj.core.groups.Tuple.tuple("sunflower/cut.jpg", "truncated"),
                org.assertj.core.groups.Tuple.tuple("watch/tiny.png", "tiny"));
        assertThat(result.suspectPaths()).contains("sunflower/cut.jpg", "watch/tiny.png", "airplanes/image_0010.jpg");
    }

    @Test
    void writesTheJsonToolsReadCsvAndASelfContainedPage() throws Exception {
        Path out = dir.resolve("audit");
        DatasetAudit.write(result, out);
        JsonNode json = Json.MAPPER.readTree(out.resolve("audit.json").toFile());
        JsonNode first = json.get("mislabeled").get(0);
        assertThat(first.get("path").isTextual() && first.get("label").isTextual() && first.get("suggested").isTextual()).isTrue();
        assertThat(first.get("score").isNumber()).isTrue();
        JsonNode group = json.get("duplicates").get(0);
        assertThat(group.get("paths").isArray()).isTrue();
        assertThat(group.get("kind").asText()).isIn("exact", "near");
        assertThat(group.get("cross_split").isBoolean()).isTrue();
        assertThat(json.get("summary").get("cross_split_groups").asInt()).isEqualTo(1);
        assertThat(Files.readString(out.resolve("mislabeled.csv"))).startsWith("path,label,suggested,score,subset\n")
                .contains("airplanes/image_0010.jpg,Motorbikes,airplanes,");
        assertThat(Files.readString(out.resolve("duplicates.csv"))).contains("Motorbikes/copy_val.jpg");
        assertThat(Files.readString(out.resolve("issues.csv"))).contains("sunflower/cut.jpg,sunflower,truncated");
        String html = Files.readString(out.resolve("audit.html"));
        assertThat(html).contains("data:image/jpeg;base64,", "Probably mislabelled", "airplanes/copy_small.jpg")
                .doesNotContain(root.toString(), "http://", "https://");
        AuditResult back = dev.imageclassifier.report.AuditFiles.read(out.resolve("audit.json"), root);
        assertThat(back.mislabeled()).extracting(AuditResult.Suspect::path)
                .containsExactlyElementsOf(result.mislabeled().stream().map(AuditResult.Suspect::path).toList());
        assertThat(back.duplicates()).extracting(AuditResult.DuplicateGroup::paths)
                .containsExactlyElementsOf(result.duplicates().stream().map(AuditResult.DuplicateGroup::paths).toList());
        assertThat(back.files()).isEqualTo(result.files());
        assertThat(back.classes()).isEqualTo(result.classes());
        try (var listing = Files.list(out)) {
            assertThat(listing.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("audit.json", "mislabeled.csv", "duplicates.csv", "issues.csv", "audit.html");
        }
    }
}
