import dev.imageclassifier.Classification;
import dev.imageclassifier.ImageClassifier;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Classifies every file in a folder and prints CSV ({@code file,label,confidence,error}), sixteen images per
 * batched call: what embedding the library in a batch job looks like.
 *
 * <p>In a Maven project that depends on {@code dev.imageclassifier:image-classifier:1.0.0}, or from this checkout:
 * <pre>
 * javac -cp cli/target/image-classifier.jar -d /tmp/examples examples/ClassifyFolder.java
 * java -cp cli/target/image-classifier.jar:/tmp/examples ClassifyFolder photos/ [model/classifier.onnx] &gt; labels.csv
 * </pre>
 */
public class ClassifyFolder {

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: ClassifyFolder FOLDER [MODEL.onnx]");
            System.exit(2);
        }
        Path folder = Path.of(args[0]);
        Path model = Path.of(args.length > 1 ? args[1] : "model/classifier.onnx");
        List<Path> files;
        try (Stream<Path> listing = Files.list(folder)) {
            files = listing.filter(Files::isRegularFile).sorted().toList();
        }
        System.out.println("file,label,confidence,error");
        try (ImageClassifier classifier = ImageClassifier.load(model)) {
            for (int start = 0; start < files.size(); start += 16) {
                List<Path> chunk = files.subList(start, Math.min(files.size(), start + 16));
                List<Classification> results = classifier.classifyAll(chunk.stream().map(ClassifyFolder::read).toList());
                for (int i = 0; i < chunk.size(); i++) {
                    System.out.println(row(chunk.get(i).getFileName().toString(), results.get(i)));
                }
            }
        }
    }

    private static String row(String file, Classification result) {
        if (!result.isSuccess()) {
            return csv(file) + ",,," + csv(result.error().getMessage());
        }
        return String.format(Locale.ROOT, "%s,%s,%.4f,", csv(file), csv(result.prediction().label()),
                result.prediction().confidence());
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String csv(String value) {
        return value.contains(",") || value.contains("\"") ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
    }
}
