package dev.imageclassifier;

import dev.imageclassifier.audit.Auditor;
import dev.imageclassifier.audit.ConfidentLearning;
import dev.imageclassifier.audit.Duplicates;
import dev.imageclassifier.audit.FileCheck;
import dev.imageclassifier.audit.HeadFitter;
import dev.imageclassifier.audit.Outliers;
import dev.imageclassifier.model.BackboneGraph;
import dev.imageclassifier.model.RuntimeOptions;
import dev.imageclassifier.report.AuditFiles;
import dev.imageclassifier.vision.View;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Checks a split's images before training, as {@link Trainer} trains on them: exact and near duplicates (within a
 * class, across classes, and across the split, with the validation accuracy recomputed without the leaked
 * images), images whose label is probably wrong (confident learning on out-of-fold probabilities), outliers,
 * unreadable, cut-off, tiny or oddly shaped files, and class imbalance. It reads the backbone's features through
 * the same cache as training, so after a training run it costs seconds. It never changes the user's files.
 *
 * <pre>{@code
 * AuditResult found = DatasetAudit.builder()
 *         .backbone(BackboneFile.of(Path.of("mobilenetv2-12-int8.onnx")))
 *         .cacheDirectory(Path.of("cache/features"))
 *         .build()
 *         .audit(DatasetSplit.read(Path.of("data/split.csv")));
 * DatasetAudit.write(found, Path.of("audit"));   // audit.json, CSV files, audit.html
 * }</pre>
 */
public final class DatasetAudit {

    private final Builder settings;

    private DatasetAudit(Builder settings) {
        this.settings = settings;
    }

    /** @return a builder; the backbone is required, the rest have defaults */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Audits a split.
     *
     * @param split the labelled images
     * @return what was found
     * @throws InvalidModelException when the backbone cannot be used
     * @throws IOException           when the images or the cache cannot be read
     * @throws InterruptedException  when interrupted
     */
    public AuditResult audit(DatasetSplit split) throws InvalidModelException, IOException, InterruptedException {
        long start = System.nanoTime();
        List<DatasetSplit.Image> images = split.images();
        List<String> labels = split.labels();
        Map<String, Integer> classOf = new HashMap<>();
        for (int c = 0; c < labels.size(); c++) {
            classOf.put(labels.get(c), c);
        }
        List<Path> files = new ArrayList<>(images.size());
        int[] label = new int[images.size()];
        boolean[] training = new boolean[images.size()];
        for (int i = 0; i < images.size(); i++) {
            files.add(split.root().resolve(images.get(i).path()));
            label[i] = classOf.get(images.get(i).label());
            training[i] = images.get(i).training();
        }
        ProgressListener progress = settings.progress;
        int threads = settings.decodeThreads > 0 ? settings.decodeThreads : Runtime.getRuntime().availableProcessors();
        java.util.Map<String, Double> timings = new java.util.LinkedHashMap<>();
        long t = System.nanoTime();
        List<FileCheck.Facts> facts;
        try (Progress bar = progress.begin("Files", images.size(), "img")) {
            facts = FileCheck.check(files, threads, i -> bar.step());
        }
        timings.put("files", (System.nanoTime() - t) / 1e9);
        t = System.nanoTime();
        RuntimeOptions runtime = new RuntimeOptions(settings.threads, settings.device);
        BackboneGraph graph = BackboneGraph.load(settings.backbone.file(), settings.backbone.name());
        FeatureRequest request = new FeatureRequest(settings.backbone.file(), settings.backbone.name(), settings.framing, split.root(),
                images, List.of(View.CENTER), settings.batchSize);
        FeatureTable table;
        try (Progress bar = progress.begin("Features", images.size(), "img")) {
            table = new LocalFeatures(graph, settings.cacheDirectory, runtime, threads).extract(request, bar);
        }
        float[][][] views = table.collect();
        float[][] features = new float[views.length][];
        for (int i = 0; i < views.length; i++) {
            features[i] = views[i] == null ? null : views[i][0];
        }
        timings.put("features", (System.nanoTime() - t) / 1e9);
        long seed = settings.seed != null ? settings.seed : split.seed();
        Auditor.Settings how = new Auditor.Settings(settings.folds, seed, runtime,
                HeadFitter.sgd(runtime.parallelRuns() > 1 ? runtime.singleThreadedRuns() : runtime, seed), runtime.parallelRuns());
        List<String> sha = facts.stream().map(FileCheck.Facts::sha256).toList();
        Auditor.Findings found = Auditor.run(files, sha, features, label, training, labels.size(), how,
                step -> progress.note("Looking for " + step));
        timings.putAll(found.seconds());
        progress.note("Audit steps (s): " + timings.entrySet().stream()
                .map(e -> e.getKey() + " " + String.format(Locale.ROOT, "%.1f", e.getValue())).toList());
        return result(split, images, labels, facts, table, found, (System.nanoTime() - start) / 1e9);
    }

    private AuditResult result(DatasetSplit split, List<DatasetSplit.Image> images, List<String> labels, List<FileCheck.Facts> facts,
                               FeatureTable table, Auditor.Findings found, double seconds) {
        List<AuditResult.Suspect> suspects = new ArrayList<>();
        for (ConfidentLearning.Suspect s : found.suspects()) {
            DatasetSplit.Image image = images.get(s.index());
            suspects.add(new AuditResult.Suspect(image.path(), image.label(), labels.get(s.suggested()), s.score(), image.training()));
        }
        List<AuditResult.DuplicateGroup> groups = new ArrayList<>();
        for (Duplicates.Group g : found.duplicates()) {
            groups.add(new AuditResult.DuplicateGroup(g.members().stream().map(i -> images.get(i).path()).toList(),
                    g.members().stream().map(i -> images.get(i).label()).toList(),
                    g.members().stream().map(i -> images.get(i).training()).toList(), g.exact(), g.crossSplit(), g.crossClass(),
                    g.cosine()));
        }
        List<AuditResult.FileIssue> issues = new ArrayList<>();
        java.util.Set<String> listed = new java.util.HashSet<>();
        for (int i = 0; i < facts.size(); i++) {
            FileCheck.Facts f = facts.get(i);
            if (f.problem() != null) {
                issues.add(new AuditResult.FileIssue(images.get(i).path(), images.get(i).label(), f.problem().name().toLowerCase(Locale.ROOT),
                        f.detail()));
                listed.add(images.get(i).path());
            }
        }
        Map<String, String> labelOf = new HashMap<>();
        images.forEach(image -> labelOf.put(image.path(), image.label()));
        for (FeatureTable.Failure failure : table.failures()) {
            if (listed.add(failure.path())) {
                issues.add(new AuditResult.FileIssue(failure.path(), labelOf.get(failure.path()), "unreadable", failure.reason()));
            }
        }
        List<AuditResult.Outlier> outliers = new ArrayList<>();
        for (Outliers.Outlier o : found.outliers()) {
            DatasetSplit.Image image = images.get(o.index());
            outliers.add(new AuditResult.Outlier(image.path(), image.label(), labels.get(o.nearest()), o.cosine()));
        }
        Auditor.Leakage l = found.leakage();
        return new AuditResult(split.source(), split.root(), images.size(), labels, List.copyOf(suspects), List.copyOf(groups),
                List.copyOf(issues), List.copyOf(outliers),
                classCounts(images, labels), new AuditResult.Leakage(l.valImages(), l.leaked(), l.accuracy(), l.accuracyWithoutLeak()),
                settings.backbone.name(), settings.framing, seconds);
    }

    /** Images per class; a class under 10 images or under a fifth of the median class is small. */
    static List<AuditResult.ClassCount> classCounts(List<DatasetSplit.Image> images, List<String> labels) {
        Map<String, int[]> counts = new HashMap<>();
        labels.forEach(l -> counts.put(l, new int[2]));
        images.forEach(i -> counts.get(i.label())[i.training() ? 0 : 1]++);
        int[] totals = labels.stream().mapToInt(l -> counts.get(l)[0] + counts.get(l)[1]).sorted().toArray();
        double median = totals.length % 2 == 1 ? totals[totals.length / 2] : (totals[totals.length / 2 - 1] + totals[totals.length / 2]) / 2.0;
        List<AuditResult.ClassCount> out = new ArrayList<>();
        for (String l : labels) {
            int total = counts.get(l)[0] + counts.get(l)[1];
            out.add(new AuditResult.ClassCount(l, counts.get(l)[0], counts.get(l)[1], total < 10 || total < median / 5));
        }
        return out;
    }

    /**
     * Writes the findings into a folder, each file atomically: {@code audit.json} (everything, for tools),
     * {@code mislabeled.csv}, {@code duplicates.csv}, {@code issues.csv} (one row per finding) and
     * {@code audit.html} (self-contained, with thumbnails).
     *
     * @param result what an audit found
     * @param dir    the folder, created when missing
     * @throws IOException when a file cannot be written
     */
    public static void write(AuditResult result, Path dir) throws IOException {
        AuditFiles.write(result, dir);
    }

    /** How to audit; {@link #backbone} is required. */
    public static final class Builder {
        private BackboneFile backbone;
        private Path cacheDirectory;
        private int threads;
        private Device device = Device.CPU;
        private int decodeThreads;
        private int batchSize = 32;
        private Framing framing = Framing.WHOLE;
        private int folds = 5;
        private Long seed;
        private ProgressListener progress = ProgressListener.NONE;

        private Builder() {
        }

        /**
         * @param value the frozen network whose features are compared (the one you train on)
         * @return this builder
         */
        public Builder backbone(BackboneFile value) {
            backbone = value;
            return this;
        }

        /**
         * @param value folder of cached features, shared with {@link Trainer}; null (the default) for none
         * @return this builder
         */
        public Builder cacheDirectory(Path value) {
            cacheDirectory = value;
            return this;
        }

        /**
         * @param value ONNX Runtime threads; 0 (the default) = one per core
         * @return this builder
         */
        public Builder threads(int value) {
            threads = value;
            return this;
        }

        /**
         * @param value where the backbone runs (default {@link Device#CPU})
         * @return this builder
         */
        public Builder device(Device value) {
            device = value;
            return this;
        }

        /**
         * @param value threads reading and decoding images; 0 (the default) = one per core
         * @return this builder
         */
        public Builder decodeThreads(int value) {
            decodeThreads = value;
            return this;
        }

        /**
         * @param value images per backbone call (default 32)
         * @return this builder
         */
        public Builder batchSize(int value) {
            batchSize = value;
            return this;
        }

        /**
         * @param value how images are framed for the backbone (default {@link Framing#WHOLE}: a copy's borders count too)
         * @return this builder
         */
        public Builder framing(Framing value) {
            framing = value;
            return this;
        }

        /**
         * @param value folds of the out-of-fold probabilities, at least 2 (default 5)
         * @return this builder
         */
        public Builder folds(int value) {
            folds = value;
            return this;
        }

        /**
         * @param value seed of the folds and heads (default: the split's seed)
         * @return this builder
         */
        public Builder seed(long value) {
            seed = value;
            return this;
        }

        /**
         * @param value hears about each step (default: nothing is shown)
         * @return this builder
         */
        public Builder progress(ProgressListener value) {
            progress = value;
            return this;
        }

        /**
         * @return the audit
         * @throws IllegalArgumentException when no backbone is set or a setting makes no sense
         */
        public DatasetAudit build() {
            if (backbone == null) {
                throw new IllegalArgumentException("a backbone is required");
            }
            if (threads < 0 || decodeThreads < 0 || batchSize < 1 || folds < 2) {
                throw new IllegalArgumentException("threads must be >= 0, batch size >= 1, folds >= 2");
            }
            Objects.requireNonNull(framing, "framing");
            Objects.requireNonNull(progress, "progress");
            Objects.requireNonNull(device, "device");
            Builder copy = new Builder();
            copy.backbone = backbone;
            copy.cacheDirectory = cacheDirectory;
            copy.threads = threads;
            copy.device = device;
            copy.decodeThreads = decodeThreads;
            copy.batchSize = batchSize;
            copy.framing = framing;
            copy.folds = folds;
            copy.seed = seed;
            copy.progress = progress;
            return new DatasetAudit(copy);
        }
    }
}
