package dev.imageclassifier.benchmarks;

import dev.imageclassifier.ModelSpeed;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The library's preprocessing time per image (decode, resize, normalise into the model's input), one line per
 * file: {@code PreprocessingSpeed MODEL REPEATS FILE...} prints {@code <median ms> <file>}, one thread, the
 * same measure as {@code scripts/benchmarks/pillow_preprocess.py} prints for Pillow
 * ({@code scripts/benchmarks/benchmark-preprocessing.sh} runs both on the same files).
 */
public final class PreprocessingSpeed {

    private PreprocessingSpeed() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: PreprocessingSpeed MODEL REPEATS FILE...");
            System.exit(2);
        }
        List<Path> files = new ArrayList<>();
        List<byte[]> images = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            files.add(Path.of(args[i]));
            images.add(Files.readAllBytes(files.get(files.size() - 1)));
        }
        double[] millis = ModelSpeed.preprocessMillis(Path.of(args[0]), images, Integer.parseInt(args[1]));
        for (int i = 0; i < millis.length; i++) {
            System.out.printf(Locale.ROOT, "%.3f %s%n", millis[i], files.get(i));
        }
    }
}
