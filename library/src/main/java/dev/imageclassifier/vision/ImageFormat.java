package dev.imageclassifier.vision;

import java.util.Optional;

/**
 * The image formats we accept, recognised by their leading bytes ("magic numbers"), never by file name
 * or declared content type.
 */
public enum ImageFormat {
    JPEG("jpeg"), PNG("png"), GIF("gif"), BMP("bmp"), WEBP("webp"), TIFF("tiff");

    /** Bytes needed to recognise every format. */
    public static final int SIGNATURE_LENGTH = 12;

    /** Human-readable list for error messages. */
    public static final String SUPPORTED = "JPEG, PNG, GIF, BMP, WebP or TIFF";

    private final String imageIoName;

    ImageFormat(String imageIoName) {
        this.imageIoName = imageIoName;
    }

    /** The format name ImageIO registers readers under. */
    public String imageIoName() {
        return imageIoName;
    }

    /** Recognises the format from the first bytes of a file (at least {@link #SIGNATURE_LENGTH} when available). */
    public static Optional<ImageFormat> sniff(byte[] head, int length) {
        if (startsWith(head, length, 0xFF, 0xD8, 0xFF)) {
            return Optional.of(JPEG);
        }
        if (startsWith(head, length, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return Optional.of(PNG);
        }
        if (startsWith(head, length, 'G', 'I', 'F', '8') && length >= 6 && (head[4] == '7' || head[4] == '9') && head[5] == 'a') {
            return Optional.of(GIF);
        }
        if (startsWith(head, length, 'B', 'M') && length >= 14) {
            return Optional.of(BMP);
        }
        if (startsWith(head, length, 'R', 'I', 'F', 'F') && length >= 12
                && head[8] == 'W' && head[9] == 'E' && head[10] == 'B' && head[11] == 'P') {
            return Optional.of(WEBP);
        }
        if (startsWith(head, length, 'I', 'I', 42, 0) || startsWith(head, length, 'M', 'M', 0, 42)) {
            return Optional.of(TIFF);
        }
        return Optional.empty();
    }

    public static Optional<ImageFormat> sniff(byte[] bytes) {
        return sniff(bytes, bytes.length);
    }

    private static boolean startsWith(byte[] head, int length, int... signature) {
        if (length < signature.length || head.length < signature.length) {
            return false;
        }
        for (int i = 0; i < signature.length; i++) {
            if ((head[i] & 0xFF) != signature[i]) {
                return false;
            }
        }
        return true;
    }
}
