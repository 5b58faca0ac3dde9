package dev.imageclassifier.serve;

import dev.imageclassifier.InferenceMonitor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The classifier's batching engine as Micrometer meters (and so {@code /metrics}), named after each
 * pipeline: {@code classifier.batch.size}, {@code classifier.inference}, {@code classifier.queue.wait},
 * {@code classifier.queue.depth}, … tagged with the model's name (the queue gauges also with its version, and removed
 * when that version closes). The library reports the events; which registry counts them is the server's business.
 */
final class MicrometerMonitor implements InferenceMonitor, AutoCloseable {

    /** The meters of one pipeline. */
    private record Meters(DistributionSummary batchSizes, Timer inference, Timer queueWait, Timer preprocess, Counter rejected,
                          Counter expired) {
    }

    private final MeterRegistry registry;
    private final Tags model;
    private final Tags version;
    private final Map<String, Meters> pipelines = new ConcurrentHashMap<>();
    private final List<Meter> gauges = new CopyOnWriteArrayList<>();

    MicrometerMonitor(MeterRegistry registry, String name, String version) {
        this.registry = registry;
        this.model = Tags.of("model", name);
        this.version = model.and("version", version);
    }

    /** Removes this version's gauges: a closed queue is no longer reported, nor kept alive by the registry. */
    @Override
    public void close() {
        gauges.forEach(registry::remove);
        gauges.clear();
    }

    @Override
    public void started(String pipeline, Queue queue) {
        // Supplier gauges hold their state strongly (object gauges would only weakly reference the lambdas).
        gauges.add(Gauge.builder(pipeline + ".queue.depth", queue::waiting).description("Preprocessed images waiting for the model")
                .tags(version).register(registry));
        gauges.add(Gauge.builder(pipeline + ".incoming", queue::preparing).description("Admitted images still being preprocessed")
                .tags(version).register(registry));
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
                        .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64).tags(model).register(registry),
                Timer.builder(n + ".inference").description("Duration of one model call (a whole batch)")
                        .serviceLevelObjectives(ms(5), ms(10), ms(25), ms(50), ms(100), ms(250), ms(500), ms(1000)).tags(model).register(registry),
                Timer.builder(n + ".queue.wait").description("Time a preprocessed image waited for its batch")
                        .serviceLevelObjectives(ms(1), ms(5), ms(10), ms(25), ms(50), ms(100), ms(250), ms(1000)).tags(model).register(registry),
                Timer.builder(n + ".preprocess").description("Decoding and preprocessing of one image")
                        .serviceLevelObjectives(ms(1), ms(5), ms(10), ms(25), ms(50), ms(100), ms(250)).tags(model).register(registry),
                Counter.builder(n + ".rejected").description("Images refused because the queue was full").tags(model).register(registry),
                Counter.builder(n + ".expired").description("Queued images dropped because their client gave up").tags(model).register(registry)));
    }

    private static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }
}
