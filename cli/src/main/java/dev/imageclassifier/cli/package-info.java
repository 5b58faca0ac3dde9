/**
 * The command line (an application, not API): one picocli entry point with the commands prepare, train,
 * evaluate, predict, quantize, serve, run and bench. Commands call the library's API and turn its typed
 * failures into advice about flags; logging is configured here (logback).
 */
package dev.imageclassifier.cli;
