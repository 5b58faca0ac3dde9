package dev.imageclassifier.serve;

import dev.imageclassifier.io.Json;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Map;

/**
 * Checks the bearer token before anything else looks at the request: a refused client gets its 401 (or 403) before
 * its body is received, so an anonymous upload costs no memory. The rules are {@link ApiAccess}'s. The answer
 * carries {@code WWW-Authenticate: Bearer} (RFC 6750), with {@code error="invalid_token"} when a token was sent but
 * is not ours. Neither the presented token nor the configured ones are ever logged.
 */
final class AccessControl extends Handler.Wrapper {

    private static final Logger LOG = LoggerFactory.getLogger(AccessControl.class);
    static final String REALM = "image-classifier";
    static final String MISSING = "Unauthorized: this route needs a bearer token (header 'Authorization: Bearer TOKEN')";
    static final String WRONG = "Unauthorized: the bearer token is not valid";
    static final String ADMIN_OFF = "Forbidden: the admin routes are off because the server has no API token configured "
            + "(set API_TOKENS or --api-tokens-file when starting it)";

    private final ApiAccess access;
    private final java.util.function.IntConsumer refused;

    /** @param refused told the status of each refusal (for the metrics) */
    AccessControl(ApiAccess access, Handler handler, java.util.function.IntConsumer refused) {
        super(handler);
        this.access = access;
        this.refused = refused;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        boolean admin = ApiAccess.isAdmin(path);
        if (!admin && (!access.tokens().configured() || access.isOpen(path))) {
            return super.handle(request, response, callback);
        }
        if (!access.tokens().configured()) {
            return refuse(request, response, callback, 403, ADMIN_OFF, null);
        }
        String token = bearerToken(request.getHeaders().get(HttpHeader.AUTHORIZATION));
        if (token == null) {
            return refuse(request, response, callback, 401, MISSING, "Bearer realm=\"" + REALM + "\"");
        }
        if (!access.tokens().accepts(token)) {
            return refuse(request, response, callback, 401, WRONG, "Bearer realm=\"" + REALM + "\", error=\"invalid_token\"");
        }
        return super.handle(request, response, callback);
    }

    /** The token of an {@code Authorization: Bearer TOKEN} header (scheme in any case), or null when there is none. */
    static String bearerToken(String authorization) {
        if (authorization == null) {
            return null;
        }
        String value = authorization.strip();
        if (value.length() < 7 || !value.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            return null;
        }
        String token = value.substring(7).strip();
        return token.isEmpty() ? null : token;
    }

    private boolean refuse(Request request, Response response, Callback callback, int status, String detail, String challenge) {
        LOG.debug("{} {} -> {} ({})", request.getMethod(), Request.getPathInContext(request), status,
                challenge == null ? "no token configured" : detail); // never the token
        refused.accept(status);
        response.setStatus(status);
        if (challenge != null) {
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, challenge);
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        String field = ErrorAnswers.errorField(Request.getPathInContext(request));
        byte[] body = Json.compact(Map.of(field, detail)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }
}
