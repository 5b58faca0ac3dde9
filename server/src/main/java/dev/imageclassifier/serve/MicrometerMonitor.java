package dev.imageclassifier.serve;

import dev.imageclassifier.InferenceMonitor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The classifier's batching engine as Micrometer meters (and so {@code /metrics}), named after each
 * pipeline: {@code classifier.batch.size}, {@code classifier.inference}, {@code classifier.queue.wait},
 * {@code classifier.queue.depth}, … The library reports the events; which registry counts them is the
 * server's business.
 */
final class MicrometerMonitor implements InferenceMonitor {

    /** The meters of one pipeline. */
    private record Meters(DistributionSummary batchSizes, Timer inference, Timer queueWait, Timer preprocess, Counter rejected,
                          Counter expired) {
    }

    private final MeterRegistry registry;
    private final Map<String, Meters> pipelines = new ConcurrentHashMap<>();

    MicrometerMonitor(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void started(String pipeline, Queue queue) {
        // Supplier gauges hold their state strongly (object gauges would only weakly reference the lambdas).
        Gauge.builder(pipeline + ".queue.depth", queue::waiting).description("Preprocessed images waiting for the model")
                .register(registry);
        Gauge.builder(pipeline + ".incoming", queue::preparing).description("Admitted images still being preprocessed")
                .register(registry);
        meters(pipeline);
    }

    @Override
    public void preprocessed(String pipeline, long nanos) {
        meters(pipeline).preprocess().record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void waited(String pipeline, long nanos) {
        meters(pipeline).queueWait().record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void batchRan(String pipeline, int images, long nanos) {
        Meters meters = meters(pipeline);
        meters.inference().record(nanos, TimeUnit.NANOSECONDS);
        meters.batchSizes().record(images);
    }

    @Override
    public void rejected(String pipeline) {
        meters(pipeline).rejected().increment();
    }

    @Override
    public void expired(String pipeline) {
        meters(pipeline).expired().increment();
    }

    private Meters meters(String name) {
        return pipelines.computeIfAbsent(name, n -> new Meters(
                DistributionSummary.builder(n + ".batch.size").description("Images per model call")
                        .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64).register(registry),
                Timer.builder(n + ".inference").description("Duration of one model call (a whole batch)")
                        .serviceLevelObjectives(ms(5), ms(10), ms(25), ms(50), ms(100), ms(250), ms(500), ms(1000)).register(registry),
                Timer.builder(n + ".queue.wait").description("Time a preprocessed image waited for its batch")
                        .serviceLevelObjectives(ms(1), ms(5), ms(10), ms(25), ms(50), ms(100), ms(250), ms(1000)).register(registry),
                Timer.builder(n + ".preprocess").description("Decoding and preprocessing of one image")
                        .serviceLevelObjectives(ms(1), ms(5), ms(10), ms(25), ms(50), ms(100), ms(250)).register(registry),
                Counter.builder(n + ".rejected").description("Images refused because the queue was full").register(registry),
                Counter.builder(n + ".expired").description("Queued images dropped because their client gave up").register(registry)));
    }

    private static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }
}
