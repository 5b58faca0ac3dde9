package dev.imageclassifier.fetch;

import dev.imageclassifier.io.Progress;
import dev.imageclassifier.io.ProgressText;

import java.io.PrintStream;

/** Download status lines printed to a stream, with each transfer shown as a bar, as log lines, or not at all. */
final class PrintedDownloadProgress implements DownloadProgress {

    enum Transfers { BAR, LINES, HIDDEN }

    private final PrintStream out;
    private final Transfers transfers;

    PrintedDownloadProgress(PrintStream out, Transfers transfers) {
        this.out = out;
        this.transfers = transfers;
    }

    @Override
    public Transfer start(String label, long alreadyDone, long total) {
        ProgressText text = new ProgressText(label, ProgressText.BYTES);
        Progress progress = switch (transfers) {
            case BAR -> Progress.terminal(text, total, alreadyDone, out);
            case LINES -> Progress.log(text, total, alreadyDone, out);
            case HIDDEN -> Progress.NONE;
        };
        return new Transfer() {
            @Override
            public void advance(long bytes) {
                progress.step(bytes);
            }

            @Override
            public void close() {
                progress.close();
            }
        };
    }

    @Override
    public void note(String message) {
        out.println(message);
        out.flush();
    }
}
