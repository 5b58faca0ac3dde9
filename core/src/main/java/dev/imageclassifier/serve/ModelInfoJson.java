package dev.imageclassifier.serve;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.imageclassifier.model.ModelMetadata;
import dev.imageclassifier.model.PreprocessingProperties;
import dev.imageclassifier.vision.Preprocessing;

import java.util.List;
import java.util.Map;

/** The body of {@code GET /model}: what the classifier file says about itself. */
public record ModelInfoJson(@JsonProperty("num_classes") int numClasses, List<String> labels, String backbone,
                            @JsonProperty("backbone_sha256") String backboneSha256,
                            @JsonProperty("input_size") int inputSize, PreprocessingProperties preprocessing,
                            Map<String, Object> metrics, Map<String, Object> training,
                            @JsonProperty("created_at") String createdAt,
                            @JsonProperty("project_version") String projectVersion, Map<String, Object> quantization) {

    static ModelInfoJson of(ModelMetadata metadata) {
        Preprocessing pre = metadata.preprocessing();
        return new ModelInfoJson(metadata.labels().size(), metadata.labels(), metadata.backboneName(), metadata.backboneSha256(),
                pre.crop(), PreprocessingProperties.of(pre),
                metadata.metrics(), metadata.training(), metadata.createdAt(), metadata.projectVersion(), metadata.quantization());
    }
}
