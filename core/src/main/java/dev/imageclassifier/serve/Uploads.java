package dev.imageclassifier.serve;

import io.javalin.http.BadRequestResponse;
import io.javalin.http.ContentTooLargeResponse;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Takes the uploaded files out of a multipart request: the size limit is checked against Content-Length
 * before a byte is read, and the multipart parser keeps every part in memory (see {@link ApiServer}), so
 * uploads never touch the disk. Missing, misnamed and malformed uploads become 400s worded for people.
 */
final class Uploads {

    /** The seed API's wording, kept exactly: clients compare it. */
    static final String NO_FILE = "No file uploaded";

    /**
     * Where the multipart parser would spill large parts. It never does (parts stay in memory, see
     * {@link ApiServer}), so this directory is never created; tests check that it does not exist.
     */
    static final String NEVER_WRITTEN_DIRECTORY =
            java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "image-classifier-uploads-never-written").toString();

    /** One uploaded file. */
    record Upload(String filename, byte[] bytes) {
    }

    /** Oversized bodies are read and thrown away up to this many times the limit, then the connection is dropped. */
    private static final int DRAIN_LIMIT_FACTOR = 4;

    private final long maxBodyBytes;

    Uploads(long maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    /** The files of one form field; at least one, at most {@code maxFiles}. */
    List<Upload> read(Context ctx, String field, int maxFiles) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBodyBytes) {
            drain(ctx);
            throw tooLarge(declared);
        }
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
                throw tooLarge(file.size());
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
            RuntimeException problem = malformed(e);
            if (problem instanceof ContentTooLargeResponse) {
                drain(ctx);
            }
            throw problem;
        }
    }

    /**
     * Reads and discards the rest of an oversized body (up to {@link #DRAIN_LIMIT_FACTOR} times the limit)
     * before answering 413, then closes the connection. Closing on unread bytes makes the kernel reset it,
     * and a client still sending (one without {@code Expect: 100-continue}) would lose the 413 and see only
     * a reset; and after a failed multipart parse the connection is not fit for another request.
     */
    private void drain(Context ctx) {
        ctx.header("Connection", "close");
        if ("100-continue".equalsIgnoreCase(ctx.header("Expect"))) {
            return; // the client waits for our go-ahead before sending the body: it never comes
        }
        long budget = DRAIN_LIMIT_FACTOR * maxBodyBytes;
        byte[] scratch = new byte[64 * 1024];
        try (InputStream in = ctx.req().getInputStream()) {
            int read;
            while (budget > 0 && (read = in.read(scratch)) >= 0) {
                budget -= read;
            }
        } catch (IOException | RuntimeException e) {
            // the client went away, or the body is already consumed: nothing left to do
        }
    }

    private static byte[] bytes(UploadedFile file) {
        try (InputStream in = file.content()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new BadRequestResponse("Cannot read the upload '" + file.filename() + "': " + e.getMessage());
        }
    }

    /**
     * Jetty's multipart parser fails with generic exceptions wrapped several times over; its root cause
     * tells a size overrun ("max length exceeded", "max file size exceeded") from a broken body.
     */
    private RuntimeException malformed(Exception e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String reason = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        if (reason.toLowerCase(Locale.ROOT).matches(".*max.*exceeded.*")) {
            return tooLarge(-1);
        }
        return new BadRequestResponse("Malformed multipart/form-data body: " + reason);
    }

    private ContentTooLargeResponse tooLarge(long bytes) {
        String size = bytes > 0 ? String.format(Locale.ROOT, "%.1f MiB is", bytes / 1048576.0) : "the upload is";
        return new ContentTooLargeResponse(String.format(Locale.ROOT, "File too large: %s above the limit of %.1f MiB",
                size, maxBodyBytes / 1048576.0));
    }
}
