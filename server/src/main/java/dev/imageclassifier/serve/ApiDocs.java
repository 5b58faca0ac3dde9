package dev.imageclassifier.serve;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imageclassifier.io.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;

/**
 * The API's description: a hand-written OpenAPI 3 document (no OpenAPI plugin exists for Javalin 7) and a
 * Swagger UI page at {@code /docs}, as FastAPI users expect, whose script and style come from the Swagger
 * UI webjar.
 */
final class ApiDocs {

    /** The routes every model answers under {@code /models/{name}} and {@code /models/{name}/versions/{version}} too. */
    static final List<String> MODEL_ROUTES = List.of("/predict", "/predict/batch", "/predict/heatmap.png", "/model", "/report");
    static final String OPENAPI = withModelRoutes(new String(ClasspathFiles.read("/serve/openapi.json"), StandardCharsets.UTF_8));
    static final String SWAGGER_UI_PAGE = new String(ClasspathFiles.read("/serve/docs.html"), StandardCharsets.UTF_8);
    /** Our script that starts Swagger UI on the page: a file, so that the page's policy can forbid inline scripts. */
    static final String INITIALIZER = "docs-init.js";

    /** Where the webjar keeps its files; its version is part of the path, so read it rather than repeat the pom. */
    private static final String SWAGGER_UI_DIRECTORY = "/META-INF/resources/webjars/swagger-ui/" + swaggerUiVersion() + "/";

    private ApiDocs() {
    }

    /**
     * The document with each of {@link #MODEL_ROUTES} repeated under the two per-model prefixes (its path parameters
     * added, its operation ids suffixed): written once in the file, so the copies cannot drift from the original.
     */
    static String withModelRoutes(String document) {
        try {
            ObjectNode doc = (ObjectNode) Json.MAPPER.readTree(document);
            ObjectNode paths = (ObjectNode) doc.get("paths");
            ObjectNode expanded = Json.MAPPER.createObjectNode();
            paths.fields().forEachRemaining(path -> {
                expanded.set(path.getKey(), path.getValue());
                if (path.getKey().equals("/models/{name}")) {
                    for (String prefix : List.of("/models/{name}", "/models/{name}/versions/{version}")) {
                        for (String route : MODEL_ROUTES) {
                            expanded.set(prefix + route, perModel((ObjectNode) paths.get(route), prefix.contains("{version}")));
                        }
                    }
                }
            });
            doc.set("paths", expanded);
            return Json.MAPPER.writeValueAsString(doc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode perModel(ObjectNode path, boolean versioned) {
        ObjectNode copy = path.deepCopy();
        copy.fields().forEachRemaining(operation -> {
            ObjectNode op = (ObjectNode) operation.getValue();
            op.put("operationId", op.get("operationId").asText() + (versioned ? "ModelVersion" : "Model"));
            op.put("summary", op.get("summary").asText() + (versioned ? " (a model's version)" : " (a named model)"));
            ArrayNode parameters = Json.MAPPER.createArrayNode();
            parameters.addObject().put("$ref", "#/components/parameters/ModelName");
            if (versioned) {
                parameters.addObject().put("$ref", "#/components/parameters/ModelVersion");
            }
            if (op.has("parameters")) {
                parameters.addAll((ArrayNode) op.get("parameters"));
            }
            op.set("parameters", parameters);
        });
        return copy;
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
