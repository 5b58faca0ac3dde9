/**
 * Plain utilities, usable by the applications (not part of the API's promises): files written atomically and
 * together, JSON, SHA-256, progress text, the cache folder, whether stderr is a terminal.
 */
package dev.imageclassifier.io;
