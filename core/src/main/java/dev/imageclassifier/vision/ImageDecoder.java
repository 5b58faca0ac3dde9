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
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.function.Function;

/**
 * Turns encoded bytes into an {@link RgbImage}: format by content, pixel budget checked from the header
 * before any pixel is decoded, EXIF orientation applied, grayscale / palette / 16-bit / alpha / CMYK
 * (via the TwelveMonkeys plug-ins) all brought to 8-bit-range RGB. Nothing touches the disk.
 */
public final class ImageDecoder {

    /** 50 megapixels: a 30000×30000 "decompression bomb" is refused from its header alone. */
    public static final long DEFAULT_MAX_PIXELS = 50_000_000L;

    static {
        // Never spill decoder caches to temporary files: uploads must not touch the disk.
        ImageIO.setUseCache(false);
    }

    private final long maxPixels;
    private final DecodeBudget budget;

    public ImageDecoder() {
        this(DEFAULT_MAX_PIXELS);
    }

    public ImageDecoder(long maxPixels) {
        this(maxPixels, DecodeBudget.PROCESS);
    }

    /** @param budget the memory that images in progress may hold at once, shared with other decoders */
    public ImageDecoder(long maxPixels, DecodeBudget budget) {
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("maxPixels must be positive");
        }
        this.maxPixels = maxPixels;
        this.budget = budget;
    }

    public long maxPixels() {
        return maxPixels;
    }

    /** Format and size from the header only; throws for anything that is not a readable image header. */
    public ImageInfo probe(byte[] bytes) throws InvalidImageException {
        ImageFormat format = formatOf(bytes);
        ImageReader reader = readerFor(format);
        try (ImageInputStream input = new ByteArrayImageInputStream(bytes)) {
            reader.setInput(input, true, true);
            return new ImageInfo(format, reader.getWidth(0), reader.getHeight(0));
        } catch (IOException | RuntimeException e) {
            throw corrupt(format, e);
        } finally {
            reader.dispose();
        }
    }

    /** Decodes the first frame of an image; the caller holds the pixels from then on. */
    public RgbImage decode(byte[] bytes) throws InvalidImageException {
        return decode(bytes, Function.identity());
    }

    /**
     * Decodes the first frame of an image and hands the pixels to {@code use} (e.g. the preprocessing that
     * turns them into a small tensor) while they count against the {@link DecodeBudget}: threads decoding
     * large images side by side wait for each other instead of exhausting the heap.
     */
    public <T> T decode(byte[] bytes, Function<RgbImage, T> use) throws InvalidImageException {
        ImageFormat format = formatOf(bytes);
        ImageReader reader = readerFor(format);
        List<String> warnings = new ArrayList<>();
        DecodeBudget.Reservation memory = null;
        BufferedImage image = null;
        try (ImageInputStream input = new ByteArrayImageInputStream(bytes)) {
            reader.setInput(input, true, true);
            reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
            long width = reader.getWidth(0);
            long height = reader.getHeight(0);
            if (width * height > maxPixels) {
                throw new ImageTooLargeException(String.format(Locale.ROOT,
                        "Image too large: %d×%d is %.1f megapixels, above the limit of %.1f megapixels",
                        width, height, width * height / 1e6, maxPixels / 1e6));
            }
            memory = budget.reserve(width, height);
            image = reader.read(0);
        } catch (IOException | RuntimeException e) {
            if (e instanceof CancellationException cancelled) {
                throw cancelled;
            }
            throw corrupt(format, e);
        } finally {
            reader.dispose();
            if (image == null && memory != null) {
                memory.close(); // nothing decoded: give the memory back now
            }
        }
        try (DecodeBudget.Reservation held = memory) {
            // libjpeg fills a cut-off file with grey and only warns; a truncated upload is a corrupt upload.
            for (String warning : warnings) {
                String lower = warning.toLowerCase(Locale.ROOT);
                if (lower.contains("premature end") || lower.contains("truncat")) {
                    throw new InvalidImageException(InvalidImageException.Reason.CORRUPT,
                            "Corrupt " + format + " image: " + warning);
                }
            }
            RgbImage rgb = toRgb(image);
            return use.apply(format == ImageFormat.JPEG ? Orientation.apply(rgb, exifOrientation(bytes)) : rgb);
        }
    }

    private static ImageFormat formatOf(byte[] bytes) throws InvalidImageException {
        if (bytes.length == 0) {
            throw new InvalidImageException(InvalidImageException.Reason.EMPTY, "Empty file: the upload has no bytes");
        }
        return ImageFormat.sniff(bytes).orElseThrow(() -> new InvalidImageException(
                InvalidImageException.Reason.UNSUPPORTED_TYPE,
                "Invalid file type: the content is not a supported image (" + ImageFormat.SUPPORTED + ")"));
    }

    private static ImageReader readerFor(ImageFormat format) throws InvalidImageException {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.imageIoName());
        if (!readers.hasNext()) {
            throw new InvalidImageException(InvalidImageException.Reason.UNSUPPORTED_TYPE,
                    "Invalid file type: no decoder for " + format + " is installed");
        }
        return readers.next();
    }

    private static InvalidImageException corrupt(ImageFormat format, Exception cause) {
        if (cause instanceof InvalidImageException invalid) {
            return invalid;
        }
        if (!(cause instanceof IOException) || cause.getMessage() == null) {
            // A decoder that crashes (a ClassCastException on a fuzzed TIFF) says nothing a client can act on,
            // and its message names JDK classes: keep it for the log (the cause), say what is wrong.
            return new InvalidImageException(InvalidImageException.Reason.CORRUPT,
                    "Cannot decode " + format + " image: the file is damaged or uses a feature the decoder does not support", cause);
        }
        return new InvalidImageException(InvalidImageException.Reason.CORRUPT,
                "Corrupt or truncated " + format + " image: " + cause.getMessage(), cause);
    }

    /** Converts any decoded raster to RGB samples in [0, 255]; alpha is composited over white. */
    static RgbImage toRgb(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        RgbImage out = RgbImage.blank(width, height);
        float[] px = out.pixels();
        int area = width * height;
        ColorModel model = image.getColorModel();
        Raster raster = image.getRaster();
        int colorType = model.getColorSpace().getType();
        boolean direct = model instanceof ComponentColorModel
                && (colorType == ColorSpace.TYPE_RGB || colorType == ColorSpace.TYPE_GRAY);
        if (direct && raster.getDataBuffer() instanceof DataBufferByte buffer
                && raster.getSampleModel() instanceof ComponentSampleModel layout
                && Arrays.stream(layout.getBankIndices()).allMatch(bank -> bank == 0)
                && raster.getSampleModelTranslateX() == 0 && raster.getSampleModelTranslateY() == 0) {
            copyBytes(buffer.getData(), layout, model.getNumColorComponents(), model.hasAlpha(), width, height, px);
        } else if (direct) {
            // Read samples ourselves: Java's gray → sRGB conversion would also re-gamma grey levels.
            int colors = model.getNumColorComponents();
            boolean alpha = model.hasAlpha();
            int[] samples = new int[width];
            float[] alphaRow = new float[width];
            for (int y = 0; y < height; y++) {
                int row = y * width;
                if (alpha) {
                    raster.getSamples(0, y, width, 1, colors, samples);
                    float scale = 1f / maxSample(model, colors);
                    for (int x = 0; x < width; x++) {
                        alphaRow[x] = samples[x] * scale;
                    }
                }
                for (int c = 0; c < 3; c++) {
                    int band = colors == 1 ? 0 : c;
                    raster.getSamples(0, y, width, 1, band, samples);
                    float scale = 255f / maxSample(model, band);
                    int base = c * area + row;
                    for (int x = 0; x < width; x++) {
                        float v = samples[x] * scale;
                        px[base + x] = alpha ? v * alphaRow[x] + 255f * (1f - alphaRow[x]) : v;
                    }
                }
            }
        } else {
            int[] argb = new int[width];
            for (int y = 0; y < height; y++) {
                image.getRGB(0, y, width, 1, argb, 0, width);
                int row = y * width;
                for (int x = 0; x < width; x++) {
                    int p = argb[x];
                    float a = (p >>> 24) / 255f;
                    px[row + x] = ((p >> 16) & 0xFF) * a + 255f * (1f - a);
                    px[area + row + x] = ((p >> 8) & 0xFF) * a + 255f * (1f - a);
                    px[2 * area + row + x] = (p & 0xFF) * a + 255f * (1f - a);
                }
            }
        }
        return out;
    }

    /** Fast path for 8-bit interleaved or banded rasters (JPEG, most PNGs): index the bytes directly. */
    private static void copyBytes(byte[] data, ComponentSampleModel layout, int colors, boolean alpha,
                                  int width, int height, float[] px) {
        int area = width * height;
        int pixelStride = layout.getPixelStride();
        int scanline = layout.getScanlineStride();
        int[] offsets = layout.getBandOffsets();
        int r = offsets[0];
        int g = offsets[colors == 1 ? 0 : 1];
        int b = offsets[colors == 1 ? 0 : 2];
        int a = alpha ? offsets[colors] : -1;
        for (int y = 0; y < height; y++) {
            int in = y * scanline;
            int out = y * width;
            for (int x = 0; x < width; x++, in += pixelStride, out++) {
                float red = data[in + r] & 0xFF;
                float green = data[in + g] & 0xFF;
                float blue = data[in + b] & 0xFF;
                if (a >= 0) {
                    float opacity = (data[in + a] & 0xFF) / 255f;
                    float white = 255f * (1f - opacity);
                    red = red * opacity + white;
                    green = green * opacity + white;
                    blue = blue * opacity + white;
                }
                px[out] = red;
                px[area + out] = green;
                px[2 * area + out] = blue;
            }
        }
    }

    private static float maxSample(ColorModel model, int band) {
        return (float) ((1L << model.getComponentSize(band)) - 1);
    }

    /** The EXIF orientation tag (1–8) of a JPEG, or 1 when absent or unreadable. */
    static int exifOrientation(byte[] jpeg) {
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
