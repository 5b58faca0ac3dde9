package dev.imageclassifier.cli;

import dev.imageclassifier.io.AtomicFiles;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * Where {@code predict --explain} puts its overlays: {@code <name>-heatmap.png} per image, with {@code -2},
 * {@code -3}, … when images of the same name from different folders would overwrite each other's.
 */
final class HeatmapFiles {

    private final Path dir;
    private final Set<String> taken = new HashSet<>();

    private HeatmapFiles(Path dir) {
        this.dir = dir;
    }

    /** Creates the folder; a path that is a file, or cannot be created, is a usage error. */
    static HeatmapFiles in(Path dir, CommandSpec spec) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "--explain: cannot create the folder " + dir
                    + (Files.isRegularFile(dir) ? " (it is a file)" : ": " + Advice.describe(e)));
        }
        return new HeatmapFiles(dir);
    }

    /** Writes one image's overlay (atomically) and returns its path. */
    Path write(Path image, byte[] png) throws IOException {
        String name = image.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String file = stem + "-heatmap.png";
        for (int n = 2; !taken.add(file); n++) {
            file = stem + "-" + n + "-heatmap.png";
        }
        Path out = dir.resolve(file);
        AtomicFiles.write(out, png);
        return out;
    }
}
