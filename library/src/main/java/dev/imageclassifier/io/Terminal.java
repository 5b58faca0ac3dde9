package dev.imageclassifier.io;

import java.io.Console;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether a person watches stderr: progress bars belong there, plain lines belong in logs and CI. */
public final class Terminal {

    private static final Path STDERR_LINK = Path.of("/proc/self/fd/2");

    private Terminal() {
    }

    /**
     * True when stderr is a terminal. Java has no isatty(2): on Linux the link {@code /proc/self/fd/2}
     * names the terminal device, elsewhere a console on stdin and stdout stands in for it.
     */
    public static boolean stderrIsTerminal() {
        if (Files.isSymbolicLink(STDERR_LINK)) {
            try {
                return isTerminalDevice(Files.readSymbolicLink(STDERR_LINK).toString());
            } catch (IOException | UnsupportedOperationException | SecurityException e) {
                // unreadable: fall back on the console
            }
        }
        return hasInteractiveConsole();
    }

    static boolean isTerminalDevice(String device) {
        return device.startsWith("/dev/pts/") || device.startsWith("/dev/tty") || device.equals("/dev/console");
    }

    private static boolean hasInteractiveConsole() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try { // JDK 22+ returns a console even when redirected; isTerminal() (JDK 22) tells the difference
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true; // JDK 17-21 return a console only for a terminal
        }
    }
}
