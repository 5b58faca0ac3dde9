package dev.imageclassifier.fetch;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static dev.imageclassifier.fetch.TestArchives.file;
import static dev.imageclassifier.fetch.TestArchives.folder;
import static dev.imageclassifier.fetch.TestArchives.hardlink;
import static dev.imageclassifier.fetch.TestArchives.symlink;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SafeExtractorTest {

    enum Format {
        ZIP(".zip"), TAR(".tar"), TAR_GZ(".tar.gz");

        final String suffix;

        Format(String suffix) {
            this.suffix = suffix;
        }

        byte[] build(List<TestArchives.Entry> entries) throws IOException {
            return switch (this) {
                case ZIP -> TestArchives.zip(entries);
                case TAR -> TestArchives.tar(entries);
                case TAR_GZ -> TestArchives.tarGz(entries);
            };
        }
    }

    @TempDir
    Path root;
    Path target;
    Path outsideFile;

    @BeforeEach
    void layout() throws IOException {
        target = root.resolve("target");
        outsideFile = Files.writeString(root.resolve("outside.txt"), "secret");
    }

    Path archive(Format format, List<TestArchives.Entry> entries) throws IOException {
        return Files.write(root.resolve("archive" + format.suffix), format.build(entries));
    }

    void extract(Format format, List<TestArchives.Entry> entries) throws IOException {
        new SafeExtractor(ExtractionLimits.DEFAULT).extract(archive(format, entries), target);
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void unpacksFoldersAndFilesByteForByte(Format format) throws IOException {
        byte[] image = {(byte) 0xFF, (byte) 0xD8, 1, 2, 3, (byte) 0xFF, (byte) 0xD9};
        extract(format, List.of(folder("cats"), file("cats/a.jpg", image), file("dogs/deep/b.txt", "woof"), folder("empty")));

        assertThat(Files.readAllBytes(target.resolve("cats/a.jpg"))).isEqualTo(image);
        assertThat(Files.readString(target.resolve("dogs/deep/b.txt"))).isEqualTo("woof");
        assertThat(target.resolve("empty")).isEmptyDirectory();
    }

    static Stream<Arguments> escapingNames() {
        return Stream.of(Format.values()).flatMap(format -> Stream.of(
                Arguments.of(format, "../evil.txt"),
                Arguments.of(format, "cats/../../evil.txt"),
                Arguments.of(format, "ABSOLUTE")));
    }

    @ParameterizedTest
    @MethodSource("escapingNames")
    void entriesThatWouldLandOutsideAreRejected(Format format, String name) throws IOException {
        String entryName = name.equals("ABSOLUTE") ? root.resolve("evil.txt").toString() : name;

        assertThatThrownBy(() -> extract(format, List.of(file("fine.txt", "ok"), file(entryName, "pwned"))))
                .isInstanceOf(ArchiveRejectedException.class)
                .hasMessageContaining(entryName)
                .hasMessageMatching(".*(absolute path|outside the target folder).*");
        assertThat(root.resolve("evil.txt")).doesNotExist();
        assertThat(root.getParent().resolve("evil.txt")).doesNotExist();
    }

    static Stream<Arguments> outsideLinks() {
        return Stream.of(
                Arguments.of(Format.TAR, symlink("escape", "../outside.txt")),
                Arguments.of(Format.TAR_GZ, symlink("escape", "..")),
                Arguments.of(Format.TAR, symlink("escape", "/etc/passwd")),
                Arguments.of(Format.TAR, hardlink("escape", "../outside.txt")),
                Arguments.of(Format.ZIP, symlink("escape", "../outside.txt")),
                Arguments.of(Format.ZIP, symlink("escape", "/etc")));
    }

    @ParameterizedTest
    @MethodSource("outsideLinks")
    void linksPointingOutsideAreRejectedBeforeAnythingIsWrittenThroughThem(Format format, TestArchives.Entry link) throws IOException {
        assertThatThrownBy(() -> extract(format, List.of(link, file("escape/evil.txt", "pwned"))))
                .isInstanceOf(ArchiveRejectedException.class)
                .hasMessageContaining("link 'escape' points to '" + link.linkTarget() + "', outside the target folder");
        assertThat(Files.readString(outsideFile)).isEqualTo("secret");
        assertThat(root.resolve("evil.txt")).doesNotExist();
        try (Stream<Path> unpacked = Files.walk(target)) {
            assertThat(unpacked.filter(Files::isSymbolicLink)).isEmpty();
        }
    }

    @Test
    void linksInsideTheTargetBecomeCopiesNotLinks() throws IOException {
        extract(Format.TAR, List.of(file("a/data.txt", "payload"), symlink("a/alias.txt", "data.txt"),
                hardlink("b/hard.txt", "a/data.txt")));

        for (Path copy : List.of(target.resolve("a/alias.txt"), target.resolve("b/hard.txt"))) {
            assertThat(Files.isSymbolicLink(copy)).isFalse();
            assertThat(Files.readString(copy)).isEqualTo("payload");
        }
    }

    @Test
    void aLinkToSomethingNotYetUnpackedIsRejected() {
        assertThatThrownBy(() -> extract(Format.TAR, List.of(symlink("alias", "later.txt"), file("later.txt", "x"))))
                .isInstanceOf(ArchiveRejectedException.class)
                .hasMessageContaining("not a file unpacked before it");
    }

    @Test
    void aLinkAlreadyInTheTargetIsNotWrittenThrough() throws IOException {
        Files.createDirectories(target);
        Files.createSymbolicLink(target.resolve("trap.txt"), outsideFile);

        assertThatThrownBy(() -> extract(Format.TAR, List.of(file("trap.txt", "pwned")))).isInstanceOf(IOException.class);
        assertThat(Files.readString(outsideFile)).isEqualTo("secret");
    }

    @Test
    void unpackingMoreBytesThanTheLimitIsRejected() throws IOException {
        byte[] kilobyte = new byte[1000];
        Path archive = archive(Format.TAR_GZ, List.of(file("a", kilobyte), file("b", kilobyte), file("c", kilobyte)));

        assertThatThrownBy(() -> new SafeExtractor(new ExtractionLimits(2500, 100)).extract(archive, target))
                .isInstanceOf(ArchiveRejectedException.class)
                .hasMessageContaining("more than 2500 bytes");
    }

    @Test
    void theLimitsCoverEverythingOneExtractorUnpacks() throws IOException {
        Path archive = archive(Format.TAR, List.of(file("a", "1"), file("b", "2")));
        SafeExtractor extractor = new SafeExtractor(new ExtractionLimits(1000, 3));
        extractor.extract(archive, target);
        assertThat(extractor.entriesUnpacked()).isEqualTo(2);
        assertThat(extractor.bytesWritten()).isEqualTo(2);

        assertThatThrownBy(() -> extractor.extract(archive, root.resolve("second")))
                .isInstanceOf(ArchiveRejectedException.class)
                .hasMessageContaining("more than 3 entries");
    }

    @Test
    void deviceEntriesAreRejected() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            tar.putArchiveEntry(new TarArchiveEntry("dev/null", TarConstants.LF_CHR));
            tar.closeArchiveEntry();
        }
        Path archive = Files.write(root.resolve("devices.tar"), bytes.toByteArray());

        assertThatThrownBy(() -> new SafeExtractor(ExtractionLimits.DEFAULT).extract(archive, target))
                .isInstanceOf(ArchiveRejectedException.class)
                .hasMessageContaining("'dev/null' is a device");
    }

    @ParameterizedTest
    @EnumSource(value = Format.class, names = {"ZIP", "TAR_GZ"})
    void bytesThatAreNotAnArchiveAreRejected(Format format) throws IOException {
        Path archive = Files.write(root.resolve("garbage" + format.suffix), "<html>not found</html>".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> new SafeExtractor(ExtractionLimits.DEFAULT).extract(archive, target))
                .isInstanceOf(ArchiveRejectedException.class)
                .hasMessageMatching("(?s).*not a (readable zip|gzip-compressed) archive.*");
    }
}
