package dev.imageclassifier.inference;

import dev.imageclassifier.OverloadedException;
import dev.imageclassifier.inference.MicroBatcher.Result;
import dev.imageclassifier.InferenceMonitor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The batcher alone, with a fake model that records the batches it is given and can be held. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class MicroBatcherTest {

    private static final long FAR = TimeUnit.MINUTES.toNanos(5);

    private final List<List<Integer>> calls = new CopyOnWriteArrayList<>();
    private final CountDownLatch held = new CountDownLatch(1);
    private volatile boolean hold;
    private MicroBatcher<Integer, String> batcher;

    /** Doubles each input; while {@code hold} is set, the first call waits for {@link #held}. */
    private List<String> model(List<Integer> inputs) throws InterruptedException {
        calls.add(List.copyOf(inputs));
        if (hold) {
            held.await();
        }
        return inputs.stream().map(i -> "x" + 2 * i).toList();
    }

    private MicroBatcher<Integer, String> batcher(int maxBatch, Duration maxDelay, int capacity) {
        batcher = new MicroBatcher<>("test", this::model, maxBatch, maxDelay, capacity, 1, InferenceMonitor.NONE);
        return batcher;
    }

    @AfterEach
    void close() {
        held.countDown();
        batcher.close(Duration.ofMillis(200)); // short: some tests leave reserved slots that never arrive
    }

    private CompletableFuture<Result<String>> submit(int input) throws OverloadedException {
        return batcher.reserve(System.nanoTime() + FAR).submit(input);
    }

    @Test
    void with_two_runners_a_second_batch_runs_while_the_first_is_still_busy() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        batcher = new MicroBatcher<>("test", inputs -> {
            calls.add(List.copyOf(inputs));
            if (inputs.contains(1)) {
                release.await(); // the first batch is held until the end of the test
            }
            return inputs.stream().map(i -> "x" + 2 * i).toList();
        }, 8, Duration.ZERO, 100, 2, InferenceMonitor.NONE);
        CompletableFuture<Result<String>> first = submit(1);
        awaitCalls(1);
        CompletableFuture<Result<String>> second = submit(2);
        // The second runner takes the next job instead of waiting behind the held batch.
        assertThat(second.get(10, TimeUnit.SECONDS).value()).isEqualTo("x4");
        assertThat(first).isNotDone();
        release.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS).value()).isEqualTo("x2");
        assertThat(calls).containsExactly(List.of(1), List.of(2));
    }

    @Test
    void jobs_that_queue_up_while_the_model_is_busy_share_its_next_call() throws Exception {
        batcher(8, Duration.ZERO, 100);
        hold = true;
        CompletableFuture<Result<String>> first = submit(1);
        awaitCalls(1);
        List<CompletableFuture<Result<String>>> waiting = new ArrayList<>();
        for (int i = 2; i <= 5; i++) {
            waiting.add(submit(i));
        }
        held.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS).batchSize()).isEqualTo(1);
        for (int i = 0; i < waiting.size(); i++) {
            Result<String> result = waiting.get(i).get(10, TimeUnit.SECONDS);
            assertThat(result.value()).isEqualTo("x" + 2 * (i + 2));
            assertThat(result.batchSize()).isEqualTo(4);
        }
        assertThat(calls).containsExactly(List.of(1), List.of(2, 3, 4, 5));
    }

    @Test
    void a_batch_never_exceeds_the_maximum_size() throws Exception {
        batcher(3, Duration.ZERO, 100);
        hold = true;
        submit(0);
        awaitCalls(1);
        List<CompletableFuture<Result<String>>> waiting = new ArrayList<>();
        for (int i = 1; i <= 7; i++) {
            waiting.add(submit(i));
        }
        held.countDown();
        for (CompletableFuture<Result<String>> job : waiting) {
            job.get(10, TimeUnit.SECONDS);
        }
        assertThat(calls).containsExactly(List.of(0), List.of(1, 2, 3), List.of(4, 5, 6), List.of(7));
    }

    @Test
    void a_lone_job_does_not_wait_out_the_batch_delay() throws Exception {
        batcher(8, Duration.ofMinutes(10), 100);
        assertThat(submit(21).get(30, TimeUnit.SECONDS).value()).isEqualTo("x42");
    }

    @Test
    void the_batcher_waits_for_a_job_whose_slot_is_reserved_and_still_being_prepared() throws Exception {
        batcher(2, Duration.ofMinutes(10), 100);
        MicroBatcher<Integer, String>.Slot coming = batcher.reserve(System.nanoTime() + FAR);
        CompletableFuture<Result<String>> first = submit(1);
        Thread.sleep(200); // the batcher holds the first job, waiting for the reserved one
        assertThat(calls).isEmpty();
        CompletableFuture<Result<String>> second = coming.submit(2);
        assertThat(first.get(30, TimeUnit.SECONDS).batchSize()).isEqualTo(2);
        assertThat(second.get(30, TimeUnit.SECONDS).value()).isEqualTo("x4");
    }

    @Test
    void a_released_slot_stops_the_wait_and_frees_its_place() throws Exception {
        batcher(2, Duration.ofMinutes(10), 2);
        MicroBatcher<Integer, String>.Slot failed = batcher.reserve(System.nanoTime() + FAR);
        CompletableFuture<Result<String>> first = submit(1);
        Thread.sleep(200); // the batcher holds the first job, waiting for the reserved one
        failed.release(); // e.g. the upload was not an image: the batcher must stop waiting now
        assertThat(first.get(30, TimeUnit.SECONDS).batchSize()).isEqualTo(1);
        submit(2).get(30, TimeUnit.SECONDS);
        submit(3).get(30, TimeUnit.SECONDS);
    }

    @Test
    void a_full_queue_refuses_at_once_and_takes_jobs_again_when_a_place_frees_up() throws Exception {
        batcher(8, Duration.ZERO, 2);
        MicroBatcher<Integer, String>.Slot a = batcher.reserve(System.nanoTime() + FAR);
        batcher.reserve(System.nanoTime() + FAR);
        assertThatThrownBy(() -> batcher.reserve(System.nanoTime() + FAR))
                .isInstanceOf(OverloadedException.class).hasMessageContaining("busy");
        a.release();
        batcher.reserve(System.nanoTime() + FAR);
    }

    @Test
    void jobs_whose_client_gave_up_are_dropped_not_run() throws Exception {
        batcher(8, Duration.ZERO, 100);
        hold = true;
        CompletableFuture<Result<String>> running = submit(1);
        awaitCalls(1);
        CompletableFuture<Result<String>> expired = batcher.reserve(System.nanoTime() - 1).submit(2);
        CompletableFuture<Result<String>> cancelled = submit(3);
        cancelled.cancel(false);
        CompletableFuture<Result<String>> alive = submit(4);
        held.countDown();

        running.get(10, TimeUnit.SECONDS);
        assertThat(alive.get(10, TimeUnit.SECONDS).value()).isEqualTo("x8");
        assertThatThrownBy(() -> expired.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(TimeoutException.class);
        assertThat(calls).containsExactly(List.of(1), List.of(4));
    }

    @Test
    void a_failing_batch_fails_its_own_jobs_and_the_next_batch_runs() throws Exception {
        batcher = new MicroBatcher<>("test", inputs -> {
            if (inputs.contains(13)) {
                throw new IllegalStateException("unlucky");
            }
            return inputs.stream().map(String::valueOf).toList();
        }, 8, Duration.ZERO, 100, 1, InferenceMonitor.NONE);
        assertThatThrownBy(() -> submit(13).get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class);
        assertThat(submit(14).get(10, TimeUnit.SECONDS).value()).isEqualTo("14");
    }

    @Test
    void a_model_answering_the_wrong_number_of_outputs_is_an_error_not_a_silent_mismatch() {
        batcher = new MicroBatcher<>("test", inputs -> List.of("only one", "and another"), 8, Duration.ZERO, 100, 1,
                InferenceMonitor.NONE);
        assertThatThrownBy(() -> submit(1).get(10, TimeUnit.SECONDS)).hasRootCauseMessage(
                "the batch function answered 2 outputs for 1 inputs");
    }

    @Test
    void closing_finishes_the_queued_jobs_then_refuses_new_ones() throws Exception {
        batcher(8, Duration.ZERO, 100);
        hold = true;
        submit(1);
        awaitCalls(1);
        CompletableFuture<Result<String>> queued = submit(2);
        CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> batcher.close(Duration.ofSeconds(30)));
        awaitRefusal();
        assertThatThrownBy(() -> submit(3)).isInstanceOf(OverloadedException.class).hasMessageContaining("shutting down");
        held.countDown();
        assertThat(queued.get(10, TimeUnit.SECONDS).value()).isEqualTo("x4");
        closing.get(10, TimeUnit.SECONDS);
    }

    /** Until the closing batcher refuses new jobs. */
    private void awaitRefusal() throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < until) {
            try {
                batcher.reserve(System.nanoTime() + FAR).release();
            } catch (OverloadedException refused) {
                return;
            }
            Thread.sleep(5);
        }
    }

    private void awaitCalls(int count) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (calls.size() < count && System.nanoTime() < until) {
            Thread.sleep(5);
        }
        assertThat(calls).hasSizeGreaterThanOrEqualTo(count);
    }
}
