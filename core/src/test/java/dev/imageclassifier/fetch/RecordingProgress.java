package dev.imageclassifier.fetch;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Download progress for tests: keeps the status lines a user would have read, shows no transfers. */
public final class RecordingProgress implements DownloadProgress {

    private final List<String> notes = new CopyOnWriteArrayList<>();

    @Override
    public Transfer start(String label, long alreadyDone, long total) {
        return bytes -> { };
    }

    @Override
    public void note(String message) {
        notes.add(message);
    }

    public List<String> notes() {
        return List.copyOf(notes);
    }
}
