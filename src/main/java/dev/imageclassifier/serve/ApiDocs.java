package dev.imageclassifier.serve;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * The API's description: a hand-written OpenAPI 3 document (no OpenAPI plugin exists for Javalin 7) and a
 * Swagger UI page at {@code /docs}, as FastAPI users expect, using the Swagger UI webjar's files.
 */
final class ApiDocs {

    private static final String OPENAPI = resource("/serve/openapi.json");
    private static final String SWAGGER_UI = resource("/serve/docs.html").replace("{{SWAGGER_UI}}",
            "/webjars/swagger-ui/" + swaggerUiVersion());

    private ApiDocs() {
    }

    static String openApi() {
        return OPENAPI;
    }

    static String swaggerUiPage() {
        return SWAGGER_UI;
    }

    /** The webjar's version is part of its files' paths; read it instead of repeating the pom. */
    private static String swaggerUiVersion() {
        try (InputStream in = ApiDocs.class.getResourceAsStream("/META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("the swagger-ui webjar is missing from the classpath");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String resource(String name) {
        try (InputStream in = ApiDocs.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
