package dev.imageclassifier;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Imports point down: a package may use only packages of a lower layer, so the front door can be
 * embedded without the server or the CLI, and nothing low reaches up (no cycles).
 */
class ArchitectureTest {

    private static final Path SOURCES = Path.of("core", "src", "main", "java", "dev", "imageclassifier");
    private static final String FRONT_DOOR = "(front door)";

    /** Layer of each package, lowest first; "(front door)" is dev.imageclassifier itself. */
    private static final Map<String, Integer> LAYERS = Map.ofEntries(
            Map.entry("io", 0), Map.entry("vision", 1), Map.entry("fetch", 1), Map.entry("inference", 2), Map.entry("explain", 2),
            Map.entry("data", 3), Map.entry("model", 3), Map.entry(FRONT_DOOR, 4), Map.entry("quantize", 5),
            Map.entry("train", 6), Map.entry("serve", 6), Map.entry("bench", 7), Map.entry("report", 7), Map.entry("cli", 8));

    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?dev\\.imageclassifier\\.([a-z]+\\.)?([A-Z]\\w*)",
            Pattern.MULTILINE);

    @Test
    void everyImportPointsToALowerLayer() throws IOException {
        List<String> upward = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String from = packageOf(SOURCES.relativize(file.getParent()).toString());
                assertThat(LAYERS).as("layer of package " + from + " (add it to LAYERS)").containsKey(from);
                Matcher m = IMPORT.matcher(Files.readString(file));
                while (m.find()) {
                    String to = m.group(1) == null ? FRONT_DOOR : m.group(1).substring(0, m.group(1).length() - 1);
                    if (!to.equals(from) && LAYERS.getOrDefault(to, Integer.MAX_VALUE) >= LAYERS.get(from)) {
                        upward.add(SOURCES.relativize(file) + " imports " + to + "." + m.group(2));
                    }
                }
            }
        }
        assertThat(upward).as("imports that point up or sideways").isEmpty();
    }

    private static String packageOf(String relativeDir) {
        return relativeDir.isEmpty() ? FRONT_DOOR : relativeDir.split("/")[0];
    }
}
