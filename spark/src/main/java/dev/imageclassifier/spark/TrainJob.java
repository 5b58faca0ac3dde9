package dev.imageclassifier.spark;

import dev.imageclassifier.BackboneFile;
import dev.imageclassifier.DatasetException;
import dev.imageclassifier.InvalidModelException;
import dev.imageclassifier.ProgressListener;
import dev.imageclassifier.Trainer;
import dev.imageclassifier.TrainingRecipe;
import dev.imageclassifier.TrainingResult;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * Training on Spark: the library's {@link Trainer}, with the features computed on the executors
 * ({@link SparkFeatures}). Framing choice, weight-decay choice, head training, metrics and the written files
 * are the local {@code train}'s; only when the features do not fit on the driver does MLlib fit the head
 * across the cluster.
 */
final class TrainJob {

    /** Who trains the head. */
    enum HeadTrainerKind { AUTO, DRIVER, MLLIB }

    /**
     * @param manifest   a split manifest written by {@code prepare}, or null with {@code data}
     * @param root       where the manifest's images are (a Hadoop URI), or null for the manifest's root
     * @param data       a class-per-folder tree (any Hadoop URI), split here with {@code prepare}'s rule
     * @param backbone   the backbone file on the driver (shipped to the executors)
     * @param featureDir where the feature table goes (any Hadoop URI); replaced
     */
    record Settings(Path manifest, String root, String data, Set<String> excluded, double valFraction, long dataSeed,
                    BackboneFile backbone, TrainingRecipe recipe, Long seed, HeadTrainerKind head, MllibHead mllib,
                    String featureDir, Path model, Path results, int batchSize) {
    }

    private TrainJob() {
    }

    static TrainingResult run(SparkSession spark, Settings settings, ProgressListener progress)
            throws DatasetException, InvalidModelException, IOException, InterruptedException {
        TrainingImages images = settings.manifest() != null
                ? TrainingImages.fromManifest(spark, settings.manifest(), settings.root())
                : TrainingImages.fromTree(spark, settings.data(), settings.excluded(), settings.dataSeed(), settings.valFraction());
        Trainer.Builder trainer = Trainer.builder().backbone(settings.backbone()).recipe(settings.recipe())
                .batchSize(settings.batchSize()).progress(progress)
                .featureSource(new SparkFeatures(spark, images, settings.featureDir(),
                        new SparkFeatures.HeadChoice(settings.head(), settings.mllib()), progress));
        if (settings.seed() != null) {
            trainer.seed(settings.seed());
        }
        return trainer.build().train(images.split(), settings.model(), settings.results());
    }
}
