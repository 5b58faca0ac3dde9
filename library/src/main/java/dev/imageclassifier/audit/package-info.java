/** Internal: the dataset audit's computations (duplicates, suspected label errors, outliers, file problems); not API. */
package dev.imageclassifier.audit;
