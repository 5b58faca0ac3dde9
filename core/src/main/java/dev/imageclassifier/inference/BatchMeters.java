package dev.imageclassifier.inference;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/** What a {@link MicroBatcher} reports to Micrometer (and so to {@code /metrics}), named after the batcher. */
final class BatchMeters {

    private final DistributionSummary batchSizes;
    private final Timer inferenceTime;
    private final Timer queueWait;
    private final Counter rejected;
    private final Counter expired;

    /**
     * @param queueDepth jobs prepared and waiting for the model
     * @param incoming   jobs admitted and still being prepared
     */
    BatchMeters(String name, MeterRegistry registry, IntSupplier queueDepth, IntSupplier incoming) {
        this.batchSizes = DistributionSummary.builder(name + ".batch.size").description("Images per model call")
                .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64).register(registry);
        this.inferenceTime = Timer.builder(name + ".inference").description("Duration of one model call (a whole batch)")
                .serviceLevelObjectives(ms(5), ms(10), ms(25), ms(50), ms(100), ms(250), ms(500), ms(1000)).register(registry);
        this.queueWait = Timer.builder(name + ".queue.wait").description("Time a preprocessed image waited for its batch")
                .serviceLevelObjectives(ms(1), ms(5), ms(10), ms(25), ms(50), ms(100), ms(250), ms(1000)).register(registry);
        this.rejected = Counter.builder(name + ".rejected").description("Images refused because the queue was full").register(registry);
        this.expired = Counter.builder(name + ".expired").description("Queued images dropped because their client gave up")
                .register(registry);
        // Supplier gauges hold their state strongly (object gauges would only weakly reference the lambdas).
        Gauge.builder(name + ".queue.depth", queueDepth::getAsInt).description("Preprocessed images waiting for the model")
                .register(registry);
        Gauge.builder(name + ".incoming", incoming::getAsInt).description("Admitted images still being preprocessed")
                .register(registry);
    }

    void rejected() {
        rejected.increment();
    }

    void expired() {
        expired.increment();
    }

    void queued(long nanos) {
        queueWait.record(nanos, TimeUnit.NANOSECONDS);
    }

    void batch(int size, long nanos) {
        inferenceTime.record(nanos, TimeUnit.NANOSECONDS);
        batchSizes.record(size);
    }

    private static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }
}
