package dev.imageclassifier;

/** One label with its probability. */
public record ScoredLabel(String label, float confidence) {
}
