package dev.imageclassifier.serve;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which models the server serves: named files ({@code --model NAME=FILE}, repeatable), or a model repository folder
 * in the layout Triton and KServe use ({@code NAME/VERSION/classifier.onnx}), or both; which of them answers the
 * routes without a model name; and how often the files are checked for replacement.
 *
 * @param files        named classifier files; a file's version is the first 12 hex digits of its SHA-256
 * @param repository   a model repository folder, or null
 * @param defaultModel the model of the routes without a name ({@code /predict}, {@code /model}, …); null = the first
 *                     file, else the repository's first model by name
 * @param pollInterval how often the served files (and the repository's folders) are checked for changes; zero = never
 *                     (reloads then only on {@code POST /admin/models/{name}/reload})
 */
public record ModelSources(List<NamedFile> files, Path repository, String defaultModel, Duration pollInterval) {

    /** Names that are safe in a URL path segment and a Prometheus label, as KServe's model names. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    /** The default check interval. */
    public static final int DEFAULT_POLL_INTERVAL_S = 2;
    /** The classifier file's name inside a repository's version folder. */
    public static final String REPOSITORY_FILE = "classifier.onnx";

    /**
     * One named classifier file.
     *
     * @param name the model's name in the routes
     * @param file the classifier file
     */
    public record NamedFile(String name, Path file) {

        public NamedFile {
            requireName(name);
        }

        /** {@code NAME=FILE}, or a plain {@code FILE} named after its stem ({@code classifier} for {@code classifier.onnx}). */
        public static NamedFile parse(String spec) {
            int eq = spec.indexOf('=');
            if (eq > 0 && NAME.matcher(spec.substring(0, eq)).matches()) {
                return new NamedFile(spec.substring(0, eq), Path.of(spec.substring(eq + 1)));
            }
            return of(Path.of(spec));
        }

        /** The file named after its stem. */
        public static NamedFile of(Path file) {
            String base = file.getFileName() == null ? "classifier" : file.getFileName().toString();
            String stem = base.contains(".") && base.lastIndexOf('.') > 0 ? base.substring(0, base.lastIndexOf('.')) : base;
            String name = stem.replaceAll("[^A-Za-z0-9_.-]", "-");
            return new NamedFile(NAME.matcher(name).matches() ? name : "classifier", file);
        }
    }

    public ModelSources {
        files = List.copyOf(files);
        if (files.isEmpty() && repository == null) {
            throw new IllegalArgumentException("no model to serve: name a classifier file or a model repository folder");
        }
        Set<String> names = new HashSet<>();
        for (NamedFile file : files) {
            if (!names.add(file.name())) {
                throw new IllegalArgumentException("two models are named '" + file.name() + "': name them apart with NAME=FILE");
            }
        }
        if (defaultModel != null) {
            requireName(defaultModel);
        }
        if (pollInterval == null || pollInterval.isNegative()) {
            throw new IllegalArgumentException("the model check interval must not be negative");
        }
    }

    /** One file, named after its stem, checked every {@value #DEFAULT_POLL_INTERVAL_S} s. */
    public static ModelSources file(Path file) {
        return new ModelSources(List.of(NamedFile.of(file)), null, null, Duration.ofSeconds(DEFAULT_POLL_INTERVAL_S));
    }

    public ModelSources withPollInterval(Duration interval) {
        return new ModelSources(files, repository, defaultModel, interval);
    }

    private static void requireName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a model name is 1-128 letters, digits, '_', '.' or '-', starting with a letter "
                    + "or digit; got '" + name + "'");
        }
    }
}
