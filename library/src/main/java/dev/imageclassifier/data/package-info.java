/** Internal (not API): finding labelled images in a class-per-folder tree, the seeded stratified split and its manifest, the Caltech-101 download. */
package dev.imageclassifier.data;
