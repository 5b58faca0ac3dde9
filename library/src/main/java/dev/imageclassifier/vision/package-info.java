/** Internal (not API): decoding (reduced JPEG decoding, EXIF orientation, limits), framing, resampling, normalisation, augmentation. */
package dev.imageclassifier.vision;
