package dev.imageclassifier.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imageclassifier.io.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What the commands read back from an audit: the suspects to leave out of training and the duplicate groups to
 * drop, from {@code audit.json}, or suspects from a CSV with a {@code path} column or a plain list of paths (one a
 * line), so a user can edit the list or make it by hand.
 */
final class AuditFindings {

    private AuditFindings() {
    }

    /** The paths of {@code audit.json}'s suspected label errors, outliers and problem files, or of a CSV or list. */
    static Set<String> suspects(Path file) throws IOException {
        Set<String> out = new LinkedHashSet<>();
        if (isJson(file)) {
            JsonNode root = json(file);
            for (String list : List.of("mislabeled", "outliers", "file_issues")) {
                root.path(list).forEach(item -> out.add(item.path("path").asText()));
            }
            return out;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty()) {
            return out;
        }
        List<String> header = List.of(lines.get(0).split(",", -1));
        int column = header.indexOf("path");
        for (String line : column < 0 ? lines : lines.subList(1, lines.size())) {
            String path = column < 0 ? line.strip() : csvField(line, column);
            if (!path.isEmpty() && !path.startsWith("#")) {
                out.add(path);
            }
        }
        return out;
    }

    /** The duplicate groups of an {@code audit.json}, as paths. */
    static List<List<String>> duplicateGroups(Path file) throws IOException {
        if (!isJson(file)) {
            throw new IOException(file + " is not an audit.json (expected a JSON file written by the audit)");
        }
        List<List<String>> out = new ArrayList<>();
        for (JsonNode group : json(file).path("duplicates")) {
            List<String> paths = new ArrayList<>();
            group.path("paths").forEach(p -> paths.add(p.asText()));
            out.add(paths);
        }
        return out;
    }

    private static boolean isJson(Path file) {
        return file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".json");
    }

    private static JsonNode json(Path file) throws IOException {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject() || !root.has("mislabeled")) {
            throw new IOException(file + " is not an audit.json (it has no \"mislabeled\" list)");
        }
        return root;
    }

    /** Field {@code column} of a CSV line written by the audit (quoted fields allowed, no line breaks in them). */
    private static String csvField(String line, int column) {
        List<String> fields = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted && c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                current.append('"');
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                fields.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        fields.add(current.toString());
        return column < fields.size() ? fields.get(column) : "";
    }
}
