package dev.imageclassifier.vision;

import dev.imageclassifier.Device;
import dev.imageclassifier.data.LabeledImage;
import dev.imageclassifier.data.SplitManifest;
import dev.imageclassifier.data.Subset;
import dev.imageclassifier.inference.TensorBatch;
import dev.imageclassifier.model.ClassifierModel;
import dev.imageclassifier.model.RuntimeOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A benchmark program, not a test (it lives beside the decoder's tests because it measures the decoder's
 * internal paths, which no API offers a choice of).
 * How much the decoding path changes a classifier's answers: every validation image of a split decoded at
 * full size (the exact path), reduced through libjpeg-turbo and reduced in pure Java, each classified;
 * prints each path's top-1 accuracy, its top-1 agreement with the exact path and its decode + preprocess
 * CPU time per image: {@code scripts/benchmarks/benchmark-large-photos.sh} runs it
 * as {@code DecodePathAgreement MODEL SPLIT_CSV}.
 */
public final class DecodePathAgreement {

    private static final String[] PATHS = {"exact", "reduced (libjpeg-turbo when present)", "reduced (pure Java)"};

    private DecodePathAgreement() {
    }

    public static void main(String[] args) throws Exception {
        SplitManifest split = SplitManifest.read(Path.of(args[1]));
        List<LabeledImage> images = split.subset(Subset.VAL);
        ImageDecoder[] decoders = {
                new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, DecodeBudget.PROCESS, true),
                new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, DecodeBudget.PROCESS, false, true),
                new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, DecodeBudget.PROCESS, false, false)};
        AtomicLongArray correct = new AtomicLongArray(PATHS.length);
        AtomicLongArray agree = new AtomicLongArray(PATHS.length);
        AtomicLongArray cpuNanos = new AtomicLongArray(PATHS.length);
        AtomicInteger next = new AtomicInteger();
        int threads = Runtime.getRuntime().availableProcessors();
        try (ClassifierModel classifier = ClassifierModel.load(Path.of(args[0]), new RuntimeOptions(1, Device.CPU))) {
            Preprocessor preprocessor = new Preprocessor(classifier.metadata().preprocessing());
            List<String> labels = classifier.metadata().labels();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<Object>> workers = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    TensorBatch batch = new TensorBatch(1, preprocessor.settings().rowShape());
                    var cpu = java.lang.management.ManagementFactory.getThreadMXBean();
                    for (int i; (i = next.getAndIncrement()) < images.size(); ) {
                        byte[] bytes = Files.readAllBytes(split.resolve(images.get(i)));
                        int truth = labels.indexOf(images.get(i).label());
                        int exactTop = -1;
                        for (int p = 0; p < PATHS.length; p++) {
                            long start = cpu.getCurrentThreadCpuTime();
                            float[] tensor = decoders[p].tensor(bytes, preprocessor);
                            cpuNanos.addAndGet(p, cpu.getCurrentThreadCpuTime() - start);
                            batch.clear();
                            batch.add(tensor);
                            int top = argmax(classifier.run(batch)[0]);
                            exactTop = p == 0 ? top : exactTop;
                            correct.addAndGet(p, top == truth ? 1 : 0);
                            agree.addAndGet(p, top == exactTop ? 1 : 0);
                        }
                    }
                    return null;
                }));
            }
            for (Future<Object> worker : workers) {
                worker.get();
            }
            pool.shutdown();
            pool.awaitTermination(1, TimeUnit.MINUTES);
        }
        int n = images.size();
        System.out.printf(Locale.ROOT, "%d images of %s%n", n, args[1]);
        for (int p = 0; p < PATHS.length; p++) {
            System.out.printf(Locale.ROOT, "%-38s top-1 accuracy %6.2f %%, agrees with exact on %4d (%6.2f %%), decode + preprocess %6.1f ms CPU per image%n",
                    PATHS[p], 100.0 * correct.get(p) / n, agree.get(p), 100.0 * agree.get(p) / n, cpuNanos.get(p) / 1e6 / n);
        }
    }

    private static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            best = values[i] > values[best] ? i : best;
        }
        return best;
    }
}
