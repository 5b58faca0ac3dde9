package dev.imageclassifier.serve;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The schemas of KServe's own {@code rest_predict_v2.yaml} (a copy in test resources, its source in the README beside
 * it), to validate requests and answers with: {@code errors("inference_response", json)} lists what does not conform.
 * OpenAPI 3.0 schemas are JSON Schema draft 4 with extras; each component is checked as {@code {"$ref":
 * "#/components/schemas/NAME"}} inside the whole document, so its own references resolve.
 */
final class KServeSpec {

    private static final JsonNode DOCUMENT = load();
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4);
    private static final Map<String, Schema> SCHEMAS = new ConcurrentHashMap<>();

    private KServeSpec() {
    }

    /** What in {@code json} does not conform to the component schema {@code name}; empty when it does. */
    static List<String> errors(String name, String json) {
        Schema schema = SCHEMAS.computeIfAbsent(name, KServeSpec::schema);
        return schema.validate(json, InputFormat.JSON).stream().map(Error::toString).toList();
    }

    /** The document's paths, e.g. to check that every route it names is served. */
    static JsonNode paths() {
        return DOCUMENT.get("paths");
    }

    private static Schema schema(String name) {
        if (DOCUMENT.path("components").path("schemas").get(name) == null) {
            throw new IllegalArgumentException("rest_predict_v2.yaml has no schema " + name);
        }
        ObjectNode root = ((ObjectNode) DOCUMENT).deepCopy();
        root.put("$ref", "#/components/schemas/" + name);
        return REGISTRY.getSchema(root);
    }

    private static JsonNode load() {
        try (InputStream in = KServeSpec.class.getResourceAsStream("/kserve/rest_predict_v2.yaml")) {
            return new YAMLMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
