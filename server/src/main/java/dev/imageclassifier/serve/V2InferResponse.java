package dev.imageclassifier.serve;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imageclassifier.Prediction;
import dev.imageclassifier.ScoredLabel;
import dev.imageclassifier.io.Json;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * The answer to a {@link V2InferRequest}: {@code probabilities}, FP32 [images, classes] in the model's label order, or,
 * with the classification extension, BYTES [images, k] of {@code "score:index:label"} strings, best first, as Triton
 * writes them. An output asked for as binary goes after the JSON (Triton's binary tensor data extension: the JSON's
 * length in {@code Inference-Header-Content-Length}, the output's bytes counted in its {@code binary_data_size}).
 */
final class V2InferResponse {

    /** The JSON, or the JSON followed by binary outputs. */
    record Body(byte[] bytes, int jsonLength, boolean binary) {
    }

    private V2InferResponse() {
    }

    static Body of(V2InferRequest request, List<Prediction> predictions, List<String> labels, String model, String version) {
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("model_name", model);
        if (version != null) {
            json.put("model_version", version);
        }
        if (request.id() != null) {
            json.put("id", request.id());
        }
        ArrayNode outputs = json.putArray("outputs");
        ByteArrayOutputStream binary = new ByteArrayOutputStream();
        List<V2InferRequest.Output> asked = request.outputs().isEmpty()
                ? List.of(new V2InferRequest.Output(V2Routes.PROBABILITIES, 0, null)) : request.outputs();
        for (V2InferRequest.Output output : asked) {
            boolean asBinary = output.binary() != null ? output.binary() : request.binaryOutputs();
            ObjectNode node = outputs.addObject();
            node.put("name", output.name());
            int rows = predictions.size();
            if (output.classification() > 0) {
                int k = Math.min(output.classification(), labels.size());
                node.put("datatype", "BYTES");
                node.putArray("shape").add(rows).add(k);
                ArrayNode data = asBinary ? null : node.putArray("data");
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                for (Prediction prediction : predictions) {
                    for (ScoredLabel scored : prediction.top(k)) {
                        String text = String.format(Locale.ROOT, "%f:%d:%s", scored.confidence(), labels.indexOf(scored.label()), scored.label());
                        if (data != null) {
                            data.add(text);
                        } else {
                            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
                            bytes.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(utf8.length).array());
                            bytes.writeBytes(utf8);
                        }
                    }
                }
                appendBinary(node, asBinary, bytes.toByteArray(), binary);
            } else {
                node.put("datatype", "FP32");
                node.putArray("shape").add(rows).add(labels.size());
                ArrayNode data = asBinary ? null : node.putArray("data");
                ByteBuffer floats = ByteBuffer.allocate(asBinary ? rows * labels.size() * 4 : 0).order(ByteOrder.LITTLE_ENDIAN);
                for (Prediction prediction : predictions) {
                    for (float p : prediction.probabilities()) {
                        if (data != null) {
                            data.add(p);
                        } else {
                            floats.putFloat(p);
                        }
                    }
                }
                appendBinary(node, asBinary, floats.array(), binary);
            }
        }
        byte[] header = Json.compact(json).getBytes(StandardCharsets.UTF_8);
        if (binary.size() == 0) {
            return new Body(header, header.length, false);
        }
        ByteArrayOutputStream all = new ByteArrayOutputStream(header.length + binary.size());
        all.writeBytes(header);
        all.writeBytes(binary.toByteArray());
        return new Body(all.toByteArray(), header.length, true);
    }

    private static void appendBinary(ObjectNode node, boolean asBinary, byte[] bytes, ByteArrayOutputStream binary) {
        if (asBinary) {
            node.putObject("parameters").put("binary_data_size", bytes.length);
            binary.writeBytes(bytes);
        }
    }
}
