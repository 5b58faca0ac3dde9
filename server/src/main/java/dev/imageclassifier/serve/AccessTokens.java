package dev.imageclassifier.serve;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * The bearer tokens that may call the API, kept only as SHA-256 digests: a presented token is digested and compared
 * with every digest by {@link MessageDigest#isEqual} (constant time for equal lengths, and digests always are 32 bytes),
 * so the time taken says nothing about how many leading characters were right, nor which token was close. The tokens
 * themselves are never stored, printed or logged.
 */
public final class AccessTokens {

    /** No tokens: the prediction routes are open and the admin routes refused. */
    public static final AccessTokens NONE = new AccessTokens(List.of());

    private final List<byte[]> digests;

    private AccessTokens(List<byte[]> digests) {
        this.digests = List.copyOf(digests);
    }

    /** The tokens given, blank ones skipped; a token with white space or control characters inside is refused. */
    public static AccessTokens of(List<String> tokens) {
        List<byte[]> digests = new ArrayList<>();
        for (String raw : tokens) {
            String token = raw.strip();
            if (token.isEmpty()) {
                continue;
            }
            for (int i = 0; i < token.length(); i++) {
                char c = token.charAt(i);
                if (c <= ' ' || c == 0x7f) {
                    throw new IllegalArgumentException("an API token holds a space or control character (token "
                            + (digests.size() + 1) + "); tokens are sent as 'Authorization: Bearer TOKEN' and cannot");
                }
            }
            digests.add(sha256(token.getBytes(StandardCharsets.UTF_8)));
        }
        return digests.isEmpty() ? NONE : new AccessTokens(digests);
    }

    /** Comma-separated tokens, as in the {@code API_TOKENS} environment variable; null or blank = none. */
    public static AccessTokens parse(String commaSeparated) {
        return commaSeparated == null ? NONE : of(List.of(commaSeparated.split(",")));
    }

    /** One token a line; blank lines and lines starting with {@code #} are skipped. A file without a token is refused (IllegalArgumentException). */
    public static AccessTokens read(Path file) throws IOException {
        List<String> tokens = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.strip().startsWith("#")) {
                tokens.add(line);
            }
        }
        AccessTokens read = of(tokens);
        if (!read.configured()) {
            throw new IllegalArgumentException("the API tokens file " + file + " holds no token (one a line)");
        }
        return read;
    }

    /** These tokens and those. */
    public AccessTokens and(AccessTokens other) {
        List<byte[]> all = new ArrayList<>(digests);
        all.addAll(other.digests);
        return all.isEmpty() ? NONE : new AccessTokens(all);
    }

    /** Whether any token is configured. */
    public boolean configured() {
        return !digests.isEmpty();
    }

    /** How many tokens are configured. */
    public int count() {
        return digests.size();
    }

    /**
     * Whether the presented token is one of ours. Every digest is compared, with no early exit on a match, and the
     * comparison itself is constant-time: see the class comment.
     */
    public boolean accepts(String presented) {
        return accepts(presented.getBytes(StandardCharsets.UTF_8));
    }

    /** {@link #accepts(String)} for the token's UTF-8 bytes. */
    boolean accepts(byte[] presented) {
        byte[] digest = sha256(presented);
        boolean match = false;
        for (byte[] known : digests) {
            match |= MessageDigest.isEqual(known, digest);
        }
        return match;
    }

    private static byte[] sha256(byte[] token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** Never the tokens: only how many there are. */
    @Override
    public String toString() {
        return "AccessTokens[" + digests.size() + " configured]";
    }
}
