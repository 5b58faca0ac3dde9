package dev.imageclassifier.data;

import dev.imageclassifier.DatasetException;
import dev.imageclassifier.io.AtomicFiles;
import dev.imageclassifier.io.Sha256;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The train/validation split as a small CSV file ({@code path,label,subset}) with a commented header:
 * the dataset root (relative to the manifest's folder when possible), seed, validation fraction, and
 * fingerprints of the file list and of the split itself. Same inputs → the same bytes.
 */
public record SplitManifest(Path root, long seed, double valFraction, List<LabeledImage> images, String filesFingerprint) {

    private static final String MAGIC = "# image-classifier split manifest v1";
    private static final String COLUMNS = "path,label,subset";

    public SplitManifest {
        images = List.copyOf(images);
    }

    public List<LabeledImage> subset(Subset subset) {
        return images.stream().filter(i -> i.subset() == subset).toList();
    }

    /** Class names, sorted: the label order of every model trained on this split. */
    public List<String> labels() {
        return images.stream().map(LabeledImage::label).distinct().sorted().toList();
    }

    public Path resolve(LabeledImage image) {
        return root.resolve(image.path());
    }

    /** SHA-256 of the rows: two manifests with the same fingerprint describe the same split. */
    public String fingerprint() {
        return Sha256.of(rows());
    }

    private String rows() {
        StringBuilder out = new StringBuilder();
        for (LabeledImage image : images) {
            out.append(csv(image.path())).append(',').append(csv(image.label())).append(',').append(image.subset().id()).append('\n');
        }
        return out.toString();
    }

    public void write(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path absoluteRoot = root.toAbsolutePath().normalize();
        String rootText;
        try {
            rootText = dir.relativize(absoluteRoot).toString().replace('\\', '/');
        } catch (IllegalArgumentException e) { // another drive on Windows
            rootText = absoluteRoot.toString();
        }
        long train = subset(Subset.TRAIN).size();
        String text = MAGIC + "\n"
                + "# root: " + (rootText.isEmpty() ? "." : rootText) + "\n"
                + "# seed: " + seed + "\n"
                + "# val_fraction: " + valFraction + "\n"
                + "# classes: " + labels().size() + "\n"
                + "# images: " + images.size() + " (train " + train + ", val " + (images.size() - train) + ")\n"
                + "# files_fingerprint: " + filesFingerprint + "\n"
                + "# fingerprint: " + fingerprint() + "\n"
                + COLUMNS + "\n" + rows();
        AtomicFiles.write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    public static SplitManifest read(Path file) throws DatasetException {
        if (!Files.isRegularFile(file)) {
            throw new DatasetException(DatasetException.Problem.BAD_MANIFEST, file.toString(),
                    "Split manifest not found: " + file.toAbsolutePath());
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DatasetException("Cannot read " + file + ": " + e.getMessage(), e);
        }
        if (lines.isEmpty() || !lines.get(0).equals(MAGIC)) {
            throw new DatasetException(DatasetException.Problem.BAD_MANIFEST, file.toString(),
                    file + " is not a split manifest (its first line is not '" + MAGIC + "')");
        }
        Map<String, String> header = new LinkedHashMap<>();
        List<LabeledImage> images = new ArrayList<>();
        boolean columnsSeen = false;
        for (int n = 1; n < lines.size(); n++) {
            String line = lines.get(n);
            if (line.startsWith("# ")) {
                int colon = line.indexOf(": ");
                if (colon > 0) {
                    header.put(line.substring(2, colon), line.substring(colon + 2));
                }
            } else if (line.equals(COLUMNS)) {
                columnsSeen = true;
            } else if (!line.isBlank()) {
                List<String> cells = parseCsv(line);
                if (!columnsSeen || cells.size() != 3) {
                    throw new DatasetException(file + " line " + (n + 1) + ": expected path,label,subset");
                }
                try {
                    images.add(new LabeledImage(cells.get(0), cells.get(1), Subset.parse(cells.get(2))));
                } catch (IllegalArgumentException e) {
                    throw new DatasetException(file + " line " + (n + 1) + ": " + e.getMessage());
                }
            }
        }
        if (!header.containsKey("root") || images.isEmpty()) {
            throw new DatasetException(file + " has no root or no images");
        }
        if (images.stream().map(LabeledImage::label).distinct().count() < 2) {
            throw new DatasetException(DatasetException.Problem.TOO_FEW_CLASSES, file.toString(), file + " holds one class ('"
                    + images.get(0).label() + "'): a classifier needs at least two");
        }
        Path root = file.toAbsolutePath().getParent().resolve(header.get("root")).normalize();
        try {
            return new SplitManifest(root, Long.parseLong(header.getOrDefault("seed", "0")),
                    Double.parseDouble(header.getOrDefault("val_fraction", "0")), images,
                    header.getOrDefault("files_fingerprint", ""));
        } catch (NumberFormatException e) {
            throw new DatasetException(file + ": bad header value: " + e.getMessage());
        }
    }

    private static String csv(String value) {
        if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0) {
            return value;
        }
        return '"' + value.replace("\"", "\"\"") + '"';
    }

    private static List<String> parseCsv(String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        cells.add(cell.toString());
        return cells;
    }
}
