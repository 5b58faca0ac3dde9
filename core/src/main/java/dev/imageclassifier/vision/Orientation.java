package dev.imageclassifier.vision;

/** Applies an EXIF orientation (1–8) so the image stands the way the camera holder saw it. */
final class Orientation {

    private Orientation() {
    }

    static RgbImage apply(RgbImage image, int orientation) {
        if (orientation <= 1 || orientation > 8) {
            return image;
        }
        int w = image.width();
        int h = image.height();
        boolean swap = orientation >= 5;
        int outW = swap ? h : w;
        int outH = swap ? w : h;
        RgbImage out = RgbImage.blank(outW, outH);
        float[] src = image.pixels();
        float[] dst = out.pixels();
        int area = w * h;
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                int sx;
                int sy;
                switch (orientation) {
                    case 2 -> { sx = w - 1 - x; sy = y; }
                    case 3 -> { sx = w - 1 - x; sy = h - 1 - y; }
                    case 4 -> { sx = x; sy = h - 1 - y; }
                    case 5 -> { sx = y; sy = x; }
                    case 6 -> { sx = y; sy = h - 1 - x; }
                    case 7 -> { sx = w - 1 - y; sy = h - 1 - x; }
                    default -> { sx = w - 1 - y; sy = x; } // 8
                }
                int from = sy * w + sx;
                int to = y * outW + x;
                dst[to] = src[from];
                dst[area + to] = src[area + from];
                dst[2 * area + to] = src[2 * area + from];
            }
        }
        return out;
    }
}
