package dev.imageclassifier.model;

import dev.imageclassifier.vision.ImageFormat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Names what a file that should have been an ONNX model actually is, for error messages a person can act on. */
final class FileKind {

    private static final int HEAD = 512;
    private static final int QUOTED = 40;

    private FileKind() {
    }

    /** E.g. "it is a text file that begins "# notes"", "it is a JPEG image", "it is empty". */
    static String describe(Path file) {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(HEAD);
        } catch (IOException e) {
            return "it cannot be read (" + e.getMessage() + ")";
        }
        if (head.length == 0) {
            return "it is empty";
        }
        if (ImageFormat.sniff(head).isPresent()) {
            return "it is a " + ImageFormat.sniff(head).get().name() + " image";
        }
        if (head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
            return "it is a zip archive (unpack it and use the .onnx file inside)";
        }
        if (head.length >= 2 && (head[0] & 0xFF) == 0x1F && (head[1] & 0xFF) == 0x8B) {
            return "it is a gzip-compressed file (unpack it and use the .onnx file inside)";
        }
        String text = asText(head);
        if (text != null) {
            String first = text.strip().lines().findFirst().orElse("").strip();
            return text.isBlank() ? "it is a blank text file"
                    : "it is a text file that begins \"" + (first.length() > QUOTED ? first.substring(0, QUOTED) + "…" : first) + "\"";
        }
        return "its bytes are not an ONNX (protobuf) model";
    }

    /** The bytes as text, or null when they hold control characters or invalid UTF-8 (a cut last character is fine). */
    private static String asText(byte[] head) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(head, 0, textEnd(head))).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
        boolean printable = text.chars().allMatch(c -> c >= 0x20 || c == '\t' || c == '\n' || c == '\r');
        return printable ? text : null;
    }

    /** Where to stop so a UTF-8 character cut at the end of the head does not count against the text. */
    private static int textEnd(byte[] head) {
        int end = head.length;
        if (end == HEAD) {
            int back = 0;
            while (back < 3 && end - back - 1 >= 0 && (head[end - back - 1] & 0xC0) == 0x80) {
                back++;
            }
            if (end - back - 1 >= 0 && (head[end - back - 1] & 0xC0) == 0xC0) {
                end = end - back - 1;
            }
        }
        return end;
    }
}
