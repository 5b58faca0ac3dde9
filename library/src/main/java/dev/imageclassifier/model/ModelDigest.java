package dev.imageclassifier.model;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.imageclassifier.InvalidModelException;
import dev.imageclassifier.io.AtomicFiles;
import dev.imageclassifier.io.Sha256;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The digest that lets a classifier file prove it is the file that was written: the SHA-256 of its serialised
 * ONNX model without the digest's own {@code metadata_props} entry ({@value #KEY}). It covers every weight,
 * the graph and the other metadata (labels, preprocessing), so one flipped byte anywhere is found.
 * <p>
 * Every writer stamps the model just before writing it ({@link #stamped}); {@link #check} reads the file
 * once as a stream of top-level protobuf fields, leaves the digest entry out and hashes the rest as it lies
 * on disk, so it needs no parsing of the graph and no second copy of the weights in memory. Removing one
 * entry from a protobuf serialisation gives the serialisation without it, so the two agree whatever the
 * position of the entry.
 */
public final class ModelDigest {

    /** The metadata key of the digest: lowercase hex SHA-256. */
    public static final String KEY = "content.sha256";
    private static final int METADATA_PROPS = 14; // ModelProto.metadata_props
    private static final int MAX_ENTRY_BYTES = 16 << 20;

    /** What {@link #check} found. */
    public enum Status {
        /** The file holds a digest and its content matches it. */
        VERIFIED,
        /** The file holds no digest (written before digests were recorded, or by another tool). */
        ABSENT,
        /** The file holds a digest and its content does not match it, or holds more than one. */
        MISMATCH,
        /** The bytes are not a well-formed protobuf message: nothing can be said about a digest. */
        MALFORMED
    }

    /** The outcome of a check; {@code recorded} and {@code actual} are null where unknown. */
    public record Check(Status status, String recorded, String actual) {
    }

    private ModelDigest() {
    }

    /** The model without any digest entry, then with the digest of that, as the last metadata entry. */
    public static ModelProto stamped(ModelProto model) {
        ModelProto bare = unstamped(model);
        MessageDigest sha = Sha256.newDigest();
        try (OutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), sha)) {
            bare.writeTo(out);
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
        return bare.toBuilder().addMetadataProps(entry(HexFormat.of().formatHex(sha.digest()))).build();
    }

    /** The model with its digest entries (if any) removed. */
    public static ModelProto unstamped(ModelProto model) {
        if (model.getMetadataPropsList().stream().noneMatch(p -> KEY.equals(p.getKey()))) {
            return model;
        }
        ModelProto.Builder builder = model.toBuilder().clearMetadataProps();
        model.getMetadataPropsList().stream().filter(p -> !KEY.equals(p.getKey())).forEach(builder::addMetadataProps);
        return builder.build();
    }

    /**
     * Stamps a file written without a digest, keeping its bytes as they are and appending the entry: the
     * model's other content, metadata included, stays exactly the same. Writes the result to {@code out}
     * (which may be {@code file}) atomically.
     *
     * @return false when the file already holds a digest (it is left alone)
     * @throws IOException when the file is not a well-formed model
     */
    public static boolean stampFile(Path file, Path out) throws IOException {
        Check check = check(file);
        if (check.status() != Status.ABSENT) {
            if (check.status() == Status.MALFORMED) {
                throw new IOException(file + " is not a well-formed ONNX file");
            }
            return false;
        }
        byte[] bytes = Files.readAllBytes(file);
        ByteArrayOutputStream stamped = new ByteArrayOutputStream(bytes.length + 128);
        stamped.write(bytes);
        ModelProto.newBuilder().addMetadataProps(entry(check.actual())).build().writeTo(stamped);
        AtomicFiles.write(out, stamped.toByteArray());
        return true;
    }

    /**
     * Checks the file and refuses one whose content does not match its digest.
     *
     * @return the check, whose status is not {@link Status#MISMATCH}
     * @throws InvalidModelException ({@link InvalidModelException.Problem#CORRUPT}) when the content does not match
     * @throws IOException           when the file cannot be read
     */
    public static Check requireIntact(Path file) throws InvalidModelException, IOException {
        Check check = check(file);
        if (check.status() == Status.MISMATCH) {
            throw new InvalidModelException(InvalidModelException.Problem.CORRUPT, file, file + " is damaged: its content does not "
                    + "match the digest recorded when it was written (recorded " + abbreviated(check.recorded()) + ", content "
                    + abbreviated(check.actual()) + ")");
        }
        return check;
    }

    private static String abbreviated(String digest) {
        return digest == null ? "none" : digest.length() > 16 ? digest.substring(0, 16) + "…" : digest;
    }

    /** Reads the file once and compares its content with the digest it records. */
    public static Check check(Path file) throws IOException {
        MessageDigest sha = Sha256.newDigest();
        String recorded = null;
        int digests = 0;
        ByteArrayOutputStream head = new ByteArrayOutputStream(20);
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            while (true) {
                head.reset();
                long tag = varint(in, head, true);
                if (tag < 0) {
                    break;
                }
                int field = (int) (tag >>> 3);
                switch ((int) (tag & 7)) {
                    case 0 -> varint(in, head, false);
                    case 1 -> copy(in, 8, head);
                    case 5 -> copy(in, 4, head);
                    case 2 -> {
                        long length = varint(in, head, false);
                        if (length < 0) {
                            return new Check(Status.MALFORMED, null, null);
                        }
                        if (field == METADATA_PROPS && length <= MAX_ENTRY_BYTES) {
                            byte[] payload = in.readNBytes((int) length);
                            if (payload.length != length) {
                                return new Check(Status.MALFORMED, null, null);
                            }
                            StringStringEntryProto entry = StringStringEntryProto.parseFrom(payload);
                            if (KEY.equals(entry.getKey())) {
                                recorded = entry.getValue();
                                digests++;
                                continue;
                            }
                            sha.update(head.toByteArray());
                            sha.update(payload);
                            continue;
                        }
                        sha.update(head.toByteArray());
                        head.reset();
                        for (long left = length; left > 0; ) {
                            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                            if (n < 0) {
                                throw new EOFException();
                            }
                            sha.update(buffer, 0, n);
                            left -= n;
                        }
                    }
                    default -> {
                        return new Check(Status.MALFORMED, null, null); // groups (3, 4) are not used by ONNX
                    }
                }
                sha.update(head.toByteArray());
            }
        } catch (EOFException | InvalidProtocolBufferException e) {
            return new Check(Status.MALFORMED, null, null);
        }
        String actual = HexFormat.of().formatHex(sha.digest());
        if (digests == 0) {
            return new Check(Status.ABSENT, null, actual);
        }
        return new Check(digests == 1 && actual.equalsIgnoreCase(recorded) ? Status.VERIFIED : Status.MISMATCH, recorded, actual);
    }

    private static StringStringEntryProto entry(String digest) {
        return StringStringEntryProto.newBuilder().setKey(KEY).setValue(digest).build();
    }

    /** Reads a varint, copying its bytes to {@code raw}; -1 at a clean end of the stream when {@code endAllowed}. */
    private static long varint(InputStream in, ByteArrayOutputStream raw, boolean endAllowed) throws IOException {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = in.read();
            if (b < 0) {
                if (shift == 0 && endAllowed) {
                    return -1;
                }
                throw new EOFException();
            }
            raw.write(b);
            value |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new EOFException(); // more than ten bytes: not a varint
    }

    private static void copy(InputStream in, int bytes, ByteArrayOutputStream raw) throws IOException {
        byte[] fixed = in.readNBytes(bytes);
        if (fixed.length != bytes) {
            throw new EOFException();
        }
        raw.write(fixed);
    }
}
