package dev.imageclassifier;

import java.nio.file.Path;

/**
 * What a {@link Trainer} run produced: the classifier file and {@code metrics.json} (with the same run id),
 * and the headline figures they hold.
 *
 * @param model           the classifier file written
 * @param metrics         the {@code metrics.json} written beside it
 * @param accuracy        validation top-1 accuracy, 0 to 1
 * @param top5Accuracy    validation top-5 accuracy
 * @param f1Weighted      support-weighted F1 on the validation images
 * @param classes         classes of the model
 * @param trainImages     training images the head learnt from
 * @param valImages       validation images the figures count
 * @param skippedImages   images left out because they could not be read or decoded
 * @param framing         the framing chosen (or fixed by the recipe)
 * @param headTrainer     who trained the head: {@code trainer} (this library's) or what fitted it elsewhere
 * @param bestEpoch       the epoch kept (1-based)
 * @param weightDecay     the weight decay chosen
 * @param featuresComputed views computed by the backbone
 * @param featuresCached  views read from the feature cache
 * @param featureSeconds  time spent on features
 * @param headSeconds     time spent training the head (0 when it was read back from the cache)
 * @param totalSeconds    the whole run
 */
public record TrainingResult(Path model, Path metrics, double accuracy, double top5Accuracy, double f1Weighted, int classes,
                             int trainImages, int valImages, long skippedImages, Framing framing, String headTrainer, int bestEpoch,
                             double weightDecay, long featuresComputed, long featuresCached, double featureSeconds,
                             double headSeconds, double totalSeconds) {

    /** @return backbone throughput in views per second, or 0 when every feature came from the cache */
    public double imagesPerSecond() {
        return featuresComputed == 0 ? 0 : featuresComputed / featureSeconds;
    }
}
