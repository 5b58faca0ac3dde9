package dev.imageclassifier.vision;

import com.twelvemonkeys.imageio.color.ColorSpaces;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEG;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegment;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegmentUtil;
import com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream;


import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.ColorConvertOp;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A JPEG's embedded ICC colour profile, when it is an RGB one other than sRGB (Apple's "Generic RGB", Display
 * P3, Adobe RGB): the JDK decoder (through the TwelveMonkeys reader) converts such pixels to sRGB, libjpeg-turbo
 * does not, so the fast path converts its (already reduced) raster the same way. sRGB profiles, by far the most
 * common, cost nothing.
 */
final class EmbeddedProfile {

    private static final String ICC_IDENTIFIER = "ICC_PROFILE";
    /**
     * Conversions of the profiles seen last, by their bytes: parsing a profile and preparing its transform cost
     * milliseconds, and uploads repeat a handful of profiles (each camera maker's sRGB, Display P3).
     */
    private static final Map<ByteBuffer, Optional<ColorConvertOp>> RECENT = java.util.Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<ByteBuffer, Optional<ColorConvertOp>> eldest) {
                    return size() > 16;
                }
            });

    private EmbeddedProfile() {
    }

    /** The conversion to sRGB, or empty for no profile, sRGB, a gray or a broken profile. */
    static Optional<ColorConvertOp> of(byte[] jpeg) {
        try (ByteArrayImageInputStream input = new ByteArrayImageInputStream(jpeg)) {
            List<JPEGSegment> segments = JPEGSegmentUtil.readSegments(input, JPEG.APP2, ICC_IDENTIFIER);
            if (segments.isEmpty()) {
                return Optional.empty();
            }
            ByteArrayOutputStream profile = new ByteArrayOutputStream();
            List<byte[]> chunks = new ArrayList<>();
            for (JPEGSegment segment : segments) {
                try (InputStream data = segment.data()) {
                    chunks.add(data.readAllBytes());
                }
            }
            // Each chunk: its sequence number, the chunk count, then its part of the profile.
            chunks.sort(Comparator.comparingInt(chunk -> chunk.length > 0 ? chunk[0] & 0xFF : 0));
            for (byte[] chunk : chunks) {
                if (chunk.length > 2) {
                    profile.write(chunk, 2, chunk.length - 2);
                }
            }
            return RECENT.computeIfAbsent(ByteBuffer.wrap(profile.toByteArray()), EmbeddedProfile::conversion);
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // a broken profile: the pixels as they are, as the JDK decoder does
        }
    }

    private static Optional<ColorConvertOp> conversion(ByteBuffer bytes) {
        try {
            ICC_Profile icc = ICC_Profile.getInstance(bytes.array());
            if (icc.getColorSpaceType() != ColorSpace.TYPE_RGB || ColorSpaces.isCS_sRGB(icc)) {
                return Optional.empty();
            }
            ICC_ColorSpace space = ColorSpaces.createColorSpace(icc);
            return Optional.of(new ColorConvertOp(space, ColorSpace.getInstance(ColorSpace.CS_sRGB), null));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** {@code rgb} (packed RGB) converted to sRGB by {@code conversion} (one at a time: it keeps its transform). */
    static ByteRaster toSrgb(ByteRaster rgb, ColorConvertOp conversion) {
        int w = rgb.width();
        int h = rgb.height();
        WritableRaster source = raster(rgb.data(), w, h);
        byte[] converted = new byte[rgb.data().length];
        synchronized (conversion) {
            conversion.filter((Raster) source, raster(converted, w, h));
        }
        return ByteRaster.rgb(w, h, converted);
    }

    private static WritableRaster raster(byte[] data, int w, int h) {
        return Raster.createWritableRaster(new PixelInterleavedSampleModel(DataBuffer.TYPE_BYTE, w, h, 3, 3 * w, new int[] {0, 1, 2}),
                new DataBufferByte(data, data.length), null);
    }
}
