package dev.imageclassifier.audit;

import dev.imageclassifier.InvalidImageException;
import dev.imageclassifier.vision.ImageDecoder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Groups of the same picture: files with the same content (exact), and files whose backbone features point the
 * same way AND whose perceptual hashes nearly match (near: a resized, re-encoded or recompressed copy). Features
 * alone would also join two different photos of one object against one background (Caltech holds series of
 * those); the hash alone would join unrelated flat pictures. Each image is in at most one group.
 */
public final class Duplicates {

    /**
     * Features at least this close are candidates; the hash decides. Checked by eye on Caltech-101 (pairs that also
     * match by hash): from 0.96 up 7 of 8 sampled pairs were copies, between 0.95 and 0.96 only 3 of 6 (the others:
     * different motorbikes photographed alike for one catalogue), below that near-identical shots, such as one person
     * photographed twice in a row.
     */
    public static final float CANDIDATE_COSINE = 0.96f;
    /** Hashes at most this many bits apart (of 64) are the same picture. */
    public static final int MAX_HASH_BITS = 10;

    /**
     * @param members    image indices, ascending
     * @param exact      all members have the same content
     * @param crossSplit members on both sides of the split
     * @param crossClass members with different labels
     * @param cosine     the lowest feature cosine of the pairs that joined it (1 for exact copies)
     */
    public record Group(List<Integer> members, boolean exact, boolean crossSplit, boolean crossClass, float cosine) {
    }

    private Duplicates() {
    }

    /**
     * @param sha256   content hash per image (null: unreadable)
     * @param pairs    feature pairs above {@link #CANDIDATE_COSINE}
     * @param files    the image files, to hash the candidates' pictures
     * @param training per image, true for a training image
     * @param labels   class per image
     */
    public static List<Group> find(List<String> sha256, List<Similarity.Pair> pairs, List<Path> files, boolean[] training,
                                   int[] labels) {
        int n = sha256.size();
        int[] parent = new int[n];
        float[] lowest = new float[n];
        for (int i = 0; i < n; i++) {
            parent[i] = i;
            lowest[i] = 1f;
        }
        Map<String, Integer> firstWithHash = new HashMap<>();
        for (int i = 0; i < n; i++) {
            if (sha256.get(i) != null) {
                Integer first = firstWithHash.putIfAbsent(sha256.get(i), i);
                if (first != null) {
                    union(parent, lowest, first, i, 1f);
                }
            }
        }
        ImageDecoder decoder = new ImageDecoder();
        Map<Integer, Long> hashes = new HashMap<>();
        for (Similarity.Pair pair : pairs) {
            if (find(parent, pair.first()) == find(parent, pair.second())) {
                continue;
            }
            Long a = hash(pair.first(), files, decoder, hashes);
            Long b = hash(pair.second(), files, decoder, hashes);
            if (a != null && b != null && PerceptualHash.distance(a, b) <= MAX_HASH_BITS) {
                union(parent, lowest, pair.first(), pair.second(), pair.cosine());
            }
        }
        Map<Integer, List<Integer>> groups = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            groups.computeIfAbsent(find(parent, i), k -> new ArrayList<>()).add(i);
        }
        List<Group> out = new ArrayList<>();
        for (Map.Entry<Integer, List<Integer>> entry : groups.entrySet()) {
            List<Integer> members = entry.getValue();
            if (members.size() < 2) {
                continue;
            }
            boolean exact = members.stream().map(sha256::get).distinct().count() == 1;
            boolean crossSplit = members.stream().anyMatch(i -> training[i]) && members.stream().anyMatch(i -> !training[i]);
            boolean crossClass = members.stream().map(i -> labels[i]).distinct().count() > 1;
            out.add(new Group(List.copyOf(members), exact, crossSplit, crossClass, lowest[entry.getKey()]));
        }
        // leakage first, then mislabelled copies, then the rest
        out.sort(Comparator.comparing((Group g) -> !g.crossSplit()).thenComparing(g -> !g.crossClass())
                .thenComparing(g -> g.members().get(0)));
        return out;
    }

    private static Long hash(int index, List<Path> files, ImageDecoder decoder, Map<Integer, Long> hashes) {
        if (hashes.containsKey(index)) {
            return hashes.get(index);
        }
        Long hash;
        try {
            hash = PerceptualHash.of(Files.readAllBytes(files.get(index)), decoder);
        } catch (IOException | InvalidImageException e) {
            hash = null;
        }
        hashes.put(index, hash);
        return hash;
    }

    private static int find(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    private static void union(int[] parent, float[] lowest, int a, int b, float cosine) {
        int ra = find(parent, a);
        int rb = find(parent, b);
        int root = Math.min(ra, rb);
        int other = Math.max(ra, rb);
        parent[other] = root;
        lowest[root] = Math.min(Math.min(lowest[ra], lowest[rb]), cosine);
    }
}
