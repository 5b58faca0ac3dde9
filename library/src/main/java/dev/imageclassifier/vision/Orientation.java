package dev.imageclassifier.vision;

import com.twelvemonkeys.imageio.metadata.Directory;
import com.twelvemonkeys.imageio.metadata.Entry;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEG;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegment;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegmentUtil;
import com.twelvemonkeys.imageio.metadata.tiff.TIFF;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFReader;
import com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream;

import javax.imageio.ImageIO;
import javax.imageio.stream.ImageInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/** Applies an EXIF orientation (1–8) so the image stands the way the camera holder saw it. */
final class Orientation {

    private Orientation() {
    }

    /** Whether the orientation turns the image a quarter (width and height swap). */
    static boolean swapsSides(int orientation) {
        return orientation >= 5 && orientation <= 8;
    }

    static RgbImage apply(RgbImage image, int orientation) {
        if (orientation <= 1 || orientation > 8) {
            return image;
        }
        int w = image.width();
        int h = image.height();
        int outW = swapsSides(orientation) ? h : w;
        int outH = swapsSides(orientation) ? w : h;
        RgbImage out = RgbImage.blank(outW, outH);
        float[] src = image.pixels();
        float[] dst = out.pixels();
        int area = w * h;
        int[] at = new int[2];
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                source(orientation, x, y, w, h, at);
                int from = at[1] * w + at[0];
                int to = y * outW + x;
                dst[to] = src[from];
                dst[area + to] = src[area + from];
                dst[2 * area + to] = src[2 * area + from];
            }
        }
        return out;
    }

    /** The pixel {@code {x, y}} of a stored {@code w}×{@code h} image that lands at ({@code x}, {@code y}) once turned. */
    static void source(int orientation, int x, int y, int w, int h, int[] out) {
        switch (orientation) {
            case 2 -> { out[0] = w - 1 - x; out[1] = y; }
            case 3 -> { out[0] = w - 1 - x; out[1] = h - 1 - y; }
            case 4 -> { out[0] = x; out[1] = h - 1 - y; }
            case 5 -> { out[0] = y; out[1] = x; }
            case 6 -> { out[0] = y; out[1] = h - 1 - x; }
            case 7 -> { out[0] = w - 1 - y; out[1] = h - 1 - x; }
            case 8 -> { out[0] = w - 1 - y; out[1] = x; }
            default -> { out[0] = x; out[1] = y; }
        }
    }

    /** The EXIF orientation tag (1–8) of a JPEG, or 1 when absent or unreadable. */
    static int ofJpeg(byte[] jpeg) {
        try (ImageInputStream input = new ByteArrayImageInputStream(jpeg)) {
            List<JPEGSegment> segments = JPEGSegmentUtil.readSegments(input, JPEG.APP1, "Exif");
            if (segments.isEmpty()) {
                return 1;
            }
            InputStream data = segments.get(0).data();
            if (data.read() < 0) { // the pad byte after "Exif\0"
                return 1;
            }
            try (ImageInputStream exif = ImageIO.createImageInputStream(data)) {
                Directory directory = new TIFFReader().read(exif);
                Entry entry = directory.getEntryById(TIFF.TAG_ORIENTATION);
                if (entry != null && entry.getValue() instanceof Number number) {
                    int value = number.intValue();
                    return value >= 1 && value <= 8 ? value : 1;
                }
            }
        } catch (IOException | RuntimeException e) {
            // Broken EXIF is common in the wild; the pixels are still good.
        }
        return 1;
    }
}
