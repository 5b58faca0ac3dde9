package dev.imageclassifier.vision;

import dev.imageclassifier.InvalidImageException;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.SplittableRandom;

/**
 * Phone-photo-sized JPEGs made from small images, so anyone can repeat the large-photo figures: the
 * source is upscaled with Pillow's antialiased bilinear filter, mild Gaussian noise gives it the fine
 * detail (and so the JPEG entropy) a camera sensor adds, and it is written as a baseline JPEG at quality
 * 92, 4:2:0, as phones do.
 */
public final class LargePhoto {

    /** Standard deviation of the added noise, in 8-bit levels: visible only at 100 %, like sensor noise. */
    public static final double NOISE_SIGMA = 1.0;

    public static final float QUALITY = 0.92f;

    private static final int NOISE_TABLE = 1 << 16;

    private LargePhoto() {
    }

    /** {@code source} (any image file's bytes) upscaled to exactly {@code width} × {@code height}. */
    public static byte[] jpeg(byte[] source, int width, int height, long seed) throws InvalidImageException, IOException {
        RgbImage small = new ImageDecoder(Long.MAX_VALUE).decode(source);
        RgbImage large = Resampler.resize(small, 0, 0, small.width(), small.height(), width, height);
        return encode(withNoise(large, seed));
    }

    /** {@code source} upscaled by one factor on both sides to about {@code megapixels}, its aspect kept. */
    public static byte[] jpeg(byte[] source, double megapixels, long seed) throws InvalidImageException, IOException {
        var info = new ImageDecoder(Long.MAX_VALUE).probe(source);
        double scale = Math.sqrt(megapixels * 1e6 / ((double) info.width() * info.height()));
        return jpeg(source, (int) Math.round(info.width() * scale), (int) Math.round(info.height() * scale), seed);
    }

    private static BufferedImage withNoise(RgbImage image, long seed) {
        int w = image.width();
        int area = image.area();
        BufferedImage out = new BufferedImage(w, image.height(), BufferedImage.TYPE_3BYTE_BGR);
        byte[] bgr = ((DataBufferByte) out.getRaster().getDataBuffer()).getData();
        float[] px = image.pixels();
        SplittableRandom random = new SplittableRandom(seed);
        float[] gaussian = new float[NOISE_TABLE]; // 36 million Gaussian draws would cost more than the rest together
        for (int i = 0; i < gaussian.length; i++) {
            gaussian[i] = (float) (random.nextGaussian() * NOISE_SIGMA);
        }
        for (int i = 0; i < area; i++) {
            for (int c = 0; c < 3; c++) {
                float v = px[c * area + i] + gaussian[random.nextInt(NOISE_TABLE)];
                bgr[3 * i + 2 - c] = (byte) Math.max(0, Math.min(255, Math.round(v)));
            }
        }
        return out;
    }

    private static byte[] encode(BufferedImage image) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(QUALITY);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
                writer.setOutput(stream);
                writer.write(null, new IIOImage(image, null, null), param);
            }
            return out.toByteArray();
        } finally {
            writer.dispose();
        }
    }
}
