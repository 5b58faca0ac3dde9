package dev.imageclassifier.cli;

import dev.imageclassifier.AuditResult;
import dev.imageclassifier.BackboneFile;
import dev.imageclassifier.DatasetAudit;
import dev.imageclassifier.DatasetSplit;
import dev.imageclassifier.Framing;
import dev.imageclassifier.ProgressListener;
import dev.imageclassifier.io.CacheDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "audit", mixinStandardHelpOptions = true,
        header = "Check a dataset before training: duplicates, leakage, likely label errors, outliers, bad files, imbalance.",
        description = {
                "Read a split (or a class-per-folder dataset) through the feature cache and report: exact duplicates (same "
                        + "bytes) and near duplicates (resized or re-encoded copies: backbone features AND a perceptual hash "
                        + "agree), within a class, across classes and across training and validation (leakage: the "
                        + "validation accuracy is shown with and without the leaked images); images whose label is probably "
                        + "wrong (confident learning on 5-fold out-of-fold predictions, with the suggested label); outliers "
                        + "far from every class; unreadable, truncated, tiny or extremely elongated files; small classes.",
                "",
                "Writes <out>/audit.json (everything; `mislabeled` and `duplicates` lists for tools), mislabeled.csv, "
                        + "duplicates.csv, issues.csv and audit.html (self-contained, with thumbnails). Nothing in the "
                        + "dataset is changed or deleted: act on the findings with `prepare --drop-duplicates` and "
                        + "`train --exclude-suspects <out>/audit.json`.",
                "",
                "With the features already cached by `train` (same backbone and framing) a 9,000-image dataset takes "
                        + "seconds; otherwise the backbone runs once per image, as in training.",
                ""})
final class AuditCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--split", paramLabel = "FILE", defaultValue = "${env:SPLIT_PATH}",
            description = "Split manifest written by `prepare` (env SPLIT_PATH; default: data/split.csv unless --data is given).")
    Path splitFile;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "${env:DATA_DIR}",
            description = "Audit a class-per-folder dataset instead, split as `prepare` would (seed 42, a fifth held out) (env DATA_DIR).")
    Path data;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "${env:AUDIT_DIR:-audit}",
            description = "Where the findings go (env AUDIT_DIR, default: ${DEFAULT-VALUE}).")
    Path out;

    @Mixin
    SharedOptions.BackboneSource backbone;

    @Option(names = "--framing", paramLabel = "NAME", defaultValue = "${env:AUDIT_FRAMING:-whole}", converter = TrainCommand.FramingName.class,
            description = "How images are framed for the backbone: whole, short-side or center-crop; use the framing `train` "
                    + "chose to reuse its cached features (env AUDIT_FRAMING, default: ${DEFAULT-VALUE}).")
    Framing framing;

    @Option(names = "--folds", paramLabel = "K", defaultValue = "${env:AUDIT_FOLDS:-5}",
            description = "Folds of the out-of-fold predictions (env AUDIT_FOLDS, default: ${DEFAULT-VALUE}).")
    int folds;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the folds and heads (default: the split's seed).")
    Long seed;

    @Option(names = "--no-cache", description = "Do not read or write cached features.")
    boolean noCache;

    @Option(names = "--decode-threads", paramLabel = "N", defaultValue = "0",
            description = "Threads reading and decoding images; 0 = one per core (default: ${DEFAULT-VALUE}).")
    int decodeThreads;

    @Mixin
    SharedOptions.NoProgress noProgress;

    @Mixin
    SharedOptions.Inference inference;

    @Override
    public Integer call() throws Exception {
        if (splitFile != null && data != null) {
            throw new ParameterException(spec.commandLine(), "Give either --split FILE or --data DIR, not both");
        }
        if (folds < 2) {
            throw new ParameterException(spec.commandLine(), "--folds must be at least 2");
        }
        PrintWriter stdout = spec.commandLine().getOut();
        ProgressListener progress = ConsoleProgress.onStderr(spec.commandLine().getErr(), noProgress.set);
        CacheDirectory cache = CacheDirectory.resolve(backbone.cacheDir);
        BackboneFile resolved = BackboneFile.resolve(backbone.backbone, cache.root(), backbone.offline, progress);
        DatasetSplit split = data != null ? DatasetSplit.builder(data).build()
                : DatasetSplit.read(splitFile != null ? splitFile : Path.of(SharedOptions.SPLIT_PATH));
        DatasetAudit.Builder audit = DatasetAudit.builder().backbone(resolved).cacheDirectory(noCache ? null : cache.features())
                .framing(framing).folds(folds).threads(inference.threads).device(inference.device).decodeThreads(decodeThreads)
                .progress(progress);
        if (seed != null) {
            audit.seed(seed);
        }
        AuditResult result = audit.build().audit(split);
        DatasetAudit.write(result, out);
        summary(result, stdout);
        stdout.printf(Locale.ROOT, "Wrote %s (and mislabeled.csv, duplicates.csv, issues.csv); open %s%n", out.resolve("audit.json"),
                out.resolve("audit.html"));
        return 0;
    }

    /** A few lines: counts, the leakage's effect on accuracy, the worst suspects. */
    static void summary(AuditResult result, PrintWriter out) {
        long exact = result.duplicates().stream().filter(AuditResult.DuplicateGroup::exact).count();
        out.printf(Locale.ROOT, "Audited %d images in %d classes in %.1f s%n", result.images(), result.labels().size(), result.seconds());
        out.printf(Locale.ROOT, "  Probably mislabelled: %d%n", result.mislabeled().size());
        result.mislabeled().stream().limit(3).forEach(s -> out.printf(Locale.ROOT, "    %s: labelled %s, looks like %s (%.2f)%n",
                s.path(), s.label(), s.suggested(), s.score()));
        out.printf(Locale.ROOT, "  Duplicate groups: %d exact, %d near; %d across training and validation, %d with different labels%n",
                exact, result.duplicates().size() - exact, result.crossSplitGroups(),
                result.duplicates().stream().filter(AuditResult.DuplicateGroup::crossClass).count());
        AuditResult.Leakage leak = result.leakage();
        if (leak.leaked() > 0) {
            out.printf(Locale.ROOT, "  Leakage: %d of %d validation images have a copy in training; accuracy %.2f%% with them, %.2f%% without%n",
                    leak.leaked(), leak.valImages(), 100 * leak.accuracy(), 100 * leak.accuracyWithoutLeaked());
        }
        out.printf(Locale.ROOT, "  Problem files: %d; outliers: %d; small classes: %d%n", result.files().size(), result.outliers().size(),
                result.classes().stream().filter(AuditResult.ClassCount::small).count());
    }
}
