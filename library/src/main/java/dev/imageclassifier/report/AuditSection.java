package dev.imageclassifier.report;

import dev.imageclassifier.AuditResult;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

/**
 * The audit as HTML: a section for a report page, and {@code audit.html}, the same section on a page of its own.
 * Self-contained like the evaluation report: thumbnails are inline JPEGs, nothing loads from the network, and paths
 * are shown as the split names them (relative to the dataset), never as this machine's absolute paths.
 */
public final class AuditSection {

    /** Items shown with thumbnails per list; the full lists are in audit.json and the CSV files. */
    static final int SHOWN = 30;
    private static final int THUMBNAIL = 120;
    private static final String STYLE = """
            body{font-family:system-ui,sans-serif;color:#1d2433;background:#f6f7fa;margin:0;padding:1.5rem}
            main{max-width:1100px;margin:0 auto}section{background:#fff;border:1px solid #d6dbe4;border-radius:12px;padding:1rem 1.25rem;margin:1rem 0;overflow-x:auto}
            h1{margin:0 0 .25rem}h2{font-size:1.15rem;margin:0 0 .75rem}h3{font-size:1rem}.muted{color:#5b6578}
            table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.25rem .5rem;border-bottom:1px solid #eef0f4;font-variant-numeric:tabular-nums}
            .audit-grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:.75rem}
            .audit-grid figure{margin:0}.audit-grid img{height:96px;max-width:100%;object-fit:contain;border-radius:4px}
            .audit-grid figcaption{font-size:.8rem;overflow-wrap:anywhere}.dup{display:flex;gap:.5rem;flex-wrap:wrap;align-items:flex-start}
            .wrong{color:#b3261e;font-weight:600}.ok{color:#2e7d32}
            """;

    private AuditSection() {
    }

    /** {@code audit.html}: the section on its own page. */
    static String page(AuditResult result) {
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Dataset audit</title><style>" + STYLE
                + "</style></head><body><main><h1>Dataset audit</h1><p class=\"muted\">" + Html.escape(name(result.source())) + " · "
                + result.images() + " images, " + result.labels().size() + " classes · " + Html.escape(result.backbone()) + " features ("
                + result.framing().id() + ") · " + Html.number(result.seconds(), 1) + " s</p>" + section(result) + "</main></body></html>";
    }

    /** The last part of a path: the page may be shared, and this machine's folders are nobody's business. */
    private static String name(String source) {
        String trimmed = source.replaceAll("[/\\\\]+$", "");
        return trimmed.substring(Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\')) + 1);
    }

    /** The section with its own styles, for a page that has not got them (the evaluation report). */
    public static String embedded(AuditResult result) {
        return "<style>" + STYLE.lines().filter(l -> l.startsWith(".audit") || l.startsWith(".wrong")).reduce("", String::concat)
                + "</style>" + section(result);
    }

    /** The findings, most important first: leakage, label errors, duplicates, problem files, outliers, imbalance. */
    public static String section(AuditResult result) {
        StringBuilder html = new StringBuilder("<section id=\"audit\"><h2>Data check</h2>");
        AuditResult.Leakage leak = result.leakage();
        html.append("<p>").append(result.mislabeled().size()).append(" images probably mislabelled · ")
                .append(result.duplicates().size()).append(" duplicate groups (")
                .append(result.duplicates().stream().filter(AuditResult.DuplicateGroup::exact).count()).append(" exact, ")
                .append(result.crossSplitGroups()).append(" across training and validation) · ")
                .append(result.files().size()).append(" problem files · ").append(result.outliers().size()).append(" outliers · ")
                .append(result.classes().stream().filter(AuditResult.ClassCount::small).count()).append(" small classes</p>");
        if (leak.valImages() > 0) {
            html.append("<p>Validation accuracy of a head trained on the training images: ").append(Html.percent(leak.accuracy()));
            if (leak.leaked() > 0) {
                html.append("; without the ").append(leak.leaked()).append(" validation images that have a copy in training: ")
                        .append(Double.isNaN(leak.accuracyWithoutLeaked()) ? "—" : Html.percent(leak.accuracyWithoutLeaked()));
            } else {
                html.append(" (no validation image has a copy in training)");
            }
            html.append(".</p>");
        }
        mislabeled(result, html);
        duplicates(result, html);
        files(result, html);
        outliers(result, html);
        imbalance(result, html);
        return html.append("</section>").toString();
    }

    private static void mislabeled(AuditResult result, StringBuilder html) {
        if (result.mislabeled().isEmpty()) {
            return;
        }
        html.append("<h3>Probably mislabelled</h3><p class=\"muted\">Out-of-fold predictions that confidently disagree with the "
                + "label, surest first.</p><div class=\"audit-grid\">");
        for (AuditResult.Suspect s : result.mislabeled().subList(0, Math.min(SHOWN, result.mislabeled().size()))) {
            html.append(figure(result.root(), s.path(), "<span class=\"wrong\">" + Html.escape(s.label()) + "</span> → "
                    + Html.escape(s.suggested()) + " (" + Html.number(s.score(), 2) + ")"));
        }
        html.append("</div>");
    }

    private static void duplicates(AuditResult result, StringBuilder html) {
        if (result.duplicates().isEmpty()) {
            return;
        }
        html.append("<h3>Duplicates</h3><table><tr><th>Kind</th><th>Copies</th></tr>");
        for (AuditResult.DuplicateGroup g : result.duplicates().subList(0, Math.min(SHOWN, result.duplicates().size()))) {
            String kind = g.kind() + (g.crossSplit() ? ", <span class=\"wrong\">train + val</span>" : "")
                    + (g.crossClass() ? ", <span class=\"wrong\">different labels</span>" : "");
            html.append("<tr><td>").append(kind).append("</td><td><div class=\"dup\">");
            for (int m = 0; m < Math.min(4, g.paths().size()); m++) {
                html.append(figure(result.root(), g.paths().get(m), Html.escape(g.labels().get(m)) + " · "
                        + (g.training().get(m) ? "train" : "val")));
            }
            html.append("</div></td></tr>");
        }
        html.append("</table>");
    }

    private static void files(AuditResult result, StringBuilder html) {
        if (result.files().isEmpty()) {
            return;
        }
        html.append("<h3>Problem files</h3><table><tr><th>File</th><th>Problem</th><th>Detail</th></tr>");
        for (AuditResult.FileIssue f : result.files()) {
            html.append("<tr><td>").append(Html.escape(f.path())).append("</td><td>").append(Html.escape(f.problem()))
                    .append("</td><td>").append(Html.escape(f.detail() == null ? "" : f.detail())).append("</td></tr>");
        }
        html.append("</table>");
    }

    private static void outliers(AuditResult result, StringBuilder html) {
        if (result.outliers().isEmpty()) {
            return;
        }
        html.append("<h3>Outliers</h3><p class=\"muted\">Far from every class's images.</p><div class=\"audit-grid\">");
        for (AuditResult.Outlier o : result.outliers().subList(0, Math.min(SHOWN, result.outliers().size()))) {
            html.append(figure(result.root(), o.path(), Html.escape(o.label()) + " · nearest " + Html.escape(o.nearest())));
        }
        html.append("</div>");
    }

    private static void imbalance(AuditResult result, StringBuilder html) {
        List<AuditResult.ClassCount> counts = result.classes();
        int min = counts.stream().mapToInt(c -> c.train() + c.val()).min().orElse(0);
        int max = counts.stream().mapToInt(c -> c.train() + c.val()).max().orElse(0);
        html.append("<h3>Class sizes</h3><p>From ").append(min).append(" to ").append(max).append(" images per class");
        List<AuditResult.ClassCount> small = counts.stream().filter(AuditResult.ClassCount::small).toList();
        if (!small.isEmpty()) {
            html.append("; small: ");
            for (int i = 0; i < small.size(); i++) {
                AuditResult.ClassCount c = small.get(i);
                html.append(i == 0 ? "" : ", ").append(Html.escape(c.label())).append(" (").append(c.train() + c.val()).append(')');
            }
        }
        html.append(".</p>");
    }

    private static String figure(Path root, String path, String caption) {
        String image = thumbnail(root.resolve(path));
        return "<figure>" + (image == null ? "<div class=\"muted\">(cannot be shown)</div>"
                : "<img alt=\"" + Html.escape(path) + "\" src=\"" + image + "\">") + "<figcaption>" + Html.escape(path) + "<br>"
                + caption + "</figcaption></figure>";
    }

    /** A small JPEG of the image as a data: URI, or null when it cannot be read. */
    static String thumbnail(Path file) {
        try (var in = Files.newInputStream(file)) {
            BufferedImage image = ImageIO.read(in);
            if (image == null) {
                return null;
            }
            double scale = Math.min(1.0, THUMBNAIL / (double) Math.max(image.getWidth(), image.getHeight()));
            int w = Math.max(1, (int) Math.round(image.getWidth() * scale));
            int h = Math.max(1, (int) Math.round(image.getHeight() * scale));
            BufferedImage small = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = small.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(image, 0, 0, w, h, null);
            g.dispose();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(small, "jpeg", out);
            return "data:image/jpeg;base64," + Base64.getEncoder().encodeToString(out.toByteArray());
        } catch (IOException | RuntimeException e) {
            return null; // the page still names the file
        }
    }
}
