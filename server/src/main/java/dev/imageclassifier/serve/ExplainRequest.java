package dev.imageclassifier.serve;

import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;

import java.util.List;
import java.util.Locale;

/**
 * What a request asks to have explained: {@code explain=true} for the top class, {@code explain_class=LABEL}
 * for another one (which implies {@code explain}; {@code explain=false} beside it is a contradiction, a 400).
 * Values are taken as sent: {@code true}, {@code false}, {@code 1} or {@code 0} (any case), no spaces. Checked
 * before the upload is read, so a bad query costs no decoding.
 *
 * @param label the class to explain, or null for the top one
 */
record ExplainRequest(boolean wanted, String label) {

    static final ExplainRequest NONE = new ExplainRequest(false, null);

    /** @param always for routes that always explain (the heatmap) */
    static ExplainRequest of(Context ctx, List<String> labels, boolean always) {
        String explain = ctx.queryParam("explain");
        String label = ctx.queryParam("explain_class");
        boolean wanted = always || label != null;
        if (explain != null) {
            switch (explain.toLowerCase(Locale.ROOT)) {
                case "true", "1" -> wanted = true;
                case "false", "0" -> {
                    if (label != null) {
                        throw new BadRequestResponse("explain=" + explain + " contradicts explain_class, which asks for an "
                                + "explanation: leave out explain, or set it to true");
                    }
                }
                default -> throw new BadRequestResponse("explain must be true or false, got '" + explain + "'");
            }
        }
        if (label != null && !labels.contains(label)) {
            throw new BadRequestResponse("Unknown explain_class '" + label + "': the model has " + labels.size()
                    + " classes, listed by GET /model");
        }
        return wanted ? new ExplainRequest(true, label) : NONE;
    }

    /** A label fit for an HTTP header: non-ASCII characters and controls percent-encoded (UTF-8). */
    static String headerSafe(String label) {
        StringBuilder out = new StringBuilder();
        for (byte b : label.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            out.append(c >= 0x20 && c < 0x7F && c != '%' ? String.valueOf((char) c) : String.format("%%%02X", c));
        }
        return out.toString();
    }
}
