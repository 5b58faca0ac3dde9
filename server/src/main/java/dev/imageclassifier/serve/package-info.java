/**
 * The REST server (an application of the library, not part of its API): Javalin routes, uploads and their
 * limits, JSON answers, OpenAPI, Prometheus metrics, the web page and graceful shutdown. It uses only the
 * library's API package.
 */
package dev.imageclassifier.serve;
