package dev.imageclassifier.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.imageclassifier.Framing;
import dev.imageclassifier.vision.Preprocessing;

/**
 * A {@link Preprocessing} as a classifier file's metadata spells it out (the {@code preprocessing} key,
 * JSON): enough for any ONNX runtime user to prepare images without this project. {@code framing} is
 * {@code center-crop} (shorter side to {@code resize}, centre crop {@code crop}), {@code short-side} (the same with
 * {@code resize} = {@code crop}) or {@code whole} (the whole image resized to crop × crop). Keys this version
 * does not know are ignored, so newer files stay readable.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PreprocessingProperties(String framing, int resize, int crop, float[] mean, float[] std, String interpolation,
                                      String scale, @JsonProperty("channel_order") String channelOrder, String layout) {

    public static PreprocessingProperties of(Preprocessing preprocessing) {
        return new PreprocessingProperties(preprocessing.framing().id(), preprocessing.resize(), preprocessing.crop(),
                preprocessing.mean(), preprocessing.std(), "bilinear-antialias", "1/255", "RGB", "NCHW");
    }

    /** Files written before framings existed have no {@code framing} key: they were all centre crops. */
    public Preprocessing toPreprocessing() {
        return new Preprocessing(resize, crop, mean, std, framing == null ? Framing.CENTER_CROP : Framing.parse(framing));
    }
}
