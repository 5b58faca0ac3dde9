package dev.imageclassifier.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imageclassifier.io.Json;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An Open Inference Protocol (KServe v2) infer request for an image classifier: one {@code BYTES} input whose elements
 * are encoded image files (JPEG, PNG, …), and which outputs to send back.
 *
 * <p>Two encodings of the input, as Triton takes them:
 * <ul>
 *   <li>JSON: each element of {@code data} is a string holding the file in base64 (JSON cannot carry raw bytes; KServe
 *       and MLServer mark this with {@code "parameters": {"content_type": "base64"}}, which is accepted and implied);</li>
 *   <li>Triton's binary tensor data extension: the header {@code Inference-Header-Content-Length: L} says the body
 *       starts with L bytes of JSON; an input with {@code "parameters": {"binary_data_size": S}} and no {@code data}
 *       takes the next S bytes after it, each element a 4-byte little-endian length followed by the file's bytes. The
 *       image then travels as it is, without base64's third more.</li>
 * </ul>
 *
 * @param id             the request's id, echoed in the answer (may be null)
 * @param images         the encoded image files, in order
 * @param outputs        the outputs asked for (empty: all, as JSON)
 * @param binaryOutputs  whether outputs without their own {@code binary_data} parameter are sent as binary
 */
record V2InferRequest(String id, List<byte[]> images, List<Output> outputs, boolean binaryOutputs) {

    /** The header of Triton's binary tensor data extension. */
    static final String HEADER_LENGTH = "Inference-Header-Content-Length";

    /**
     * One output asked for.
     *
     * @param name           its name
     * @param classification top-k labels instead of the tensor (0: the tensor itself)
     * @param binary         true or false when the output says, null when it does not
     */
    record Output(String name, int classification, Boolean binary) {
    }

    static V2InferRequest read(Context ctx, int maxImages) {
        byte[] body = ctx.bodyAsBytes();
        String headerLength = ctx.header(HEADER_LENGTH);
        int jsonLength = body.length;
        if (headerLength != null) {
            try {
                jsonLength = Integer.parseInt(headerLength.strip());
            } catch (NumberFormatException e) {
                jsonLength = -1;
            }
            if (jsonLength < 0 || jsonLength > body.length) {
                throw new BadRequestResponse(HEADER_LENGTH + " must be a whole number of bytes, at most the body's "
                        + body.length + ", got '" + headerLength + "'");
            }
        }
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(body, 0, jsonLength);
        } catch (IOException e) {
            throw new BadRequestResponse("The inference request is not valid JSON" + (headerLength == null ? ""
                    : " (its first " + HEADER_LENGTH + " = " + jsonLength + " bytes should be)"));
        }
        if (json == null || !json.isObject()) {
            throw new BadRequestResponse("The inference request must be a JSON object with 'inputs'");
        }
        JsonNode inputs = json.get("inputs");
        if (inputs == null || !inputs.isArray() || inputs.size() != 1) {
            throw new BadRequestResponse("The inference request needs exactly one input: the image files as a BYTES tensor");
        }
        ByteBuffer binary = ByteBuffer.wrap(body, jsonLength, body.length - jsonLength).slice().order(ByteOrder.LITTLE_ENDIAN);
        List<byte[]> images = images(inputs.get(0), binary, maxImages);
        if (binary.hasRemaining()) {
            throw new BadRequestResponse("The body has " + binary.remaining() + " bytes after the inputs' binary data");
        }
        JsonNode id = json.get("id");
        return new V2InferRequest(id != null && id.isTextual() ? id.asText() : null, images, outputs(json.get("outputs")),
                json.path("parameters").path("binary_data_output").asBoolean(false));
    }

    private static List<byte[]> images(JsonNode input, ByteBuffer binary, int maxImages) {
        String name = input.path("name").asText("");
        if (!"BYTES".equals(input.path("datatype").asText())) {
            throw new BadRequestResponse("The input '" + name + "' must have datatype BYTES (the encoded image files), got '"
                    + input.path("datatype").asText("none") + "'");
        }
        long elements = elements(input.get("shape"), name);
        if (elements < 1 || elements > maxImages) {
            throw new BadRequestResponse("The input '" + name + "' must hold 1 to " + maxImages + " images, its shape says " + elements);
        }
        JsonNode size = input.path("parameters").get("binary_data_size");
        List<byte[]> images = new ArrayList<>();
        if (size != null) {
            if (input.has("data")) {
                throw new BadRequestResponse("The input '" + name + "' has both 'data' and 'binary_data_size'");
            }
            if (!size.canConvertToLong() || size.asLong() < 0 || size.asLong() > binary.remaining()) {
                throw new BadRequestResponse("The input '" + name + "' says binary_data_size " + size.asText() + ", but "
                        + binary.remaining() + " bytes follow the JSON");
            }
            ByteBuffer data = binary.slice(binary.position(), (int) size.asLong()).order(ByteOrder.LITTLE_ENDIAN);
            binary.position(binary.position() + (int) size.asLong());
            while (data.hasRemaining()) {
                if (data.remaining() < 4 || data.getInt(data.position()) < 0 || data.getInt(data.position()) > data.remaining() - 4) {
                    throw new BadRequestResponse("The binary data of input '" + name + "' is not BYTES elements "
                            + "(each a 4-byte little-endian length, then that many bytes)");
                }
                byte[] image = new byte[data.getInt()];
                data.get(image);
                images.add(image);
            }
        } else {
            JsonNode data = input.get("data");
            if (data == null || !data.isArray()) {
                throw new BadRequestResponse("The input '" + name + "' has no 'data' (nor binary_data_size for binary data)");
            }
            String contentType = input.path("parameters").path("content_type").asText("base64");
            if (!contentType.toLowerCase(Locale.ROOT).equals("base64")) {
                throw new BadRequestResponse("The input '" + name + "' has content_type '" + contentType
                        + "': images in JSON must be base64 strings");
            }
            flatten(data, name, images);
        }
        if (images.size() != elements) {
            throw new BadRequestResponse("The input '" + name + "' has " + images.size() + " elements, its shape says " + elements);
        }
        return images;
    }

    private static void flatten(JsonNode data, String name, List<byte[]> images) {
        for (JsonNode element : data) {
            if (element.isArray()) {
                flatten(element, name, images);
            } else if (element.isTextual()) {
                images.add(JsonImage.decode(element.asText(), "element " + (images.size() + 1) + " of input '" + name + "'"));
            } else {
                throw new BadRequestResponse("The elements of input '" + name + "' must be strings: image files in base64");
            }
        }
    }

    private static long elements(JsonNode shape, String name) {
        if (shape == null || !shape.isArray() || shape.isEmpty()) {
            throw new BadRequestResponse("The input '" + name + "' needs a shape, e.g. [1] for one image");
        }
        long elements = 1;
        for (JsonNode dimension : shape) {
            if (!dimension.canConvertToInt() || dimension.asInt() < 0) {
                throw new BadRequestResponse("The shape of input '" + name + "' must be whole numbers ≥ 0");
            }
            elements = Math.min(elements * dimension.asLong(), Integer.MAX_VALUE); // both ≤ 2^31: no overflow
        }
        return elements;
    }

    private static List<Output> outputs(JsonNode outputs) {
        if (outputs == null || outputs.isNull()) {
            return List.of();
        }
        if (!outputs.isArray()) {
            throw new BadRequestResponse("'outputs' must be a list of {\"name\": ...}");
        }
        List<Output> list = new ArrayList<>();
        for (JsonNode output : outputs) {
            String name = output.path("name").asText("");
            if (!V2Routes.PROBABILITIES.equals(name)) {
                throw new BadRequestResponse("Unknown output '" + name + "': this model has one, '" + V2Routes.PROBABILITIES + "'");
            }
            JsonNode parameters = output.path("parameters");
            JsonNode k = parameters.get("classification");
            if (k != null && (!k.canConvertToInt() || k.asInt() < 1 || !k.isIntegralNumber())) {
                throw new BadRequestResponse("The classification parameter must be a whole number ≥ 1 (how many top classes)");
            }
            JsonNode binary = parameters.get("binary_data");
            list.add(new Output(name, k == null ? 0 : k.asInt(), binary == null ? null : binary.asBoolean()));
        }
        return list;
    }
}
