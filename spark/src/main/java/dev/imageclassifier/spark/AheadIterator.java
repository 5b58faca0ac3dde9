package dev.imageclassifier.spark;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Streams a partition through an asynchronous model: up to {@code window} inputs are on their way at once
 * (so they share batches with each other and with the executor's other tasks), and results come out in
 * input order. Only the window is held in memory, never the whole partition.
 *
 * @param <I> an input row
 * @param <V> what the model makes of it
 * @param <O> an output row
 */
final class AheadIterator<I, V, O> implements Iterator<O> {

    /** Starts the work for one input; {@code finish} turns its outcome (a value, or the failure) into the output. */
    interface Step<I, V, O> {
        CompletableFuture<V> start(I input) throws InterruptedException;

        O finish(I input, V value, Throwable failure);
    }

    private record Pending<I, V>(I input, CompletableFuture<V> future) {
    }

    private final Iterator<I> inputs;
    private final int window;
    private final Step<I, V, O> step;
    private final Deque<Pending<I, V>> pending = new ArrayDeque<>();

    AheadIterator(Iterator<I> inputs, int window, Step<I, V, O> step) {
        this.inputs = inputs;
        this.window = window;
        this.step = step;
    }

    @Override
    public boolean hasNext() {
        while (pending.size() < window && inputs.hasNext()) {
            I input = inputs.next();
            try {
                pending.add(new Pending<>(input, step.start(input)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the model's queue", e);
            }
        }
        return !pending.isEmpty();
    }

    @Override
    public O next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Pending<I, V> next = pending.poll();
        V value;
        try {
            value = next.future().join();
        } catch (CompletionException e) {
            Throwable cause = e;
            while (cause instanceof CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            return step.finish(next.input(), null, cause);
        }
        return step.finish(next.input(), value, null);
    }
}
