/** Internal (not API): feature extraction and cache, the softmax head trainer and its recipes, metrics, the training outputs. */
package dev.imageclassifier.train;
