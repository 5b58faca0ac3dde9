/** Internal (not API): class activation maps and their overlays on the photo. */
package dev.imageclassifier.explain;
