package dev.imageclassifier.cli;

import picocli.CommandLine;

import java.io.PrintWriter;

/**
 * A mistyped command line gets the one line that says what is wrong and where to look, exit code 2, not
 * the whole usage text (which buries the one useful line under sixty others).
 */
final class UsageErrors implements CommandLine.IParameterExceptionHandler {

    @Override
    public int handleParseException(CommandLine.ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        err.println("error: " + e.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println("See '" + command.getCommandSpec().qualifiedName() + " --help'.");
        return command.getCommandSpec().exitCodeOnInvalidInput();
    }
}
