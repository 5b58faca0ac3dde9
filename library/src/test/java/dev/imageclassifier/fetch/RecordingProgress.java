package dev.imageclassifier.fetch;

import dev.imageclassifier.Progress;
import dev.imageclassifier.ProgressListener;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Download progress for tests: keeps the status lines a user would have read, shows no transfers. */
public final class RecordingProgress implements ProgressListener {

    private final List<String> notes = new CopyOnWriteArrayList<>();

    @Override
    public Progress begin(String task, long total, long alreadyDone, String unit) {
        return Progress.NONE;
    }

    @Override
    public void note(String line) {
        notes.add(line);
    }

    public List<String> notes() {
        return List.copyOf(notes);
    }
}
