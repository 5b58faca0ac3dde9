import dev.imageclassifier.Classification;
import dev.imageclassifier.ImageClassifier;
import dev.imageclassifier.Prediction;
import dev.imageclassifier.ScoredLabel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The README's "Use it as a library" snippet as a program: classify one image from bytes and one from a
 * file, then both in one batched call.
 *
 * <p>In a Maven project that depends on {@code dev.imageclassifier:image-classifier:1.0.0}, or from this checkout:
 * <pre>
 * javac -cp cli/target/image-classifier.jar -d /tmp/examples examples/QuickStart.java
 * java -cp cli/target/image-classifier.jar:/tmp/examples QuickStart model/classifier.onnx cat.jpg dog.png
 * </pre>
 */
public class QuickStart {

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: QuickStart MODEL.onnx IMAGE IMAGE");
            System.exit(2);
        }
        Path model = Path.of(args[0]);
        Path first = Path.of(args[1]);
        Path second = Path.of(args[2]);
        try (ImageClassifier classifier = ImageClassifier.load(model)) {
            Prediction p = classifier.classify(Files.readAllBytes(first));
            System.out.println(first + ": " + p.label() + " " + p.confidence());
            for (ScoredLabel label : p.top(5)) {
                System.out.println("  " + label.label() + " " + label.confidence());
            }
            System.out.println(second + ": " + classifier.classify(second).label());
            List<Classification> both = classifier.classifyAll(List.of(Files.readAllBytes(first), Files.readAllBytes(second)));
            for (Classification result : both) {
                System.out.println(result.isSuccess() ? "batch: " + result.prediction().label() : "batch error: " + result.error().getMessage());
            }
            System.out.println(classifier.labels().size() + " labels, backbone " + classifier.info().backbone().name());
        }
    }
}
