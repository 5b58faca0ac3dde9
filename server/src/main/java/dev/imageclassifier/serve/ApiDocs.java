package dev.imageclassifier.serve;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * The API's description: a hand-written OpenAPI 3 document (no OpenAPI plugin exists for Javalin 7) and a
 * Swagger UI page at {@code /docs}, as FastAPI users expect, whose script and style come from the Swagger
 * UI webjar.
 */
final class ApiDocs {

    static final String OPENAPI = new String(ClasspathFiles.read("/serve/openapi.json"), StandardCharsets.UTF_8);
    static final String SWAGGER_UI_PAGE = new String(ClasspathFiles.read("/serve/docs.html"), StandardCharsets.UTF_8);
    /** Our script that starts Swagger UI on the page: a file, so that the page's policy can forbid inline scripts. */
    static final String INITIALIZER = "docs-init.js";

    /** Where the webjar keeps its files; its version is part of the path, so read it rather than repeat the pom. */
    private static final String SWAGGER_UI_DIRECTORY = "/META-INF/resources/webjars/swagger-ui/" + swaggerUiVersion() + "/";

    private ApiDocs() {
    }

    /** The jar resource of one Swagger UI file, e.g. {@code swagger-ui.css}, or of our {@link #INITIALIZER}. */
    static String swaggerUiFile(String name) {
        return name.equals(INITIALIZER) ? "/serve/" + INITIALIZER : SWAGGER_UI_DIRECTORY + name;
    }

    /** The content type of one of the Swagger UI files served. */
    static String contentType(String file) {
        return file.endsWith(".css") ? "text/css" : file.endsWith(".js") ? "text/javascript" : "image/png";
    }

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
}
