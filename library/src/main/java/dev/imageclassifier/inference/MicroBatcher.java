package dev.imageclassifier.inference;

import dev.imageclassifier.OverloadedException;
import dev.imageclassifier.InferenceMonitor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Dynamic micro-batching: jobs from many request threads are grouped into one call of a batch function,
 * run by one or a few batcher threads. Like TorchServe's {@code pollBatch}, the batcher waits for the first job,
 * then fills the batch until it is full or {@code maxDelay} has passed, and drops jobs whose client has
 * given up (cancelled, or past its deadline).
 *
 * <p>Two refinements: a job's {@link Slot} is reserved <em>before</em> its expensive preprocessing, so a
 * full server refuses at once instead of decoding images it cannot queue; and because the batcher knows
 * how many reserved jobs are still on their way, it only waits when more are coming, so a lone request
 * never pays {@code maxDelay}.
 */
public final class MicroBatcher<I, O> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MicroBatcher.class);
    private static final long IDLE_POLL_MS = 100;

    /** Runs a whole batch; must answer exactly one output per input, in order. */
    @FunctionalInterface
    public interface BatchFunction<I, O> {
        List<O> apply(List<I> inputs) throws Exception;
    }

    /** One job's output, with how it was batched. */
    public record Result<O>(O value, int batchSize, long queuedNanos, long inferenceNanos) {
    }

    private final BatchFunction<I, O> function;
    private final int maxBatchSize;
    private final long maxDelayNanos;
    private final int capacity;
    private final Semaphore slots;
    private final AtomicInteger incoming = new AtomicInteger();
    private final BlockingQueue<Job<I, O>> queue = new LinkedBlockingQueue<>();
    /** Not a job: queued to wake the batcher when a job it waits for will not come. */
    private final Job<I, O> wakeUp = new Job<>(null, Long.MAX_VALUE, 0, new CompletableFuture<>());
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean accepting = true;

    private final String name;
    private final InferenceMonitor monitor;

    /**
     * @param name     prefix of the thread names, and the pipeline name reported to {@code monitor} (e.g. {@code classifier})
     * @param capacity jobs that may hold a slot at once (preprocessing or queued)
     * @param runners  threads taking batches from the queue, each calling {@code function} (which must then
     *                 be thread-safe): several batches run side by side when the load allows
     */
    public MicroBatcher(String name, BatchFunction<I, O> function, int maxBatchSize, Duration maxDelay, int capacity,
                        int runners, InferenceMonitor monitor) {
        if (maxBatchSize < 1 || capacity < 1 || maxDelay.isNegative() || runners < 1) {
            throw new IllegalArgumentException("need maxBatchSize >= 1, capacity >= 1, maxDelay >= 0, runners >= 1");
        }
        this.function = function;
        this.maxBatchSize = maxBatchSize;
        this.maxDelayNanos = maxDelay.toNanos();
        this.capacity = capacity;
        this.slots = new Semaphore(capacity);
        this.name = name;
        this.monitor = monitor;
        monitor.started(name, new InferenceMonitor.Queue() {
            @Override
            public int waiting() {
                return queue.size();
            }

            @Override
            public int preparing() {
                return incoming.get();
            }
        });
        for (int i = 1; i <= runners; i++) {
            Thread worker = new Thread(this::loop, name + "-batcher-" + i);
            worker.setDaemon(true);
            worker.start();
            workers.add(worker);
        }
    }

    /**
     * Takes a place in the queue for a job that is about to be prepared; refuses at once when full (servers).
     *
     * @param deadline {@link System#nanoTime()} after which nobody waits for the answer any more
     * @throws OverloadedException when every slot is taken or the batcher is closing
     */
    public Slot reserve(long deadline) throws OverloadedException {
        return reserve(1, deadline);
    }

    /** {@link #reserve(long)} for {@code count} jobs at once (e.g. the views of one image), all or none. */
    public Slot reserve(int count, long deadline) throws OverloadedException {
        checkAccepting();
        if (!slots.tryAcquire(count)) {
            monitor.rejected(name);
            throw new OverloadedException("The server is busy: " + capacity + " images are already queued");
        }
        return admitted(count, deadline);
    }

    /**
     * Takes {@code count} places, waiting while the queue is full: back-pressure for callers that have a
     * whole folder to get through and should simply go at the model's pace.
     *
     * @throws OverloadedException when the batcher closes
     */
    public Slot awaitSlot(int count, long deadline) throws OverloadedException, InterruptedException {
        if (count > capacity) {
            throw new IllegalArgumentException(count + " jobs can never fit in a queue of " + capacity);
        }
        do {
            checkAccepting();
        } while (!slots.tryAcquire(count, IDLE_POLL_MS, TimeUnit.MILLISECONDS));
        return admitted(count, deadline);
    }

    private void checkAccepting() throws OverloadedException {
        if (!accepting) {
            throw new OverloadedException("The server is shutting down");
        }
    }

    private Slot admitted(int count, long deadline) {
        incoming.addAndGet(count);
        return new Slot(count, deadline);
    }

    /** Reserved places in the queue: either {@link #submit} the prepared inputs or {@link #release} them. */
    public final class Slot {
        private final int count;
        private final long deadline;
        private final AtomicBoolean used = new AtomicBoolean();

        private Slot(int count, long deadline) {
            this.count = count;
            this.deadline = deadline;
        }

        /** Queues the input of a one-job slot; the future completes when its batch has run. */
        public CompletableFuture<Result<O>> submit(I input) {
            return submit(List.of(input)).get(0);
        }

        /** Queues one input per reserved place; each future completes when its batch has run. */
        public List<CompletableFuture<Result<O>>> submit(List<I> inputs) {
            if (inputs.size() != count) {
                throw new IllegalArgumentException(inputs.size() + " inputs for " + count + " reserved places");
            }
            if (!used.compareAndSet(false, true)) {
                throw new IllegalStateException("slot already used");
            }
            List<Job<I, O>> jobs = new ArrayList<>(count);
            List<CompletableFuture<Result<O>>> futures = new ArrayList<>(count);
            long now = System.nanoTime();
            for (I input : inputs) {
                Job<I, O> job = new Job<>(input, deadline, now, new CompletableFuture<>());
                jobs.add(job);
                futures.add(job.future);
            }
            incoming.addAndGet(-count); // first, or the batcher could take the jobs and still wait for them
            queue.addAll(jobs);
            return futures;
        }

        /** Gives the places back unused (the input could not be prepared). */
        public void release() {
            if (used.compareAndSet(false, true)) {
                slots.release(count);
                if (incoming.addAndGet(-count) == 0) {
                    queue.add(wakeUp); // a batcher waiting for these jobs must not wait out maxDelay
                }
            }
        }
    }

    private record Job<I, O>(I input, long deadline, long enqueued, CompletableFuture<Result<O>> future) {
    }

    private void loop() {
        List<Job<I, O>> batch = new ArrayList<>(maxBatchSize);
        while (true) {
            Job<I, O> first;
            try {
                first = queue.poll(IDLE_POLL_MS, TimeUnit.MILLISECONDS);
                if (first == wakeUp) {
                    continue;
                }
                if (first == null) {
                    if (!accepting && incoming.get() == 0 && queue.isEmpty()) {
                        return;
                    }
                    continue;
                }
                collect(first, batch);
            } catch (InterruptedException e) {
                failAll(batch, e);
                return;
            }
            if (!batch.isEmpty()) {
                run(batch);
            }
            batch.clear();
        }
    }

    /** Fills the batch: take what is queued, and wait (up to maxDelay) only while more jobs are on their way. */
    private void collect(Job<I, O> first, List<Job<I, O>> batch) throws InterruptedException {
        long waitUntil = System.nanoTime() + maxDelayNanos;
        Job<I, O> job = first;
        while (true) {
            admit(job, batch);
            if (batch.size() == maxBatchSize) {
                return;
            }
            job = queue.poll();
            if (job == null) {
                long wait = waitUntil - System.nanoTime();
                if (incoming.get() == 0 || wait <= 0) {
                    return;
                }
                job = queue.poll(wait, TimeUnit.NANOSECONDS);
                if (job == null) {
                    return;
                }
            }
        }
    }

    private void admit(Job<I, O> job, List<Job<I, O>> batch) {
        if (job == wakeUp) {
            return;
        }
        slots.release();
        long now = System.nanoTime();
        if (job.future.isDone()) {
            monitor.expired(name); // cancelled by its client
        } else if (now - job.deadline > 0) {
            monitor.expired(name);
            job.future.completeExceptionally(new TimeoutException("gave up waiting for the model"));
        } else {
            monitor.waited(name, now - job.enqueued);
            batch.add(job);
        }
    }

    private void run(List<Job<I, O>> batch) {
        List<I> inputs = new ArrayList<>(batch.size());
        batch.forEach(job -> inputs.add(job.input));
        long start = System.nanoTime();
        try {
            List<O> outputs = function.apply(inputs);
            long took = System.nanoTime() - start;
            if (outputs.size() != inputs.size()) {
                throw new IllegalStateException("the batch function answered " + outputs.size() + " outputs for " + inputs.size() + " inputs");
            }
            monitor.batchRan(name, batch.size(), took);
            for (int i = 0; i < batch.size(); i++) {
                Job<I, O> job = batch.get(i);
                job.future.complete(new Result<>(outputs.get(i), batch.size(), start - job.enqueued, took));
            }
        } catch (Exception | Error e) {
            // One bad batch must not stop the thread every later request depends on.
            LOG.error("Batch of {} failed", batch.size(), e);
            failAll(batch, e);
        }
    }

    private static <I, O> void failAll(List<Job<I, O>> batch, Throwable cause) {
        batch.forEach(job -> job.future.completeExceptionally(cause));
    }

    /** Refuses new jobs, lets the queued and incoming ones finish (up to {@code timeout}), then stops. */
    public void close(Duration timeout) {
        accepting = false;
        long until = System.nanoTime() + timeout.toNanos();
        for (Thread worker : workers) {
            try {
                worker.join(Math.max(1, (until - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (worker.isAlive()) {
                worker.interrupt();
            }
        }
        Job<I, O> left;
        while ((left = queue.poll()) != null) {
            left.future.completeExceptionally(new OverloadedException("The server is shutting down"));
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
