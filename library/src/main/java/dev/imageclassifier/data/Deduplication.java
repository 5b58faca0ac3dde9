package dev.imageclassifier.data;

import dev.imageclassifier.io.Sha256;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Leaves all but one copy of each duplicate group out of a dataset's image list (the files stay where they are).
 * The copy kept is the first path in sorted order, so the result does not depend on listing order; copies on
 * different sides of a tree already split into {@code train/} and {@code val/} are each kept (one per side): the
 * split is the user's and is never changed. Before a split is made, dropping copies means no group can end up on
 * both sides of it.
 */
public final class Deduplication {

    /** @param kept the images left; {@code dropped} the paths left out */
    public record Result(List<LabeledImage> kept, List<String> dropped) {
    }

    private Deduplication() {
    }

    /**
     * @param root   the folder the paths are relative to
     * @param exact  also find files with the same content (each file is read and hashed)
     * @param groups duplicate groups found another way (e.g. near duplicates from an audit), as paths; unknown paths are ignored
     */
    public static Result drop(Path root, List<LabeledImage> images, boolean exact, List<List<String>> groups) throws IOException {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < images.size(); i++) {
            index.put(images.get(i).path(), i);
        }
        int[] parent = new int[images.size()];
        for (int i = 0; i < parent.length; i++) {
            parent[i] = i;
        }
        for (List<String> group : groups) {
            List<Integer> known = group.stream().filter(index::containsKey).map(index::get).toList();
            for (int k = 1; k < known.size(); k++) {
                union(parent, known.get(0), known.get(k));
            }
        }
        if (exact) {
            Map<String, Integer> firstBySha = new HashMap<>();
            for (int i = 0; i < images.size(); i++) {
                Integer first = firstBySha.putIfAbsent(Sha256.of(root.resolve(images.get(i).path())), i);
                if (first != null) {
                    union(parent, first, i);
                }
            }
        }
        Map<String, TreeMap<String, LabeledImage>> members = new LinkedHashMap<>(); // group and side → members by path
        for (int i = 0; i < images.size(); i++) {
            LabeledImage image = images.get(i);
            members.computeIfAbsent(find(parent, i) + "|" + Objects.toString(image.subset()), k -> new TreeMap<>()).put(image.path(), image);
        }
        Set<String> dropped = new HashSet<>();
        for (TreeMap<String, LabeledImage> copies : members.values()) {
            copies.keySet().stream().skip(1).forEach(dropped::add);
        }
        List<LabeledImage> kept = new ArrayList<>();
        List<String> droppedInOrder = new ArrayList<>();
        for (LabeledImage image : images) {
            if (dropped.contains(image.path())) {
                droppedInOrder.add(image.path());
            } else {
                kept.add(image);
            }
        }
        return new Result(kept, droppedInOrder);
    }

    private static int find(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    private static void union(int[] parent, int a, int b) {
        int ra = find(parent, a);
        int rb = find(parent, b);
        parent[Math.max(ra, rb)] = Math.min(ra, rb);
    }
}
