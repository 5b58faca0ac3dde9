/** Benchmark experiment programs (in no production artifact): see docs/benchmarks.md for what each measured. */
package dev.imageclassifier.benchmarks;
