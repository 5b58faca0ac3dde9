package dev.imageclassifier.audit;

import dev.imageclassifier.InvalidImageException;
import dev.imageclassifier.io.Sha256;
import dev.imageclassifier.vision.ImageDecoder;
import dev.imageclassifier.vision.ImageFormat;
import dev.imageclassifier.vision.ImageInfo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * What can be told of each image file without the backbone: its content hash (exact duplicates), and whether it
 * is unreadable, cut off, tiny or of an extreme shape. Only the header is decoded, so a pass over ten thousand
 * photos takes seconds.
 */
public final class FileCheck {

    /** Problems an image file can have. */
    public enum Problem { UNREADABLE, TRUNCATED, TINY, EXTREME_ASPECT }

    /** One file's facts; {@code sha256} is null when it could not be read, width and height 0 when not decoded. */
    public record Facts(String sha256, int width, int height, Problem problem, String detail) {
    }

    /** Shorter side below this is tiny: the backbone sees 224 pixels, and 32 are upscaled seven times. */
    public static final int MIN_SIDE = 32;
    /** Longer side over this many times the shorter is an extreme shape: any framing loses most of it. */
    public static final double MAX_ASPECT = 4.0;

    private FileCheck() {
    }

    /** The facts of every file, in order, on {@code threads} threads; {@code done} hears each index. */
    public static List<Facts> check(List<Path> files, int threads, IntConsumer done) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        try {
            List<Future<Facts>> futures = new ArrayList<>(files.size());
            ImageDecoder decoder = new ImageDecoder();
            for (int i = 0; i < files.size(); i++) {
                Path file = files.get(i);
                int index = i;
                futures.add(pool.submit(() -> {
                    Facts facts = facts(file, decoder);
                    done.accept(index);
                    return facts;
                }));
            }
            List<Facts> out = new ArrayList<>(files.size());
            for (Future<Facts> future : futures) {
                out.add(future.get());
            }
            return out;
        } catch (ExecutionException e) {
            throw new IllegalStateException("checking image files failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    static Facts facts(Path file, ImageDecoder decoder) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            return new Facts(null, 0, 0, Problem.UNREADABLE, "cannot be read");
        }
        String sha = Sha256.of(bytes);
        ImageInfo info;
        try {
            info = decoder.probe(bytes);
        } catch (InvalidImageException e) {
            return new Facts(sha, 0, 0, Problem.UNREADABLE, e.getMessage());
        }
        int width = info.width();
        int height = info.height();
        if (truncated(info.format(), bytes)) {
            return new Facts(sha, width, height, Problem.TRUNCATED, info.format() + " data ends before its end marker");
        }
        if (Math.min(width, height) < MIN_SIDE) {
            return new Facts(sha, width, height, Problem.TINY, width + "×" + height + " pixels");
        }
        double aspect = Math.max(width, height) / (double) Math.min(width, height);
        if (aspect > MAX_ASPECT) {
            return new Facts(sha, width, height, Problem.EXTREME_ASPECT, String.format(Locale.ROOT, "%d×%d (%.1f:1)", width, height, aspect));
        }
        return new Facts(sha, width, height, null, null);
    }

    /** A JPEG without its end-of-image marker or a PNG without its IEND chunk near the end was cut off. */
    static boolean truncated(ImageFormat format, byte[] bytes) {
        int tail = Math.max(0, bytes.length - 64); // writers may pad a few bytes after the marker
        if (format == ImageFormat.JPEG) {
            for (int i = bytes.length - 2; i >= tail; i--) {
                if ((bytes[i] & 0xFF) == 0xFF && (bytes[i + 1] & 0xFF) == 0xD9) {
                    return false;
                }
            }
            return true;
        }
        if (format == ImageFormat.PNG) {
            for (int i = bytes.length - 4; i >= tail; i--) {
                if (bytes[i] == 'I' && bytes[i + 1] == 'E' && bytes[i + 2] == 'N' && bytes[i + 3] == 'D') {
                    return false;
                }
            }
            return true;
        }
        return false;
    }
}
