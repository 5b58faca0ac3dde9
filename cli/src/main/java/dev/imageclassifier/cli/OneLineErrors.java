package dev.imageclassifier.cli;

import picocli.CommandLine;

/**
 * Failures end with one line on stderr ({@code error: <reason>}) and exit code 1, never a stack trace;
 * set {@code IMAGE_CLASSIFIER_DEBUG=1} to see the trace.
 */
final class OneLineErrors implements CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        commandLine.getErr().println("error: " + Advice.of(e, commandLine.getCommandName()));
        if (System.getenv("IMAGE_CLASSIFIER_DEBUG") != null) {
            e.printStackTrace(commandLine.getErr());
        }
        return 1;
    }
}
