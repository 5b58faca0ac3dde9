package dev.imageclassifier.report;

import dev.imageclassifier.AuditResult;
import dev.imageclassifier.io.AtomicFiles;
import dev.imageclassifier.io.Json;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An audit's files: {@code audit.json} (everything), one CSV per kind of finding for spreadsheets and scripts,
 * and {@code audit.html}; all written together, so a failed write leaves the previous set.
 */
public final class AuditFiles {

    private static final CSVFormat CSV = CSVFormat.RFC4180.builder().setRecordSeparator('\n').get();

    private AuditFiles() {
    }

    public static void write(AuditResult result, Path dir) throws IOException {
        Map<Path, AtomicFiles.Writer> files = new LinkedHashMap<>();
        files.put(dir.resolve("audit.json"), out -> out.write(Json.pretty(json(result))));
        files.put(dir.resolve("mislabeled.csv"), csv(List.of("path", "label", "suggested", "score", "subset"),
                result.mislabeled().stream().map(s -> List.<Object>of(s.path(), s.label(), s.suggested(), round(s.score()),
                        subset(s.training()))).toList()));
        List<List<Object>> duplicateRows = new ArrayList<>();
        for (int g = 0; g < result.duplicates().size(); g++) {
            AuditResult.DuplicateGroup group = result.duplicates().get(g);
            for (int m = 0; m < group.paths().size(); m++) {
                duplicateRows.add(List.of(g + 1, group.kind(), group.crossSplit(), group.paths().get(m), group.labels().get(m),
                        subset(group.training().get(m))));
            }
        }
        files.put(dir.resolve("duplicates.csv"), csv(List.of("group", "kind", "cross_split", "path", "label", "subset"), duplicateRows));
        List<List<Object>> issueRows = new ArrayList<>();
        result.files().forEach(f -> issueRows.add(List.of(f.path(), f.label(), f.problem(), f.detail())));
        result.outliers().forEach(o -> issueRows.add(List.of(o.path(), o.label(), "outlier", "closest to " + o.nearest()
                + ", cosine " + round(o.cosine()))));
        files.put(dir.resolve("issues.csv"), csv(List.of("path", "label", "problem", "detail"), issueRows));
        files.put(dir.resolve("audit.html"), out -> out.write(AuditSection.page(result).getBytes(StandardCharsets.UTF_8)));
        AtomicFiles.writeTogether(files);
    }

    /**
     * An {@code audit.json} read back, for a report that shows it beside an evaluation.
     *
     * @param root the dataset folder its paths are relative to (for the thumbnails)
     */
    public static AuditResult read(Path file, Path root) throws IOException {
        com.fasterxml.jackson.databind.JsonNode json;
        try {
            json = Json.MAPPER.readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (json == null || !json.has("mislabeled") || !json.has("duplicates") || !json.has("class_counts")) {
            throw new IOException(file + " is not an audit.json (it lacks the mislabeled, duplicates or class_counts list)");
        }
        List<AuditResult.Suspect> suspects = new ArrayList<>();
        json.get("mislabeled").forEach(m -> suspects.add(new AuditResult.Suspect(m.path("path").asText(), m.path("label").asText(),
                m.path("suggested").asText(), m.path("score").asDouble(), !"val".equals(m.path("subset").asText()))));
        List<AuditResult.DuplicateGroup> groups = new ArrayList<>();
        json.get("duplicates").forEach(g -> {
            List<String> paths = new ArrayList<>();
            List<String> labels = new ArrayList<>();
            List<Boolean> training = new ArrayList<>();
            g.path("paths").forEach(p -> paths.add(p.asText()));
            g.path("labels").forEach(l -> labels.add(l.asText()));
            g.path("subsets").forEach(t -> training.add(!"val".equals(t.asText())));
            groups.add(new AuditResult.DuplicateGroup(List.copyOf(paths), List.copyOf(labels), List.copyOf(training), "exact".equals(g.path("kind").asText()),
                    g.path("cross_split").asBoolean(), g.path("cross_class").asBoolean(), g.path("cosine").asDouble()));
        });
        List<AuditResult.FileIssue> issues = new ArrayList<>();
        json.path("file_issues").forEach(f -> issues.add(new AuditResult.FileIssue(f.path("path").asText(), f.path("label").asText(),
                f.path("problem").asText(), f.path("detail").asText())));
        List<AuditResult.Outlier> outliers = new ArrayList<>();
        json.path("outliers").forEach(o -> outliers.add(new AuditResult.Outlier(o.path("path").asText(), o.path("label").asText(),
                o.path("nearest").asText(), o.path("cosine").asDouble())));
        List<AuditResult.ClassCount> counts = new ArrayList<>();
        json.get("class_counts").forEach(c -> counts.add(new AuditResult.ClassCount(c.path("label").asText(), c.path("train").asInt(),
                c.path("val").asInt(), c.path("small").asBoolean())));
        com.fasterxml.jackson.databind.JsonNode leak = json.path("leakage");
        AuditResult.Leakage leakage = new AuditResult.Leakage(leak.path("val_images").asInt(), leak.path("leaked_val_images").asInt(),
                leak.path("accuracy").asDouble(Double.NaN), leak.path("accuracy_without_leaked").asDouble(Double.NaN));
        return new AuditResult(json.path("source").asText(), root, json.path("images").asInt(),
                counts.stream().map(AuditResult.ClassCount::label).toList(), List.copyOf(suspects), List.copyOf(groups),
                List.copyOf(issues), List.copyOf(outliers), List.copyOf(counts), leakage,
                json.path("backbone").asText(), dev.imageclassifier.Framing.parse(json.path("framing").asText("whole")),
                json.path("seconds").asDouble());
    }

    /** The JSON document; its keys are the contract tools rely on (see docs/audit.md). */
    static Map<String, Object> json(AuditResult result) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("source", result.source());
        out.put("images", result.images());
        out.put("classes", result.labels().size());
        out.put("backbone", result.backbone());
        out.put("framing", result.framing().id());
        out.put("seconds", round(result.seconds()));
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("mislabeled", result.mislabeled().size());
        summary.put("duplicate_groups", result.duplicates().size());
        summary.put("exact_duplicate_groups", result.duplicates().stream().filter(AuditResult.DuplicateGroup::exact).count());
        summary.put("near_duplicate_groups", result.duplicates().stream().filter(g -> !g.exact()).count());
        summary.put("cross_split_groups", result.crossSplitGroups());
        summary.put("cross_class_groups", result.duplicates().stream().filter(AuditResult.DuplicateGroup::crossClass).count());
        summary.put("file_issues", result.files().size());
        summary.put("outliers", result.outliers().size());
        summary.put("small_classes", result.classes().stream().filter(AuditResult.ClassCount::small).count());
        out.put("summary", summary);
        AuditResult.Leakage leakage = result.leakage();
        Map<String, Object> leak = new LinkedHashMap<>();
        leak.put("val_images", leakage.valImages());
        leak.put("leaked_val_images", leakage.leaked());
        leak.put("accuracy", round(leakage.accuracy()));
        leak.put("accuracy_without_leaked", round(leakage.accuracyWithoutLeaked()));
        out.put("leakage", leak);
        out.put("mislabeled", result.mislabeled().stream().map(s -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", s.path());
            m.put("label", s.label());
            m.put("suggested", s.suggested());
            m.put("score", round(s.score()));
            m.put("subset", subset(s.training()));
            return m;
        }).toList());
        out.put("duplicates", result.duplicates().stream().map(g -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("paths", g.paths());
            m.put("kind", g.kind());
            m.put("cross_split", g.crossSplit());
            m.put("cross_class", g.crossClass());
            m.put("labels", g.labels());
            m.put("subsets", g.training().stream().map(AuditFiles::subset).toList());
            m.put("cosine", round(g.cosine()));
            return m;
        }).toList());
        out.put("file_issues", result.files().stream().map(f -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", f.path());
            m.put("label", f.label());
            m.put("problem", f.problem());
            m.put("detail", f.detail());
            return m;
        }).toList());
        out.put("outliers", result.outliers().stream().map(o -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", o.path());
            m.put("label", o.label());
            m.put("nearest", o.nearest());
            m.put("cosine", round(o.cosine()));
            return m;
        }).toList());
        out.put("class_counts", result.classes().stream().map(c -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("label", c.label());
            m.put("train", c.train());
            m.put("val", c.val());
            m.put("small", c.small());
            return m;
        }).toList());
        return out;
    }

    static String subset(boolean training) {
        return training ? "train" : "val";
    }

    /** Four decimals: enough to rank, short enough to read; NaN (nothing to measure) becomes null. */
    static Double round(double value) {
        return Double.isNaN(value) ? null : Math.round(value * 1e4) / 1e4;
    }

    private static AtomicFiles.Writer csv(List<String> header, List<List<Object>> rows) {
        return out -> {
            OutputStreamWriter writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            CSVPrinter printer = new CSVPrinter(writer, CSV);
            printer.printRecord(header);
            for (List<Object> row : rows) {
                printer.printRecord(row);
            }
            printer.flush();
        };
    }
}
