package dev.imageclassifier.serve;

import dev.imageclassifier.ModelInfo;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /report}: the evaluation report ({@code evaluate}'s report.html) of the served model, found
 * next to the model file and shown only when it names this very model; read at each request, so a new
 * evaluation shows without a restart. Its own policy (stricter than the server's: no script at all, only its
 * own inline styles and images) keeps the browser from loading anything else.
 */
final class ReportFile {

    static final String NAME = "report.html";
    /** Request attribute that keeps a route's own 404 detail (this one's, an unknown model's) from the server's generic "Not Found". */
    static final String OWN_404 = "report-404";
    static final String POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; "
            + "form-action 'none'; frame-ancestors 'none'";
    private static final long MAX_BYTES = 64L << 20;
    private static final Pattern IDENTITY = Pattern.compile(
            "<meta name=\"" + ModelInfo.IDENTITY_META_NAME + "\" content=\"([^\"]*)\">");

    private ReportFile() {
    }

    /** Answers the report of the model in {@code modelFile}, or a 404 that says how to make one (no server paths). */
    static void serve(Context ctx, Path modelFile, ModelInfo served) throws IOException {
        Path file = modelFile.toAbsolutePath().resolveSibling(NAME);
        ctx.attribute(OWN_404, true);
        if (!Files.isRegularFile(file) || Files.size(file) > MAX_BYTES) {
            throw new NotFoundResponse("No evaluation report next to the model file: `image-classifier evaluate --results <the model's "
                    + "folder>` writes one (" + NAME + ")");
        }
        String html = Files.readString(file, StandardCharsets.UTF_8);
        Matcher identity = IDENTITY.matcher(html);
        if (!identity.find() || !identity.group(1).equals(served.identity())) {
            throw new NotFoundResponse("The " + NAME + " next to the model file is about another model: evaluate this one again");
        }
        ctx.header("Content-Security-Policy", POLICY);
        ctx.header("Cache-Control", "no-cache");
        ctx.html(html);
    }
}
