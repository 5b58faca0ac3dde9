package dev.imageclassifier;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The architecture, enforced: a library whose API is the package {@code dev.imageclassifier}, and
 * applications (server, CLI, Spark jobs, benchmark programs) that are thin callers of it.
 * <ul>
 *   <li>Applications import only the API package and the plain utilities of {@code dev.imageclassifier.io}
 *       (besides their own code, and the CLI the server it starts) — never the library's internals.</li>
 *   <li>The library imports no application.</li>
 *   <li>Inside the library, imports point down: a unit may use only units of a lower layer (no cycles).</li>
 *   <li>No public signature of an API type names an internal type.</li>
 * </ul>
 */
class ArchitectureTest {

    private static final Path LIBRARY = Path.of("library", "src", "main", "java", "dev", "imageclassifier");

    /** Each application's sources, and the packages of dev.imageclassifier it may use besides the API and io. */
    private static final Map<Path, Set<String>> APPLICATIONS = Map.of(
            Path.of("server", "src", "main", "java"), Set.of("serve"),
            Path.of("cli", "src", "main", "java"), Set.of("cli", "serve"),
            Path.of("spark", "src", "main", "java"), Set.of("spark"),
            Path.of("benchmarks", "src", "main", "java"), Set.of("benchmarks"));

    /** The packages of dev.imageclassifier that are applications: the library uses none of them. */
    private static final Set<String> APPLICATION_PACKAGES = Set.of("serve", "cli", "spark", "benchmarks");

    /** Plain utilities (files written atomically, JSON, progress text, the cache folder) that applications may use. */
    private static final String UTILITIES = "io";

    /** Layer of each internal package, lowest first. */
    private static final Map<String, Integer> PACKAGE_LAYERS = Map.ofEntries(
            Map.entry("io", 0), Map.entry("vision", 2), Map.entry("fetch", 2), Map.entry("inference", 3), Map.entry("explain", 3),
            Map.entry("data", 4), Map.entry("model", 4), Map.entry("quantize", 6), Map.entry("train", 7), Map.entry("audit", 8), Map.entry("report", 8));

    /**
     * API types are layered one by one, as the API package holds both the words every layer speaks (exceptions,
     * value types, listeners: layer 1) and the front doors built on the internals. Unlisted API types are
     * top-level front doors (layer 9), which no internal package may import.
     */
    private static final Map<String, Integer> API_LAYERS = Map.ofEntries(
            Map.entry("ImageClassifier", 5), Map.entry("Explainer", 5), Map.entry("ClassifierOptions", 5),
            Map.entry("ModelInfo", 5), Map.entry("Version", 5));
    private static final int VOCABULARY = 1;
    private static final int FRONT_DOOR = 9;

    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?dev\\.imageclassifier\\.(?:([a-z]\\w*)\\.)?([A-Z]\\w*)",
            Pattern.MULTILINE);

    @Test
    void applicationsUseTheApiPackageAndPlainUtilitiesOnly() throws IOException {
        List<String> reachingIn = new ArrayList<>();
        for (Map.Entry<Path, Set<String>> app : APPLICATIONS.entrySet()) {
            forEachImport(app.getKey(), (file, pkg, type) -> {
                if (pkg != null && !pkg.equals(UTILITIES) && !app.getValue().contains(pkg)) {
                    reachingIn.add(app.getKey().relativize(file) + " imports " + pkg + "." + type);
                }
            });
        }
        assertThat(reachingIn).as("applications importing the library's internals").isEmpty();
    }

    @Test
    void theLibraryImportsNoApplication() throws IOException {
        List<String> upward = new ArrayList<>();
        forEachImport(LIBRARY, (file, pkg, type) -> {
            if (pkg != null && APPLICATION_PACKAGES.contains(pkg)) {
                upward.add(LIBRARY.relativize(file) + " imports " + pkg + "." + type);
            }
        });
        assertThat(upward).isEmpty();
    }

    @Test
    void insideTheLibraryEveryImportPointsToALowerLayer() throws IOException {
        List<String> upward = new ArrayList<>();
        forEachImport(LIBRARY, (file, pkg, type) -> {
            String fromPackage = LIBRARY.relativize(file.getParent()).toString();
            String fromType = file.getFileName().toString().replace(".java", "");
            int from = fromPackage.isEmpty() ? apiLayer(fromType) : packageLayer(fromPackage);
            int to = pkg == null ? apiLayer(type) : packageLayer(pkg);
            boolean samePackage = pkg == null ? fromPackage.isEmpty() : pkg.equals(fromPackage.split("/")[0]);
            if (!samePackage && to >= from) {
                upward.add(LIBRARY.relativize(file) + " (layer " + from + ") imports " + (pkg == null ? "" : pkg + ".") + type
                        + " (layer " + to + ")");
            }
        });
        assertThat(upward).as("imports that point up or sideways").isEmpty();
    }

    @Test
    void noPublicSignatureOfTheApiNamesAnInternalType() throws IOException, ClassNotFoundException {
        List<String> leaks = new ArrayList<>();
        try (Stream<Path> files = Files.list(LIBRARY)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java") && !f.endsWith("package-info.java")).toList()) {
                Class<?> api = Class.forName("dev.imageclassifier." + file.getFileName().toString().replace(".java", ""));
                checkType(api, leaks);
            }
        }
        assertThat(leaks).isEmpty();
    }

    private static void checkType(Class<?> type, List<String> leaks) {
        if (!Modifier.isPublic(type.getModifiers())) {
            return;
        }
        for (Method method : type.getDeclaredMethods()) {
            if (visible(method.getModifiers()) && !method.isSynthetic()) {
                check(type, method.getName(), method.getGenericReturnType(), leaks);
                checkExecutable(type, method, leaks);
            }
        }
        for (Constructor<?> constructor : type.getDeclaredConstructors()) {
            if (visible(constructor.getModifiers())) {
                checkExecutable(type, constructor, leaks);
            }
        }
        for (Field field : type.getDeclaredFields()) {
            if (visible(field.getModifiers())) {
                check(type, field.getName(), field.getGenericType(), leaks);
            }
        }
        if (type.isRecord()) {
            for (RecordComponent component : type.getRecordComponents()) {
                check(type, component.getName(), component.getGenericType(), leaks);
            }
        }
        for (Type parent : type.getGenericInterfaces()) {
            check(type, "implements", parent, leaks);
        }
        check(type, "extends", type.getGenericSuperclass(), leaks);
        for (Class<?> nested : type.getDeclaredClasses()) {
            checkType(nested, leaks);
        }
    }

    private static void checkExecutable(Class<?> type, Executable executable, List<String> leaks) {
        for (Type parameter : executable.getGenericParameterTypes()) {
            check(type, executable.getName(), parameter, leaks);
        }
        for (Type thrown : executable.getGenericExceptionTypes()) {
            check(type, executable.getName(), thrown, leaks);
        }
    }

    private static boolean visible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    /** Fails for a type of dev.imageclassifier's sub-packages, anywhere in {@code type} (type arguments, arrays). */
    private static void check(Class<?> owner, String member, Type type, List<String> leaks) {
        if (type instanceof Class<?> plain) {
            Class<?> element = plain;
            while (element.isArray()) {
                element = element.getComponentType();
            }
            String name = element.getPackageName();
            if (name.startsWith("dev.imageclassifier.")) {
                leaks.add(owner.getName() + "." + member + " names " + element.getName());
            }
        } else if (type instanceof ParameterizedType parameterized) {
            check(owner, member, parameterized.getRawType(), leaks);
            for (Type argument : parameterized.getActualTypeArguments()) {
                check(owner, member, argument, leaks);
            }
        } else if (type instanceof GenericArrayType array) {
            check(owner, member, array.getGenericComponentType(), leaks);
        } else if (type instanceof WildcardType wildcard) {
            Stream.concat(Stream.of(wildcard.getUpperBounds()), Stream.of(wildcard.getLowerBounds()))
                    .forEach(bound -> check(owner, member, bound, leaks));
        } else if (type instanceof TypeVariable<?> variable) {
            for (Type bound : variable.getBounds()) {
                check(owner, member, bound, leaks);
            }
        }
    }

    private static int packageLayer(String relativeDir) {
        String pkg = relativeDir.split("/")[0];
        assertThat(PACKAGE_LAYERS).as("layer of package " + pkg + " (add it to PACKAGE_LAYERS)").containsKey(pkg);
        return PACKAGE_LAYERS.get(pkg);
    }

    /** Vocabulary types import nothing of the library but io; front doors are listed or at the top. */
    private static int apiLayer(String type) {
        return API_LAYERS.getOrDefault(type, VOCABULARY_TYPES.contains(type) ? VOCABULARY : FRONT_DOOR);
    }

    /** The API's words: exceptions, values and listeners that every layer may use. */
    private static final Set<String> VOCABULARY_TYPES = Set.of("Classification", "DatasetException", "Device", "DownloadException",
            "Explanation",
            "FeatureSource", "FeatureTable", "FittedHead", "Framing", "ImageTooLargeException", "InferenceException",
            "InferenceMonitor", "InvalidImageException", "InvalidModelException", "OverloadedException", "Prediction", "Progress",
            "ProgressListener", "ScoredLabel", "TrainingResult", "AuditResult");

    @FunctionalInterface
    private interface ImportVisitor {
        /** @param pkg the imported type's sub-package of dev.imageclassifier, or null for the API package */
        void visit(Path file, String pkg, String type) throws IOException;
    }

    private static void forEachImport(Path root, ImportVisitor visitor) throws IOException {
        assertThat(root).isDirectory();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher m = IMPORT.matcher(Files.readString(file));
                while (m.find()) {
                    visitor.visit(file, m.group(1), m.group(2));
                }
            }
        }
    }
}
