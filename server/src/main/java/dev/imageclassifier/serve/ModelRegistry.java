package dev.imageclassifier.serve;

import io.javalin.http.NotFoundResponse;
import io.javalin.http.ServiceUnavailableResponse;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The models the server answers with: name → versions → a reference-counted loaded model ({@link ServedVersion}).
 *
 * <ul>
 * <li><b>Lookup</b>: {@link #acquire(String, String)} by name and optional version (null = the model's default
 *     version: its only file, or a repository's highest version that is loaded), {@link #acquireDefault()} for the
 *     routes without a name. Both return a {@link ModelLease} to close when the request is done (try-with-resources);
 *     an unknown name or version throws Javalin's {@link NotFoundResponse}, a known one with nothing loaded
 *     {@link ServiceUnavailableResponse} (503 + Retry-After) with the reason.</li>
 * <li><b>Swaps</b>: {@link #reload(String)} (the admin route) and the poll ({@link #startWatching}) load a replaced file
 *     beside the version serving, then swap it in with one write; requests holding the old version finish on it and the
 *     last one closes it. A file that fails to load leaves the old version serving, with the failure in
 *     {@link #models()}'s status, the log and {@code model_loads_total{outcome="failed"}}.</li>
 * <li><b>Ready</b>: {@link #isReady()}: the default model has a version loaded and warmed, and the server is not
 *     draining ({@link #drain()}).</li>
 * </ul>
 *
 * A repository folder ({@code NAME/VERSION/classifier.onnx}) is scanned again at each poll: a new version folder is
 * loaded (and becomes the default version once loaded, as the highest), a removed one is unloaded.
 */
public final class ModelRegistry implements AutoCloseable {

    /** What /health and the status say while a model loads (Jetty starts alongside). */
    public static final String LOADING = "The model is still loading";

    private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);

    private final ModelSources sources;
    private final ModelLoader loader;
    private final MeterRegistry meters;
    private final Map<String, List<ModelSlot>> models = new ConcurrentSkipListMap<>();
    private final String defaultName;
    private volatile boolean draining;
    private ScheduledExecutorService watcher;

    ModelRegistry(ModelSources sources, ModelLoader loader, MeterRegistry meters) {
        this.sources = sources;
        this.loader = loader;
        this.meters = meters;
        for (ModelSources.NamedFile file : sources.files()) {
            models.put(file.name(), new CopyOnWriteArrayList<>(List.of(new ModelSlot(file.name(), null, file.file()))));
        }
        scanRepository();
        this.defaultName = sources.defaultModel() != null ? sources.defaultModel()
                : !sources.files().isEmpty() ? sources.files().get(0).name()
                : models.isEmpty() ? "classifier" : models.keySet().iterator().next();
        models.computeIfAbsent(defaultName, name -> new CopyOnWriteArrayList<>()); // a missing default is reported, not fatal
        for (String name : models.keySet()) {
            registerMeters(name);
        }
    }

    /** The name of the model that answers the routes without a model name. */
    public String defaultName() {
        return defaultName;
    }

    /** The names served, in order. */
    public List<String> names() {
        return List.copyOf(models.keySet());
    }

    /** A lease on the default model's default version (see {@link #acquire}). */
    public ModelLease acquireDefault() {
        return acquire(defaultName, null);
    }

    /**
     * A lease on a model version, to close when done.
     *
     * @param name    the model's name
     * @param version its version, or null for its default version
     * @throws NotFoundResponse           no such model or version
     * @throws ServiceUnavailableResponse the model is known but nothing is loaded (the message says why)
     */
    public ModelLease acquire(String name, String version) {
        List<ModelSlot> slots = slots(name);
        List<ModelSlot> candidates = slots.stream()
                .filter(slot -> version == null || version.equals(slot.version()))
                .sorted(Comparator.comparing((ModelSlot slot) -> slot.version(), ModelRegistry::compareVersions).reversed())
                .toList();
        if (candidates.isEmpty() && version != null) {
            throw new NotFoundResponse("Model " + name + " has no version " + version + " (GET /models/" + name + " lists them)");
        }
        for (ModelSlot slot : candidates) {
            ModelLease lease = slot.lease();
            if (lease != null && (version == null || version.equals(lease.version()))) {
                return lease;
            }
            if (lease != null) {
                lease.close(); // swapped for another version just now
            }
        }
        throw new ServiceUnavailableResponse("Model not loaded: " + unavailableReason(candidates));
    }

    /** Whether the default model has a version loaded and warmed and the server is not draining. */
    public boolean isReady() {
        return !draining && slots(defaultName).stream().anyMatch(slot -> slot.current() != null);
    }

    /** Why the default model cannot answer, or null when it can. */
    public String defaultUnavailableReason() {
        List<ModelSlot> slots = models.get(defaultName);
        return slots.stream().anyMatch(slot -> slot.current() != null) ? null : unavailableReason(slots);
    }

    /** From now on {@link #isReady()} is false: the server is stopping. */
    public void drain() {
        draining = true;
    }

    public boolean isDraining() {
        return draining;
    }

    /** The status of every model, the default first. */
    public List<ModelStatusJson> models() {
        List<ModelStatusJson> all = new ArrayList<>();
        all.add(status(defaultName));
        models.keySet().stream().filter(name -> !name.equals(defaultName)).forEach(name -> all.add(status(name)));
        return all;
    }

    /** One model's status: its versions, which is loaded, the last failure. */
    public ModelStatusJson status(String name) {
        return ModelStatusJson.of(name, name.equals(defaultName), slots(name));
    }

    /**
     * Loads the model's files again now (and, for a repository, looks for new or removed versions); a file whose
     * content is unchanged is left as it is.
     *
     * @return whether every file of the model that was tried loaded (or was unchanged)
     */
    public boolean reload(String name) {
        List<ModelSlot> slots = slots(name);
        if (sources.repository() != null) {
            scanRepository();
        }
        boolean ok = true;
        for (ModelSlot slot : slots) {
            ok &= load(slot) != ModelSlot.Reload.FAILED;
        }
        return ok;
    }

    /** The first load of every file (the server calls it once, beside Jetty's start). */
    void loadAll() {
        models.values().forEach(slots -> slots.forEach(this::load));
    }

    /** Checks the files every {@code interval} and reloads those replaced (and settled); zero = never. */
    synchronized void startWatching(Duration interval) {
        if (interval.isZero() || watcher != null) {
            return;
        }
        watcher = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "model-watcher");
            thread.setDaemon(true);
            return thread;
        });
        watcher.scheduleWithFixedDelay(this::poll, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One check of every file; a failure of one check is logged, and the next poll tries again. */
    void poll() {
        try {
            if (sources.repository() != null) {
                scanRepository();
            }
            for (List<ModelSlot> slots : models.values()) {
                for (ModelSlot slot : slots) {
                    if (slot.changedAndSettled()) {
                        LOG.info("Model {}: {} changed, loading it", slot.name(), slot.source().getFileName());
                        load(slot);
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.error("Checking the model files failed", e);
        }
    }

    private ModelSlot.Reload load(ModelSlot slot) {
        ModelSlot.Reload outcome = slot.reload(loader);
        Counter.builder("model.loads").description("Model file loads by outcome: loaded, unchanged (same content), failed (the "
                + "version serving before keeps serving)").tags("model", slot.name(), "outcome", outcome.name().toLowerCase())
                .register(meters).increment();
        return outcome;
    }

    private List<ModelSlot> slots(String name) {
        List<ModelSlot> slots = name == null ? null : models.get(name);
        if (slots == null) {
            throw new NotFoundResponse("No model named '" + name + "' (GET /models lists them)");
        }
        return slots;
    }

    private String unavailableReason(List<ModelSlot> slots) {
        for (ModelSlot slot : slots) {
            if (slot.failure() != null) {
                return slot.failure().detail();
            }
        }
        return slots.isEmpty() ? "No model file found for model " + defaultName : LOADING;
    }

    private void registerMeters(String name) {
        Gauge.builder("model.load.failing", () -> models.getOrDefault(name, List.of()).stream().anyMatch(s -> s.failure() != null) ? 1 : 0)
                .description("1 while the last load of one of the model's files failed (the version serving before keeps serving)")
                .tag("model", name).register(meters);
    }

    /** Finds the repository's model and version folders: new ones get a slot (loaded by the caller or the poll), removed ones are closed. */
    private synchronized void scanRepository() {
        Path repository = sources.repository();
        if (repository == null) {
            return;
        }
        for (Path folder : list(repository)) {
            String name = folder.getFileName().toString();
            if (!Files.isDirectory(folder) || !ModelSources.NAME.matcher(name).matches()) {
                continue;
            }
            List<ModelSlot> slots = models.computeIfAbsent(name, n -> {
                registerMeters(n);
                return new CopyOnWriteArrayList<>();
            });
            List<String> present = new ArrayList<>();
            for (Path versionFolder : list(folder)) {
                String version = versionFolder.getFileName().toString();
                Path file = versionFolder.resolve(ModelSources.REPOSITORY_FILE);
                if (version.matches("[0-9]{1,18}") && Files.isRegularFile(file)) {
                    present.add(version);
                    if (slots.stream().noneMatch(slot -> version.equals(slot.version()))) {
                        slots.add(new ModelSlot(name, version, file));
                    }
                }
            }
            for (ModelSlot slot : slots) {
                if (slot.version() != null && !present.contains(slot.version()) && Files.notExists(slot.source())) {
                    LOG.info("Model {} version {}: its folder is gone, unloading it", name, slot.version());
                    slots.remove(slot);
                    slot.close();
                }
            }
        }
    }

    private static List<Path> list(Path folder) {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Numeric versions by number, then the rest by text. */
    static int compareVersions(String a, String b) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : -1) : 1;
        }
        boolean numeric = a.matches("[0-9]{1,18}") && b.matches("[0-9]{1,18}");
        return numeric ? Long.compare(Long.parseLong(a), Long.parseLong(b)) : a.compareTo(b);
    }

    /** Stops watching and lets go of every version (each closes once its requests are done), then the snapshots. */
    @Override
    public void close() {
        synchronized (this) {
            if (watcher != null) {
                watcher.shutdownNow();
            }
        }
        models.values().forEach(slots -> slots.forEach(ModelSlot::close));
        loader.close();
    }
}
