package dev.imageclassifier.data;

import dev.imageclassifier.DatasetException;
import dev.imageclassifier.io.AtomicFiles;
import dev.imageclassifier.io.Sha256;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The train/validation split as a small RFC 4180 CSV file ({@code path,label,subset}; a name with a
 * comma, a quote or a line break is quoted, so any file name round-trips) with a commented header:
 * the dataset root (relative to the manifest's folder when possible), seed, validation fraction, and
 * fingerprints of the file list and of the split itself. Same inputs → the same bytes.
 */
public record SplitManifest(Path root, long seed, double valFraction, List<LabeledImage> images, String filesFingerprint) {

    private static final String MAGIC = "# image-classifier split manifest v1";
    private static final String COLUMNS = "path,label,subset";
    private static final CSVFormat WRITE = CSVFormat.RFC4180.builder().setRecordSeparator('\n').get();
    private static final CSVFormat READ = CSVFormat.RFC4180.builder().setIgnoreEmptyLines(true).get();

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

    /**
     * The rows as RFC 4180 CSV: a value is quoted only when it holds a comma, a quote or a line break, or
     * starts with a character up to {@code #} or ends with one up to a space; so ordinary names are written
     * (and fingerprinted) exactly as by the first version of this format.
     */
    private String rows() {
        StringBuilder out = new StringBuilder();
        try (CSVPrinter printer = new CSVPrinter(out, WRITE)) {
            for (LabeledImage image : images) {
                printer.printRecord(image.path(), image.label(), image.subset().id());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringBuilder does not fail
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
        if (rootText.indexOf('\n') >= 0 || rootText.indexOf('\r') >= 0) {
            throw new IOException("The dataset folder's path " + absoluteRoot + " holds a line break, which the header of "
                    + file + " cannot record");
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
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DatasetException("Cannot read " + file + ": " + e.getMessage(), e);
        }
        // The header: the magic line, "# key: value" lines, then the column line. The rows after it are
        // RFC 4180 CSV, so a quoted name may hold commas, quotes and line breaks.
        Map<String, String> header = new LinkedHashMap<>();
        int offset = 0;
        int lineNumber = 0;
        boolean columnsSeen = false;
        boolean magicSeen = false;
        while (offset < text.length() && !columnsSeen) {
            int end = lineEnd(text, offset);
            String line = text.substring(offset, end);
            lineNumber++;
            offset = next(text, end);
            if (lineNumber == 1) {
                magicSeen = line.equals(MAGIC);
                if (!magicSeen) {
                    break;
                }
            } else if (line.startsWith("# ")) {
                int colon = line.indexOf(": ");
                if (colon > 0) {
                    header.put(line.substring(2, colon), line.substring(colon + 2));
                }
            } else if (line.equals(COLUMNS)) {
                columnsSeen = true;
            } else if (!line.isBlank()) {
                throw new DatasetException(file + " line " + lineNumber + ": expected path,label,subset");
            }
        }
        if (!magicSeen) {
            throw new DatasetException(DatasetException.Problem.BAD_MANIFEST, file.toString(),
                    file + " is not a split manifest (its first line is not '" + MAGIC + "')");
        }
        List<LabeledImage> images = rows(file, text.substring(offset), lineNumber);
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

    /** The rows after the column line, which is line {@code linesBefore} of the file. */
    private static List<LabeledImage> rows(Path file, String csv, int linesBefore) throws DatasetException {
        List<LabeledImage> images = new ArrayList<>();
        long nextLine = linesBefore + 1; // where the record after the last one read starts (blank lines aside)
        try (CSVParser parser = CSVParser.parse(csv, READ)) {
            Iterator<CSVRecord> records = parser.iterator();
            while (records.hasNext()) {
                CSVRecord record = records.next();
                long line = linesBefore + 1 + lineBreaks(csv, 0, (int) record.getCharacterPosition());
                if (record.size() != 3) {
                    throw new DatasetException(file + " line " + line + ": expected path,label,subset");
                }
                try {
                    images.add(new LabeledImage(record.get(0), record.get(1), Subset.parse(record.get(2))));
                } catch (IllegalArgumentException e) {
                    throw new DatasetException(file + " line " + line + ": " + e.getMessage());
                }
                nextLine = line + 1 + record.stream().mapToInt(value -> lineBreaks(value, 0, value.length())).sum();
            }
        } catch (IOException | UncheckedIOException e) {
            // an unbalanced quote: the parser reached the end of the file inside a quoted name
            throw new DatasetException(file + " line " + nextLine + ": a quoted value is not closed");
        }
        return images;
    }

    /** Line breaks (CR LF, LF or CR) in {@code text[from, to)}. */
    private static int lineBreaks(String text, int from, int to) {
        int breaks = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r' && (i + 1 >= to || text.charAt(i + 1) != '\n')) {
                breaks++;
            }
        }
        return breaks;
    }

    private static int lineEnd(String text, int from) {
        int end = from;
        while (end < text.length() && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
            end++;
        }
        return end;
    }

    private static int next(String text, int lineEnd) {
        int at = lineEnd;
        if (at < text.length() && text.charAt(at) == '\r') {
            at++;
        }
        if (at < text.length() && text.charAt(at) == '\n') {
            at++;
        }
        return at;
    }
}
