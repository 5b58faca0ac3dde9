package dev.imageclassifier.serve;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.imageclassifier.ModelInfo;

import java.util.List;
import java.util.Map;

/** The body of {@code GET /model}: what the classifier file says about itself. */
public record ModelInfoJson(@JsonProperty("num_classes") int numClasses, List<String> labels, String backbone,
                            @JsonProperty("backbone_sha256") String backboneSha256,
                            @JsonProperty("input_size") int inputSize, PreprocessingJson preprocessing,
                            Map<String, Object> metrics, Map<String, Object> training,
                            @JsonProperty("created_at") String createdAt,
                            @JsonProperty("project_version") String projectVersion, Map<String, Object> quantization) {

    /** The preprocessing as the file's metadata spells it (the same keys), so a client can repeat it. */
    public record PreprocessingJson(String framing, int resize, int crop, List<Float> mean, List<Float> std, String interpolation,
                                    String scale, @JsonProperty("channel_order") String channelOrder, String layout) {
    }

    static ModelInfoJson of(ModelInfo info) {
        ModelInfo.Preprocessing p = info.preprocessing();
        return new ModelInfoJson(info.labels().size(), info.labels(), info.backbone().name(), info.backbone().sha256(), p.crop(),
                new PreprocessingJson(p.framing(), p.resize(), p.crop(), p.mean(), p.std(), p.interpolation(), p.scale(),
                        p.channelOrder(), p.layout()),
                info.metrics(), info.training(), info.createdAt(), info.libraryVersion(), info.quantization());
    }
}
