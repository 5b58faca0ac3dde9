/**
 * Batch classification and training on Apache Spark (an application, not API): the library's classifier on
 * the executors, and its Trainer with the features computed on the executors.
 */
package dev.imageclassifier.spark;
