package dev.imageclassifier;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.zip.CRC32;

/**
 * Test images for every package: scenes and real Caltech photos, every format the decoder and the API accept
 * (made in memory with ImageIO), and hand-crafted oddities (EXIF orientation, bomb headers, CMYK, 16 bits).
 */
public final class TestImages {

    /** 1×1 WebP files (lossy VP8 and lossless VP8L), the well-known browser feature-detection probes. */
    public static final byte[] WEBP_LOSSY = Base64.getDecoder().decode("UklGRiIAAABXRUJQVlA4IBYAAAAwAQCdASoBAAEADsD+JaQAA3AAAAAA");
    public static final byte[] WEBP_LOSSLESS = Base64.getDecoder().decode("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==");

    private TestImages() {
    }

    /** Smooth shapes on a gradient: JPEG keeps them nearly intact, so re-encodings classify alike. */
    public static BufferedImage scene(int width, int height, int type) {
        BufferedImage image = new BufferedImage(width, height, type);
        Graphics2D g = image.createGraphics();
        g.setPaint(new GradientPaint(0, 0, new Color(30, 80, 200), width, height, new Color(240, 200, 40)));
        g.fillRect(0, 0, width, height);
        g.setColor(new Color(200, 30, 30, 220));
        g.fillOval(width / 8, height / 6, width / 3, height / 2);
        g.setColor(new Color(20, 160, 60, 180));
        g.fillRect(width / 2, height / 3, width / 3, height / 2);
        g.dispose();
        return image;
    }

    public static BufferedImage scene(int width, int height) {
        return scene(width, height, BufferedImage.TYPE_3BYTE_BGR);
    }

    /** Left half red, right half blue: orientation and mirroring are visible. */
    public static BufferedImage halves(int width, int height, int type) {
        BufferedImage image = new BufferedImage(width, height, type);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.RED);
        g.fillRect(0, 0, width / 2, height);
        g.setColor(Color.BLUE);
        g.fillRect(width / 2, 0, width - width / 2, height);
        g.dispose();
        return image;
    }

    public static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format + " / image type " + image.getType());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static byte[] jpeg(BufferedImage image) {
        return jpeg(new IIOImage(image, null, null), false, 0.95f);
    }

    public static byte[] progressiveJpeg(BufferedImage image) {
        return jpeg(new IIOImage(image, null, null), true, 0.95f);
    }

    public static byte[] grayscaleJpeg() {
        return jpeg(scene(200, 150, BufferedImage.TYPE_BYTE_GRAY));
    }

    /** Four-channel JPEG written from a raster: decoders read it as CMYK (no Adobe marker, no JFIF). */
    public static byte[] cmykJpeg() {
        int width = 160;
        int height = 120;
        WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, width, height, 4, null);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                raster.setPixel(x, y, new int[] {x * 255 / width, y * 255 / height, 60, 20});
            }
        }
        return jpeg(new IIOImage(raster, null, null), false, 0.95f);
    }

    private static byte[] jpeg(IIOImage image, boolean progressive, float quality) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            if (progressive) {
                param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            }
            writer.write(null, image, param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    public static byte[] pngWithAlpha() {
        return encode(scene(180, 120, BufferedImage.TYPE_INT_ARGB), "png");
    }

    /** 16 bits per channel RGB, a gradient. */
    public static byte[] png16Bit() {
        ComponentColorModel model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
                Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster raster = model.createCompatibleWritableRaster(150, 100);
        for (int y = 0; y < 100; y++) {
            for (int x = 0; x < 150; x++) {
                raster.setPixel(x, y, new int[] {x * 65535 / 150, y * 65535 / 100, 30000});
            }
        }
        return encode(new BufferedImage(model, raster, false, null), "png");
    }

    /** A 16-bit-per-channel RGB PNG of one colour. */
    public static byte[] png16(int width, int height, int red16, int green16, int blue16) {
        ImageTypeSpecifier type = ImageTypeSpecifier.createInterleaved(ColorSpace.getInstance(ColorSpace.CS_sRGB),
                new int[] {0, 1, 2}, DataBuffer.TYPE_USHORT, false, false);
        BufferedImage image = type.createBufferedImage(width, height);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.getRaster().setPixel(x, y, new int[] {red16, green16, blue16});
            }
        }
        return encode(image, "png");
    }

    public static byte[] gif() {
        return encode(scene(160, 120, BufferedImage.TYPE_BYTE_INDEXED), "gif");
    }

    public static byte[] bmp() {
        return encode(scene(160, 120), "bmp");
    }

    public static byte[] tiff() {
        return encode(scene(160, 120), "tiff");
    }

    /** The same JPEG with an EXIF APP1 segment saying how to turn it upright (6 = rotate 90° clockwise). */
    public static byte[] withExifOrientation(byte[] jpeg, int orientation) {
        ByteBuffer tiff = ByteBuffer.allocate(26); // big-endian TIFF header + one IFD holding one entry
        tiff.put(new byte[] {'M', 'M', 0, 42}).putInt(8).putShort((short) 1)
                .putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0)
                .putInt(0);
        byte[] exif = ByteBuffer.allocate(6 + tiff.capacity()).put(new byte[] {'E', 'x', 'i', 'f', 0, 0}).put(tiff.array()).array();
        ByteBuffer out = ByteBuffer.allocate(jpeg.length + 4 + exif.length);
        out.put(jpeg, 0, 2); // SOI
        out.put((byte) 0xFF).put((byte) 0xE1).putShort((short) (exif.length + 2)).put(exif);
        out.put(jpeg, 2, jpeg.length - 2);
        return out.array();
    }

    /** A valid PNG header declaring width×height pixels, and no pixel data: a decompression bomb's calling card. */
    public static byte[] pngBomb(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height).put(new byte[] {8, 2, 0, 0, 0});
        ByteBuffer png = ByteBuffer.allocate(8 + 25 + 12);
        png.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        chunk(png, "IHDR", ihdr.array());
        chunk(png, "IEND", new byte[0]);
        return png.array();
    }

    private static void chunk(ByteBuffer png, String type, byte[] data) {
        byte[] name = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(name);
        crc.update(data);
        png.putInt(data.length).put(name).put(data).putInt((int) crc.getValue());
    }

    /** A real photo, cut to width×height (multiples of 16 keep JPEG blocks aligned however it is turned). */
    public static BufferedImage photo(String label, int width, int height) {
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = out.createGraphics();
        g.drawImage(decode(caltech(label)), 0, 0, width, height, null);
        g.dispose();
        return out;
    }

    public static BufferedImage decode(byte[] encoded) {
        try {
            return ImageIO.read(new java.io.ByteArrayInputStream(encoded));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static BufferedImage rotateCounterClockwise(BufferedImage image) {
        BufferedImage out = new BufferedImage(image.getHeight(), image.getWidth(), BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                out.setRGB(y, image.getWidth() - 1 - x, image.getRGB(x, y));
            }
        }
        return out;
    }

    public static BufferedImage rotateClockwise(BufferedImage image) {
        BufferedImage out = new BufferedImage(image.getHeight(), image.getWidth(), BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                out.setRGB(image.getHeight() - 1 - y, x, image.getRGB(x, y));
            }
        }
        return out;
    }

    /** The first photo of a class in the shared Caltech-101 copy. */
    public static Path caltechFile(String label) {
        try (var files = Files.list(TestModels.CALTECH.resolve(label))) {
            return files.filter(p -> p.toString().endsWith(".jpg")).sorted().findFirst().orElseThrow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] caltech(String label) {
        try {
            return Files.readAllBytes(caltechFile(label));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
