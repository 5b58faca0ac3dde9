package dev.imageclassifier.serve;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.util.List;

/**
 * The headers every answer carries, set before any route runs (a route may only tighten the policy, as
 * {@code /report} does): a Content-Security-Policy that lets the web page and Swagger UI load their own
 * scripts, styles, images and API calls from this server and nothing else (no inline script, no inline
 * style, no eval, no plug-ins, no framing, no base-URL or form tricks); {@code nosniff}, so that a browser
 * never runs an answer as a type other than the one declared; no framing at all (also for browsers that only
 * know {@code X-Frame-Options}); and no Referer sent from the page.
 */
final class SecurityHeaders extends Handler.Wrapper {

    /**
     * {@code img-src} allows {@code data:} (Swagger UI's icons, the page's empty favicon) and {@code blob:}
     * (the page's preview of the chosen photo).
     */
    static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
            + "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    static final List<PreEncodedHttpField> HEADERS = List.of(
            new PreEncodedHttpField("Content-Security-Policy", POLICY),
            new PreEncodedHttpField("X-Content-Type-Options", "nosniff"),
            new PreEncodedHttpField("X-Frame-Options", "DENY"),
            new PreEncodedHttpField("Referrer-Policy", "no-referrer"));

    SecurityHeaders(Handler handler) {
        super(handler);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        addTo(response.getHeaders());
        return super.handle(request, response, callback);
    }

    /** Sets the headers (replacing any of the same name), e.g. on the answers Jetty writes itself. */
    static void addTo(HttpFields.Mutable headers) {
        for (PreEncodedHttpField header : HEADERS) {
            headers.put(header);
        }
    }
}
