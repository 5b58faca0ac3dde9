package dev.imageclassifier.serve;

import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves a handful of files from the jar (the web page, Swagger UI's two files), each read once. Not
 * Javalin's static-file handler: that mounts the whole 100 MB jar as a file system at start-up, a few
 * hundred milliseconds of the two-second start-up budget.
 */
final class ClasspathFiles {

    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

    /** Answers with the resource's bytes; {@code cacheSeconds} 0 makes browsers revalidate every time. */
    void serve(Context ctx, String resource, String contentType, int cacheSeconds) {
        byte[] body = cache.computeIfAbsent(resource, ClasspathFiles::read);
        ctx.header("Cache-Control", cacheSeconds > 0 ? "public, max-age=" + cacheSeconds : "no-cache");
        ctx.contentType(contentType).result(body);
    }

    static byte[] read(String resource) {
        try (InputStream in = ClasspathFiles.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("resource " + resource + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
