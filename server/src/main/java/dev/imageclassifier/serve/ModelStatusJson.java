package dev.imageclassifier.serve;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Comparator;
import java.util.List;

/**
 * The body of {@code GET /models/{name}} (and each item of {@code GET /models}): a model's versions, which one is
 * loaded, and the last load that failed, if any: after a failed reload the version before keeps serving and this says
 * why the new file was refused.
 *
 * @param name     the model's name
 * @param isDefault whether it answers the routes without a model name
 * @param ready    whether a version is loaded and warmed up
 * @param version  the version the model's routes answer with now (null when none is loaded)
 * @param versions every version, the highest first
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelStatusJson(String name, @JsonProperty("default") boolean isDefault, boolean ready, String version,
                              List<VersionJson> versions) {

    /**
     * One served file.
     *
     * @param version     its version (null before anything loaded from a plain file)
     * @param state       {@code LOADING}, {@code READY} or {@code UNAVAILABLE}
     * @param file        the file's name (not where the server keeps it)
     * @param sha256      SHA-256 of the file as loaded
     * @param loadedAt    when it was loaded (ISO-8601)
     * @param memoryBytes resident memory it took when loaded
     * @param lastError   the last load of this file that failed, if it is the latest attempt
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record VersionJson(String version, String state, String file, String sha256, @JsonProperty("loaded_at") String loadedAt,
                              @JsonProperty("memory_bytes") Long memoryBytes, @JsonProperty("last_error") ErrorJson lastError) {
    }

    /** @param detail why, in words for clients; @param at when (ISO-8601) */
    public record ErrorJson(String detail, String at) {
    }

    static ModelStatusJson of(String name, boolean isDefault, List<ModelSlot> slots) {
        List<VersionJson> versions = slots.stream()
                .sorted(Comparator.comparing(ModelSlot::version, ModelRegistry::compareVersions).reversed())
                .map(ModelStatusJson::version).toList();
        String serving = versions.stream().filter(v -> "READY".equals(v.state())).map(VersionJson::version).findFirst().orElse(null);
        return new ModelStatusJson(name, isDefault, serving != null, serving, versions);
    }

    private static VersionJson version(ModelSlot slot) {
        ServedVersion served = slot.current();
        ModelSlot.Failure failure = slot.failure();
        ErrorJson error = failure == null ? null : new ErrorJson(failure.detail(), failure.at().toString());
        String file = slot.source().getFileName() == null ? null : slot.source().getFileName().toString();
        if (served == null) {
            return new VersionJson(slot.version(), slot.loading() ? "LOADING" : "UNAVAILABLE", file, null, null, null, error);
        }
        return new VersionJson(served.version(), "READY", file, served.sha256(), served.loadedAt().toString(), served.memoryBytes(), error);
    }
}
