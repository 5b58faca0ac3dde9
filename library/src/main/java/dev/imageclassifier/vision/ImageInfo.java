package dev.imageclassifier.vision;

/** What an image header says, read without decoding pixels. */
public record ImageInfo(ImageFormat format, int width, int height) {
}
