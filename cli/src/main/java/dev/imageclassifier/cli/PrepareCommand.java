package dev.imageclassifier.cli;

import dev.imageclassifier.Caltech101Dataset;
import dev.imageclassifier.DatasetSplit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "prepare", mixinStandardHelpOptions = true,
        header = "Find the labelled images of a dataset and write a seeded, stratified train/validation split.",
        description = {
                "Find the labelled images of a class-per-folder dataset and write a seeded, stratified train/validation "
                        + "split manifest (<out>/split.csv). Images are recognised by content, not by file name; files that "
                        + "are not images are skipped and counted. A folder already split into train/ and val/ keeps its "
                        + "split. Nothing is copied. Without --data, Caltech-101 is downloaded first.",
                ""})
final class PrepareCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "${env:DATA_DIR}",
            description = "Dataset root: one sub-folder per class (or train/ and val/ holding class folders) (env DATA_DIR). "
                    + "Without it, Caltech-101 is downloaded into <out>/caltech-101 (or reused when already there).")
    Path data;

    @Option(names = "--download",
            description = "Download and unpack Caltech-101 into <out>/caltech-101 (skipped when complete) and use it; "
                    + "the source can be changed with env CALTECH101_URL.")
    boolean download;

    @Option(names = "--offline", defaultValue = "${env:OFFLINE:-false}",
            description = "Never touch the network; fail clearly when the dataset is not there (env OFFLINE).")
    boolean offline;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "data",
            description = "Where split.csv goes (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Random seed of the split (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--val-fraction", paramLabel = "F", defaultValue = "0.2",
            description = "Share of each class held out for validation (default: ${DEFAULT-VALUE}).")
    double valFraction;

    @Option(names = "--exclude", paramLabel = "NAME", defaultValue = DatasetSplit.CALTECH_BACKGROUND, split = ",",
            description = "Class folder to leave out; repeatable. Giving it replaces the default (${DEFAULT-VALUE}); "
                    + "--exclude '' keeps every folder.")
    List<String> exclude;

    @Option(names = "--drop-duplicates", paramLabel = "AUDIT_JSON", arity = "0..1", fallbackValue = "",
            description = "Leave all but one copy of each duplicate out of the split (the first path in sorted order; the files "
                    + "stay where they are): files with the same bytes, and with an audit's audit.json also its near "
                    + "duplicates. Copies are dropped before splitting, so none ends up on both sides; a tree already "
                    + "split into train/ and val/ keeps one copy per side.")
    String dropDuplicates;

    @Option(names = "--materialize",
            description = "Also hard-link the split into <out>/train/<class>/ and <out>/val/<class>/ for browsing.")
    boolean materialize;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter outWriter = spec.commandLine().getOut();
        if (download && data != null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Give either --data DIR or --download, not both");
        }
        if (data == null) {
            data = Caltech101Dataset.ensure(out, offline, ConsoleProgress.onStderr(err, false));
        }
        Set<String> excluded = new LinkedHashSet<>();
        exclude.stream().map(String::trim).filter(s -> !s.isEmpty()).forEach(excluded::add);
        DatasetSplit.Builder builder = DatasetSplit.builder(data).seed(seed).valFraction(valFraction).exclude(excluded);
        if (dropDuplicates != null) {
            builder.dropDuplicates(true, dropDuplicates.isEmpty() ? List.of() : AuditFindings.duplicateGroups(Path.of(dropDuplicates)));
        }
        DatasetSplit split = builder.build();
        if (!split.skipped().isEmpty()) {
            err.printf(Locale.ROOT, "warning: skipped %d file(s) that are not readable images, e.g.:%n", split.skipped().size());
            split.skipped().stream().limit(5).forEach(s -> err.printf(Locale.ROOT, "  %s (%s)%n", s.path(), s.reason()));
        }
        Path file = out.resolve("split.csv");
        split.write(file);
        outWriter.printf(Locale.ROOT, "Found %s under %s%s%n", split.summary(), data,
                split.presplit() ? " (already split into train/ and val/)" : "");
        outWriter.printf(Locale.ROOT, "Wrote %s: %d train, %d val (seed %d, fingerprint %s…)%n", file,
                split.trainImages(), split.valImages(), seed, split.fingerprint().substring(0, 12));
        if (dropDuplicates != null) {
            outWriter.printf(Locale.ROOT, "Left out %d duplicate cop%s (kept one of each; no file was changed)%n", split.dropped().size(),
                    split.dropped().size() == 1 ? "y" : "ies");
        }
        if (materialize) {
            int linked = split.linkInto(out);
            outWriter.printf(Locale.ROOT, "Linked %d images into %s/train and %s/val%n", linked, out, out);
        }
        return 0;
    }
}
