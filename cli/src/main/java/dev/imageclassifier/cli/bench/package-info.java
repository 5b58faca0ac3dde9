/** The {@code bench} command's load test: a server child process, closed-loop clients, the report (not API). */
package dev.imageclassifier.cli.bench;
