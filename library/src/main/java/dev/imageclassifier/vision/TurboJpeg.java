package dev.imageclassifier.vision;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.Optional;

/**
 * libjpeg-turbo's TurboJPEG C API (Debian: {@code libturbojpeg0}), called through JNA: JPEGs decoded at
 * 1/2, 1/4 or 1/8 scale in the DCT domain (what Pillow's {@code draft()} uses), several times faster than
 * a full decode. Loaded once; when the library is missing or broken, {@link #available()} is empty and
 * one log line says so, and JPEGs take the pure-Java path. {@code TURBOJPEG_LIBRARY} names another
 * library file, or {@code off} to use the pure-Java path on purpose.
 */
final class TurboJpeg {

    private static final Logger LOG = LoggerFactory.getLogger(TurboJpeg.class);

    static final String LIBRARY_VARIABLE = "TURBOJPEG_LIBRARY";
    private static final int CS_CMYK = 3;
    private static final int CS_YCCK = 4;
    private static final int CS_GRAY = 2;
    private static final int PF_RGB = 0;
    private static final int PF_GRAY = 6;
    private static final int ERROR_WARNING = 0;

    /** What a JPEG header says. */
    record Header(int width, int height, boolean gray) {
    }

    /** A JPEG the library would not decode cleanly; the caller falls back to the pure-Java decoder. */
    static final class Failure extends Exception {
        Failure(String message) {
            super(message);
        }
    }

    private static final class Loaded {
        static final boolean OK = load();
    }

    private TurboJpeg() {
    }

    /** The library, when it loaded. */
    static Optional<TurboJpeg> available() {
        return Loaded.OK ? Optional.of(INSTANCE) : Optional.empty();
    }

    private static final TurboJpeg INSTANCE = new TurboJpeg();

    private static boolean load() {
        String name = Optional.ofNullable(System.getenv(LIBRARY_VARIABLE)).filter(s -> !s.isBlank()).orElse("turbojpeg");
        if (name.equalsIgnoreCase("off")) {
            LOG.info("JPEG decoding: pure Java ({}=off)", LIBRARY_VARIABLE);
            return false;
        }
        try {
            NativeLibrary library = NativeLibrary.getInstance(name);
            Native.register(TurboJpeg.class, library);
            Pointer handle = tjInitDecompress();
            if (handle == null) {
                throw new IllegalStateException("tjInitDecompress failed");
            }
            tjDestroy(handle);
            LOG.debug("JPEG decoding: libjpeg-turbo ({}), reduced in the DCT domain", library.getFile());
            return true;
        } catch (LinkageError | RuntimeException e) {
            LOG.info("JPEG decoding: pure Java, reduced by subsampling (libjpeg-turbo not loaded: {}; on Debian/Ubuntu "
                    + "the package libturbojpeg0 makes large JPEGs several times faster)", String.valueOf(e.getMessage()).lines()
                    .findFirst().orElse(e.getClass().getSimpleName()));
            return false;
        }
    }

    /**
     * Native memory kept by each thread for the JPEG (index 0) and its pixels (1), reused from image to image up
     * to {@link #KEPT_BYTES} each: a fresh multi-megabyte allocation is an mmap, page faults and an munmap per image.
     */
    private static final ThreadLocal<Memory[]> KEPT = ThreadLocal.withInitial(() -> new Memory[2]);
    private static final long KEPT_BYTES = 16L << 20;

    /** At least {@code bytes} of native memory: this thread's kept buffer {@code slot} when it is large enough. */
    private static Memory buffer(int slot, long bytes) {
        Memory[] kept = KEPT.get();
        if (kept[slot] != null && kept[slot].size() >= bytes) {
            return kept[slot];
        }
        Memory fresh = new Memory(Math.max(bytes, 1));
        if (bytes <= KEPT_BYTES) {
            if (kept[slot] != null) {
                kept[slot].close();
            }
            kept[slot] = fresh;
        }
        return fresh;
    }

    private static void done(int slot, Memory buffer) {
        if (KEPT.get()[slot] != buffer) {
            buffer.close();
        }
    }

    /**
     * One JPEG being decoded: its bytes copied once into native memory and one decompressor, shared by
     * {@link #header()} and {@link #decode} (instead of a copy and a decompressor for each call).
     */
    final class Decompression implements AutoCloseable {
        private final Memory jpeg;
        private final NativeLong size;
        private final Pointer handle;

        private Decompression(byte[] bytes) throws Failure {
            this.jpeg = buffer(0, bytes.length);
            jpeg.write(0, bytes, 0, bytes.length);
            this.size = new NativeLong(bytes.length);
            Pointer opened = tjInitDecompress();
            if (opened == null) {
                done(0, jpeg);
                throw new Failure("tjInitDecompress failed");
            }
            this.handle = opened;
        }

        /** Size and colour model, or a failure for anything this library should not decode (CMYK, YCCK, not a JPEG). */
        Header header() throws Failure {
            int[] width = new int[1];
            int[] height = new int[1];
            int[] subsampling = new int[1];
            int[] colorspace = new int[1];
            if (tjDecompressHeader3(handle, jpeg, size, width, height, subsampling, colorspace) != 0) {
                throw new Failure(tjGetErrorStr2(handle));
            }
            if (colorspace[0] == CS_CMYK || colorspace[0] == CS_YCCK) {
                throw new Failure("CMYK JPEG");
            }
            return new Header(width[0], height[0], colorspace[0] == CS_GRAY);
        }

        /**
         * Decodes at 1/{@code denominator} scale (1, 2, 4 or 8) into packed RGB or gray rows, the layout the
         * resampler reads. Warnings that leave the pixels whole (stray bytes between segments) pass; a
         * truncated or corrupt stream is a {@link Failure}.
         */
        ByteRaster decode(Header header, int denominator) throws Failure {
            int width = scaled(header.width(), denominator);
            int height = scaled(header.height(), denominator);
            byte[] pixels = new byte[width * height * (header.gray() ? 1 : 3)];
            Memory decoded = buffer(1, pixels.length);
            try {
                int status = tjDecompress2(handle, jpeg, size, decoded, width, 0, height, header.gray() ? PF_GRAY : PF_RGB, 0);
                if (status != 0) {
                    String message = tjGetErrorStr2(handle);
                    String lower = message.toLowerCase(Locale.ROOT);
                    boolean cut = lower.contains("premature end") || lower.contains("truncat") || lower.contains("corrupt");
                    if (tjGetErrorCode(handle) != ERROR_WARNING || cut) {
                        throw new Failure(message);
                    }
                }
                decoded.read(0, pixels, 0, pixels.length);
            } finally {
                done(1, decoded);
            }
            return header.gray() ? ByteRaster.gray(width, height, pixels) : ByteRaster.rgb(width, height, pixels);
        }

        @Override
        public void close() {
            tjDestroy(handle);
            done(0, jpeg);
        }
    }

    /** Starts decoding {@code jpeg}; close it when done. */
    Decompression open(byte[] jpeg) throws Failure {
        return new Decompression(jpeg);
    }

    /** Output size of one side at 1/{@code denominator} scale (libjpeg rounds up). */
    static int scaled(int side, int denominator) {
        return (side + denominator - 1) / denominator;
    }

    private static native Pointer tjInitDecompress();

    private static native int tjDecompressHeader3(Pointer handle, Pointer jpeg, NativeLong size, int[] width, int[] height,
                                                  int[] subsampling, int[] colorspace);

    private static native int tjDecompress2(Pointer handle, Pointer jpeg, NativeLong size, Pointer destination, int width,
                                            int pitch, int height, int pixelFormat, int flags);

    private static native int tjDestroy(Pointer handle);

    private static native String tjGetErrorStr2(Pointer handle);

    private static native int tjGetErrorCode(Pointer handle);
}
