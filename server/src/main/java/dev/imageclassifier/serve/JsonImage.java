package dev.imageclassifier.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imageclassifier.io.Json;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;

import java.io.IOException;
import java.util.Base64;
import java.util.Locale;

/**
 * An image sent as JSON, {@code {"image": "<base64>"}}, for clients that cannot build a multipart body. Standard or
 * URL-safe base64, with or without padding; a {@code data:image/...;base64,} prefix (what a browser's FileReader
 * gives) is accepted too. Every mistake is a 400 in our own words.
 */
final class JsonImage {

    static final String FIELD = "image";

    private JsonImage() {
    }

    /** Whether the request declares a JSON body ({@code application/json}, or any {@code +json} type). */
    static boolean isJson(Context ctx) {
        String type = ctx.contentType();
        if (type == null) {
            return false;
        }
        String mime = type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return mime.equals("application/json") || (mime.startsWith("application/") && mime.endsWith("+json"));
    }

    /** The image of a JSON body. */
    static Uploads.Upload read(Context ctx) {
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(ctx.bodyAsBytes());
        } catch (IOException e) {
            throw new BadRequestResponse("The body is not valid JSON: expected {\"image\": \"<base64 of the image file>\"}");
        }
        if (body == null || !body.isObject()) {
            throw new BadRequestResponse("The JSON body must be an object: {\"image\": \"<base64 of the image file>\"}");
        }
        JsonNode image = body.get(FIELD);
        if (image == null || image.isNull()) {
            throw new BadRequestResponse(Uploads.NO_FILE + ": the JSON body has no field 'image' (expected {\"image\": \"<base64 of the image file>\"})");
        }
        if (!image.isTextual()) {
            throw new BadRequestResponse("The field 'image' must be a string: the image file in base64");
        }
        return new Uploads.Upload("image", decode(image.asText(), "the field 'image'"));
    }

    /** Base64 (standard or URL-safe, padded or not, MIME line breaks allowed) to bytes; {@code what} names it in the 400. */
    static byte[] decode(String text, String what) {
        String value = text.strip();
        if (value.startsWith("data:")) {
            int comma = value.indexOf(',');
            if (comma < 0 || !value.substring(0, comma).toLowerCase(Locale.ROOT).endsWith(";base64")) {
                throw new BadRequestResponse("The data URL in " + what + " is not base64 (expected data:<type>;base64,...)");
            }
            value = value.substring(comma + 1);
        }
        if (value.isEmpty()) {
            throw new BadRequestResponse(Uploads.NO_FILE + ": " + what + " is empty");
        }
        try {
            if (value.indexOf('-') >= 0 || value.indexOf('_') >= 0) {
                return Base64.getUrlDecoder().decode(value);
            }
            return Base64.getMimeDecoder().decode(strictCharacters(value));
        } catch (IllegalArgumentException e) {
            throw new BadRequestResponse(what.substring(0, 1).toUpperCase(Locale.ROOT) + what.substring(1)
                    + " is not valid base64");
        }
    }

    /** The MIME decoder skips foreign characters silently; only line breaks may be skipped here. */
    private static String strictCharacters(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/'
                    || c == '=' || c == '\r' || c == '\n';
            if (!ok) {
                throw new IllegalArgumentException("not base64");
            }
        }
        return value;
    }
}
