package dev.imageclassifier;

/**
 * One task in progress (extracting features, training epochs, a download), as a {@link ProgressListener}
 * began it: the library calls {@link #step} as work gets done and {@link #close} at the end.
 */
public interface Progress extends AutoCloseable {

    /** Shows nothing. */
    Progress NONE = new Progress() {
        @Override
        public void step(long amount) {
        }

        @Override
        public void close() {
        }
    };

    /**
     * {@code amount} more units are done.
     *
     * @param amount units done since the last call
     */
    void step(long amount);

    /** One more unit is done. */
    default void step() {
        step(1);
    }

    /**
     * Extra words shown after the counts, e.g. the current loss.
     *
     * @param text the words; replaces the previous ones
     */
    default void message(String text) {
    }

    /** The task has ended (done or failed). */
    @Override
    void close();
}
