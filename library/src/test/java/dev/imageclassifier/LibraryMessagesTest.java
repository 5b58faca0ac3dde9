package dev.imageclassifier;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Facts down, advice up: no string the library can show (an exception's message, a log line, a progress
 * note) names a command-line flag, a command, an HTTP route or an environment variable of the applications.
 * A library user has none of them; the command line and the server add them where they apply.
 */
class LibraryMessagesTest {

    private static final Path LIBRARY = Path.of("library", "src", "main", "java");
    private static final List<Path> APPLICATIONS = List.of(Path.of("cli", "src", "main", "java"), Path.of("server", "src", "main", "java"));

    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\\\n]|\\\\.)*\"");
    private static final Pattern FLAG = Pattern.compile("(?<![\\w-])--[a-z][a-z-]*");
    private static final Pattern ROUTE = Pattern.compile("\\b(?:GET|POST|HEAD|PUT|DELETE) /|\"/(?:predict|model|health|metrics|docs|report|v2)\\b");
    private static final Pattern APP_VARIABLE = Pattern.compile("\\$\\{env:([A-Z][A-Z0-9_]+)|getenv\\(\"([A-Z][A-Z0-9_]+)\"\\)");

    @Test
    void noLibraryStringNamesAFlagACommandARouteOrAnApplicationsVariable() throws IOException {
        Set<String> variables = applicationVariables();
        assertThat(variables).as("the applications' environment variables, found in their sources").contains("MODEL_PATH", "API_PORT");
        List<String> advice = new ArrayList<>();
        for (Path file : javaFiles(LIBRARY)) {
            List<String> lines = Files.readAllLines(file);
            for (int n = 0; n < lines.size(); n++) {
                String code = lines.get(n).strip();
                if (code.startsWith("*") || code.startsWith("//") || code.startsWith("/*")) {
                    continue; // comments speak to the next engineer, not to a user
                }
                Matcher literal = STRING.matcher(code);
                while (literal.find()) {
                    String text = literal.group();
                    boolean names = FLAG.matcher(text).find() || ROUTE.matcher(text).find() || text.contains("`")
                            || variables.stream().anyMatch(v -> Pattern.compile("\\b" + v + "\\b").matcher(text).find());
                    if (names) {
                        advice.add(LIBRARY.relativize(file) + ":" + (n + 1) + " " + text);
                    }
                }
            }
        }
        assertThat(advice).as("library strings that give an application's advice").isEmpty();
    }

    @Test
    void theCheckFindsAFlagARouteAndAVariable() {
        assertThat(FLAG.matcher("\"(set --model / MODEL_PATH)\"").find()).isTrue();
        assertThat(FLAG.matcher("\"rw-r--r--\"").find()).isFalse();
        assertThat(ROUTE.matcher("\"(GET /model lists them)\"").find()).isTrue();
    }

    /** Environment variables the command line and the server read (their own, not the library's). */
    private static Set<String> applicationVariables() throws IOException {
        Set<String> variables = new TreeSet<>();
        for (Path root : APPLICATIONS) {
            for (Path file : javaFiles(root)) {
                Matcher m = APP_VARIABLE.matcher(Files.readString(file));
                while (m.find()) {
                    variables.add(m.group(1) != null ? m.group(1) : m.group(2));
                }
            }
        }
        variables.removeAll(LIBRARY_VARIABLES);
        return variables;
    }

    /** Variables the library itself reads, documented in its API: naming them is a fact about its own inputs. */
    private static final Set<String> LIBRARY_VARIABLES = Set.of("IMAGE_CLASSIFIER_CACHE", "CALTECH101_URL", "EXACT_PREPROCESSING",
            "NO_PROGRESS", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy");

    private static List<Path> javaFiles(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> f.toString().endsWith(".java")).toList();
        }
    }
}
