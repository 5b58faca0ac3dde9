/** Internal (not API): downloads with resume, retries, proxies and SHA-256 checks, and safe archive extraction. */
package dev.imageclassifier.fetch;
