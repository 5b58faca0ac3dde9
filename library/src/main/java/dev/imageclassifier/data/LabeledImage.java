package dev.imageclassifier.data;

/**
 * One image of the dataset.
 *
 * @param path   path relative to the dataset root, with '/' separators (portable, used in manifests)
 * @param label  class name (its folder)
 * @param subset the side of a split given by the folder layout ({@code train/}, {@code val/}), or null
 */
public record LabeledImage(String path, String label, Subset subset) {
}
