package dev.imageclassifier.vision;

/** Reads a JPEG's segment headers (never its pixels) to learn how it was encoded. */
final class JpegMarkers {

    private JpegMarkers() {
    }

    /** Whether the frame is progressive (SOF2, SOF6, SOF10, SOF14); false when no frame header is found. */
    static boolean isProgressive(byte[] jpeg) {
        int at = 2; // after SOI
        while (at + 3 < jpeg.length) {
            if ((jpeg[at] & 0xFF) != 0xFF) {
                return false; // not at a marker: not a JPEG we can walk
            }
            int marker = jpeg[at + 1] & 0xFF;
            if (marker == 0xFF) { // fill byte
                at++;
                continue;
            }
            if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
                return marker == 0xC2 || marker == 0xC6 || marker == 0xCA || marker == 0xCE;
            }
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) {
                at += 2; // markers without a length
                continue;
            }
            at += 2 + (((jpeg[at + 2] & 0xFF) << 8) | (jpeg[at + 3] & 0xFF));
        }
        return false;
    }
}
