package dev.imageclassifier.serve;

import io.javalin.http.BadRequestResponse;
import io.javalin.http.ContentTooLargeResponse;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.http.UploadedFile;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the uploaded files out of a multipart request whose body {@link UploadReceiver} has already received
 * (within the size limit); the multipart parser keeps every part in memory (see {@link ApiServer}), so
 * uploads never touch the disk. Missing, misnamed and malformed uploads become 400s worded for people: in our
 * own words, never the parser's exception messages (those go to the log, at debug).
 */
final class Uploads {

    private static final Logger LOG = LoggerFactory.getLogger(Uploads.class);

    /** The reference FastAPI service's wording, kept exactly: clients compare it. */
    static final String NO_FILE = "No file uploaded";

    private static final String MALFORMED = "Malformed multipart/form-data body";

    /**
     * Where the multipart parser would spill large parts. It never does (parts stay in memory, see
     * {@link ApiServer}), so this directory is never created; tests check that it does not exist.
     */
    static final String NEVER_WRITTEN_DIRECTORY =
            java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "image-classifier-uploads-never-written").toString();

    /** One uploaded file. */
    record Upload(String filename, byte[] bytes) {
    }

    private final long maxBodyBytes;

    Uploads(long maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    /** The files of one form field; at least one, at most {@code maxFiles}. A single file may come as JSON ({@link JsonImage}). */
    List<Upload> read(Context ctx, String field, int maxFiles) {
        if (maxFiles == 1 && JsonImage.isJson(ctx)) {
            return List.of(JsonImage.read(ctx)); // {"image": "<base64>"}, for clients that cannot send multipart
        }
        long declared = ctx.req().getContentLengthLong();
        if (!ctx.isMultipartFormData()) {
            String type = ctx.contentType();
            if (declared <= 0 && (type == null || type.isBlank())) {
                throw new BadRequestResponse(NO_FILE);
            }
            throw new BadRequestResponse(NO_FILE + ": expected a multipart/form-data body with the image in the field '"
                    + field + "', got " + (type == null ? "no Content-Type" : "Content-Type '" + type + "'"));
        }
        List<UploadedFile> files = parts(ctx, field);
        if (files.isEmpty()) {
            Set<String> fields = new TreeSet<>(ctx.uploadedFileMap().keySet()); // parsed above: cannot fail now
            throw new BadRequestResponse(fields.isEmpty() ? NO_FILE
                    : NO_FILE + ": expected the image in the form field '" + field + "', got " + fields);
        }
        if (files.size() > maxFiles) {
            throw new BadRequestResponse("Too many files: " + files.size() + ", at most " + maxFiles + " per request");
        }
        List<Upload> uploads = new ArrayList<>(files.size());
        for (UploadedFile file : files) {
            if (file.size() > maxBodyBytes) {
                throw new ContentTooLargeResponse(tooLargeDetail(file.size(), maxBodyBytes));
            }
            uploads.add(new Upload(file.filename(), bytes(file)));
        }
        return uploads;
    }

    // Javalin passes on Jetty's checked ServletException undeclared: catch Exception.
    private List<UploadedFile> parts(Context ctx, String field) {
        try {
            return ctx.uploadedFiles(field);
        } catch (Exception e) {
            throw malformed(ctx, e);
        }
    }

    /** Whether the parsed body has a part without a name (Javalin's uploadedFiles() fails on it with a NullPointerException). */
    private static boolean hasNamelessPart(Context ctx) {
        try {
            for (jakarta.servlet.http.Part part : ctx.req().getParts()) {
                if (part.getName() == null) {
                    return true;
                }
            }
        } catch (Exception e) {
            return false; // the body did not parse: malformed in another way
        }
        return false;
    }

    /** The part's bytes, read into one array of its size (readAllBytes would gather them in pieces, then copy). */
    private static byte[] bytes(UploadedFile file) {
        try (InputStream in = file.content()) {
            byte[] bytes = new byte[(int) file.size()];
            if (in.readNBytes(bytes, 0, bytes.length) != bytes.length || in.read() != -1) {
                throw new IOException("the part's length is not its declared size");
            }
            return bytes;
        } catch (IOException e) {
            LOG.debug("Cannot read the upload '{}'", file.filename(), e);
            throw new BadRequestResponse("Cannot read the upload '" + file.filename() + "': the part is damaged");
        }
    }

    /**
     * Jetty's multipart parser fails with generic exceptions wrapped several times over; its root cause
     * tells oversized part headers ("headers max length exceeded") and size overruns ("max length exceeded",
     * "max file size exceeded") from a broken body. The whole body is within the limit by now ({@link
     * UploadReceiver}), so an overrun here is one part's. The messages only choose the status: the client reads our
     * own words, the log (at debug) the parser's.
     */
    private RuntimeException malformed(Context ctx, Exception e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        LOG.debug("{} {}: malformed multipart body", ctx.method(), ctx.path(), e);
        // Jetty fails the exchange behind our answer once its parser has failed, and drops the connection: a client
        // must not send its next request on it.
        ctx.header("Connection", "close");
        String lower = root.getMessage() == null ? "" : root.getMessage().toLowerCase(Locale.ROOT);
        if (lower.contains("headers max length exceeded")) {
            return new HttpResponseException(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE.getCode(),
                    "Request Header Fields Too Large: the headers of a multipart part are too long");
        }
        if (lower.matches(".*max.*exceeded.*")) {
            return new ContentTooLargeResponse(tooLargeDetail(-1, maxBodyBytes));
        }
        if (hasNamelessPart(ctx)) {
            return new BadRequestResponse(MALFORMED + ": a part has no name (each part needs a "
                    + "'Content-Disposition: form-data; name=\"...\"' header)");
        }
        return new BadRequestResponse(MALFORMED + ": the body ended early, or its parts are not valid multipart");
    }

    /** The 413 detail: the size when known (negative when not), and the limit. */
    static String tooLargeDetail(long bytes, long maxBodyBytes) {
        String size = bytes > 0 ? String.format(Locale.ROOT, "%.1f MiB is", bytes / 1048576.0) : "the upload is";
        return String.format(Locale.ROOT, "File too large: %s above the limit of %.1f MiB", size, maxBodyBytes / 1048576.0);
    }
}
