package dev.imageclassifier.vision;

import dev.imageclassifier.InvalidImageException;
import dev.imageclassifier.ImageTooLargeException;
import com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream;

import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.function.Function;

/**
 * Turns encoded bytes into pixels: format by content, pixel limit and memory budget checked from the
 * header before any pixel is decoded, EXIF orientation applied, grayscale / palette / 16-bit / alpha /
 * CMYK (via the TwelveMonkeys plug-ins) all brought to 8-bit-range RGB. Nothing touches the disk.
 *
 * <p>Every JPEG goes through libjpeg-turbo when the system has it ({@link TurboJpeg}): at full size it gives
 * ImageIO's pixels exactly, several times faster. An image larger than its use needs is decoded smaller: for
 * the model input ({@link #tensor}), a JPEG at the smallest DCT scale (1/2, 1/4, 1/8) that still leaves the
 * model's input size, and resized and normalised in one pass ({@link Preprocessor#toTensorFast}); other
 * formats, and JPEGs without libjpeg-turbo, by the reader's source subsampling, never below
 * {@link Preprocessor#MIN_OVERSAMPLING} times what the preprocessing reads. Every image when {@code exact} is
 * set ({@code --exact-preprocessing}, {@value #EXACT_VARIABLE}) takes the full-size ImageIO path, whose
 * tensors are bit for bit those of earlier versions.
 */
public final class ImageDecoder {

    /** 50 megapixels: a 30000×30000 "decompression bomb" is refused from its header alone. */
    public static final long DEFAULT_MAX_PIXELS = 50_000_000L;

    /** Environment variable that, set to true, makes every image decode at full size (the exact path). */
    public static final String EXACT_VARIABLE = "EXACT_PREPROCESSING";

    /** System property with the same meaning, which wins over the variable (the CLI's flag sets it). */
    public static final String EXACT_PROPERTY = "image-classifier.exact-preprocessing";

    static {
        // Never spill decoder caches to temporary files: uploads must not touch the disk.
        ImageIO.setUseCache(false);
    }

    /**
     * How many times smaller than {@code width}×{@code height} (as displayed) the caller can take an image:
     * through libjpeg-turbo's DCT scaling, which averages, and through a reader's point subsampling, which
     * drops pixels and so needs more of them left.
     */
    @FunctionalInterface
    private interface Reduction {
        double limit(int width, int height);

        default double pointLimit(int width, int height) {
            return limit(width, height);
        }

        Reduction NONE = (width, height) -> 1;
    }
    private final long maxPixels;
    private final DecodeBudget budget;
    private final boolean exact;
    private final boolean nativeJpeg;

    public ImageDecoder() {
        this(DEFAULT_MAX_PIXELS);
    }

    public ImageDecoder(long maxPixels) {
        this(maxPixels, DecodeBudget.PROCESS);
    }

    /** @param budget the memory that images in progress may hold at once, shared with other decoders */
    public ImageDecoder(long maxPixels, DecodeBudget budget) {
        this(maxPixels, budget, exactRequested());
    }

    /** @param exact decode every image at full size (no reduced decoding), as {@link #exactRequested()} */
    public ImageDecoder(long maxPixels, DecodeBudget budget, boolean exact) {
        this(maxPixels, budget, exact, true);
    }

    /** @param nativeJpeg use libjpeg-turbo when the system has it (false: the pure-Java path, for comparisons) */
    public ImageDecoder(long maxPixels, DecodeBudget budget, boolean exact, boolean nativeJpeg) {
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("maxPixels must be positive");
        }
        this.maxPixels = maxPixels;
        this.budget = budget;
        this.exact = exact;
        this.nativeJpeg = nativeJpeg;
    }

    /** Whether {@value #EXACT_PROPERTY} or else {@value #EXACT_VARIABLE} asks for the exact path. */
    public static boolean exactRequested() {
        String value = System.getProperty(EXACT_PROPERTY, System.getenv(EXACT_VARIABLE));
        return value != null && List.of("true", "1", "yes", "on").contains(value.trim().toLowerCase(Locale.ROOT));
    }

    public long maxPixels() {
        return maxPixels;
    }

    public boolean exact() {
        return exact;
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

    /**
     * The model input of an encoded image: decoded no larger than {@code preprocessor} needs, read from the
     * decoder's raster straight into the CHW float tensor, within the {@link DecodeBudget}.
     */
    public float[] tensor(byte[] bytes, Preprocessor preprocessor) throws InvalidImageException {
        if (exact) {
            return decode(bytes, Reduction.NONE, false, preprocessor::toTensor);
        }
        Reduction reduction = new Reduction() {
            @Override
            public double limit(int width, int height) {
                return preprocessor.maxDctReduction(width, height);
            }

            @Override
            public double pointLimit(int width, int height) {
                return preprocessor.maxReduction(width, height);
            }
        };
        return decode(bytes, reduction, false, preprocessor::toTensorFast);
    }

    /**
     * Which decoding and resampling this decoder's {@link #tensor} uses, as a feature-cache tag: features
     * made along one path are never reused for another.
     */
    public String pathTag() {
        if (exact) {
            return ",exact-decode";
        }
        return nativeJpeg && TurboJpeg.available().isPresent() ? ",fast-v2-turbojpeg" : ",fast-v2-java";
    }

    /**
     * Decodes an image no smaller than needed for a shorter side of {@code minShorterSide} pixels (larger
     * when it is stored larger and cannot be reduced exactly that far), and hands it to {@code use} (e.g.
     * augmentations) while it counts against the {@link DecodeBudget}: threads decoding large images side
     * by side wait for each other instead of exhausting the heap.
     */
    public <T> T decode(byte[] bytes, int minShorterSide, Function<RgbImage, T> use) throws InvalidImageException {
        if (minShorterSide <= 0) {
            throw new IllegalArgumentException("minShorterSide must be positive");
        }
        return decode(bytes, (width, height) -> Math.min(width, height) / (double) minShorterSide, true,
                pixels -> use.apply(pixels.toRgbImage()));
    }

    /** Decodes the first frame at full size and hands it to {@code use} within the {@link DecodeBudget}. */
    public <T> T decode(byte[] bytes, Function<RgbImage, T> use) throws InvalidImageException {
        return decode(bytes, Reduction.NONE, true, pixels -> use.apply(pixels.toRgbImage()));
    }

    /** Decodes the first frame at full size; the caller holds the pixels from then on. */
    public RgbImage decode(byte[] bytes) throws InvalidImageException {
        return decode(bytes, Function.identity());
    }

    /** @param floats whether {@code use} converts the pixels to float planes (they count against the budget) */
    private <T> T decode(byte[] bytes, Reduction reduction, boolean floats, Function<PixelSource, T> use)
            throws InvalidImageException {
        ImageFormat format = formatOf(bytes);
        int orientation = format == ImageFormat.JPEG ? Orientation.ofJpeg(bytes) : 1;
        Optional<TurboJpeg> turbo = format == ImageFormat.JPEG && !exact && nativeJpeg ? TurboJpeg.available() : Optional.empty();
        if (turbo.isPresent()) {
            try (TurboJpeg.Decompression jpeg = turbo.get().open(bytes)) {
                TurboJpeg.Header header = jpeg.header();
                checkPixels(header.width(), header.height());
                // Every JPEG, reduced or not: at full size libjpeg-turbo gives ImageIO's pixels, several times faster.
                int denominator = dctDenominator(limit(reduction, header.width(), header.height(), orientation));
                long cost = DecodeCost.ofTurboJpeg(bytes, header, denominator, orientation, floats);
                try (DecodeBudget.Reservation held = budget.reserve(cost, header.width() + "×" + header.height())) {
                    ByteRaster pixels = jpeg.decode(header, denominator);
                    if (!header.gray()) {
                        pixels = EmbeddedProfile.of(bytes).map(pixels::toSrgb).orElse(pixels);
                    }
                    return use.apply(pixels.oriented(orientation));
                }
            } catch (TurboJpeg.Failure e) {
                // CMYK, corrupt or truncated: the pure-Java decoder reads it, or says precisely what is wrong.
            }
        }
        return viaImageIo(bytes, format, orientation, reduction, floats, use);
    }

    private <T> T viaImageIo(byte[] bytes, ImageFormat format, int orientation, Reduction reduction, boolean floats,
                             Function<PixelSource, T> use) throws InvalidImageException {
        ImageReader reader = readerFor(format);
        List<String> warnings = new ArrayList<>();
        DecodeBudget.Reservation memory = null;
        BufferedImage image = null;
        int step = 1;
        try (ImageInputStream input = new ByteArrayImageInputStream(bytes)) {
            reader.setInput(input, true, true);
            reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            checkPixels(width, height);
            // Every grid offset but 0 trips the TIFF plug-in; WebP's reader is left at full size, untried.
            step = exact || format == ImageFormat.WEBP ? 1 : Math.max(1, (int) pointLimit(reduction, width, height, orientation));
            ImageReadParam param = reader.getDefaultReadParam();
            param.setSourceSubsampling(step, step, 0, 0);
            long pixels = (long) ((width + step - 1) / step) * ((height + step - 1) / step);
            long cost = DecodeCost.ofImageIo(reader, format, bytes, pixels, (long) width * height, orientation, floats);
            memory = budget.reserve(cost, width + "×" + height);
            image = reader.read(0, param);
        } catch (IOException | RuntimeException e) {
            if (e instanceof CancellationException cancelled) {
                throw cancelled;
            }
            if (step == 1 || !(e instanceof RuntimeException)) {
                throw corrupt(format, e);
            }
        } finally {
            reader.dispose();
            if (image == null && memory != null) {
                memory.close(); // nothing decoded: give the memory back now
            }
        }
        if (image == null) { // a plug-in failed on subsampling itself: read it as it always was
            return viaImageIo(bytes, format, orientation, Reduction.NONE, floats, use);
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
            PixelSource pixels = Rasters.of(image);
            return use.apply(pixels instanceof ByteRaster raster
                    ? raster.oriented(orientation) : Orientation.apply((RgbImage) pixels, orientation));
        }
    }

    private static double limit(Reduction reduction, int width, int height, int orientation) {
        return Orientation.swapsSides(orientation) ? reduction.limit(height, width) : reduction.limit(width, height);
    }

    private static double pointLimit(Reduction reduction, int width, int height, int orientation) {
        return Orientation.swapsSides(orientation) ? reduction.pointLimit(height, width) : reduction.pointLimit(width, height);
    }

    /** The largest DCT scaling (1/8, 1/4, 1/2) within {@code limit}, as its denominator; 1 for none. */
    static int dctDenominator(double limit) {
        for (int denominator = 8; denominator > 1; denominator /= 2) {
            if (denominator <= limit) {
                return denominator;
            }
        }
        return 1;
    }

    private void checkPixels(long width, long height) throws ImageTooLargeException {
        if (width * height > maxPixels) {
            throw new ImageTooLargeException(String.format(Locale.ROOT,
                    "Image too large: %d×%d is %.1f megapixels, above the limit of %.1f megapixels",
                    width, height, width * height / 1e6, maxPixels / 1e6));
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
}
