package dev.imageclassifier.spark;

import dev.imageclassifier.OverloadedException;
import dev.imageclassifier.train.FeatureExtractor;
import dev.imageclassifier.InvalidImageException;
import dev.imageclassifier.vision.View;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Runs the frozen backbone over one partition of {@code (path, label, split, content)} rows with the
 * executor's shared {@link FeatureExtractor}: each training image gets the recipe's views, each validation
 * image its centre crop. A file that is not a usable image becomes a row with its {@code error}.
 */
final class PartitionFeatures implements MapPartitionsFunction<Row, Row> {

    /** The feature table: one vector per view, view 0 first (the centre crop, unless the recipe has none). */
    static final StructType SCHEMA = new StructType()
            .add("path", DataTypes.StringType, false)
            .add("label", DataTypes.StringType, false)
            .add("split", DataTypes.StringType, false)
            .add("features", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType, false), false), true)
            .add("error", DataTypes.StringType, true);

    private final ShippedFile backbone;
    private final String backboneName;
    private final List<ViewSpec> trainViews;
    private final int batchSize;
    private final String framing;

    /** @param framing how images are framed (an id of {@link dev.imageclassifier.Framing}) */
    PartitionFeatures(ShippedFile backbone, String backboneName, List<ViewSpec> trainViews, int batchSize, String framing) {
        this.framing = framing;
        this.backbone = backbone;
        this.backboneName = backboneName;
        this.trainViews = trainViews;
        this.batchSize = batchSize;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> images) {
        FeatureExtractor extractor = ExecutorResources.extractor(backbone.localPath(), backboneName, batchSize,
                dev.imageclassifier.Framing.parse(framing));
        List<View> train = trainViews.stream().map(ViewSpec::view).toList();
        List<View> val = List.of(View.CENTER);
        return new AheadIterator<>(images, 4 * batchSize, new AheadIterator.Step<Row, float[][], Row>() {
            @Override
            public CompletableFuture<float[][]> start(Row image) throws InterruptedException {
                try {
                    return extractor.features((byte[]) image.getAs("content"), "train".equals(image.getAs("split")) ? train : val);
                } catch (OverloadedException e) {
                    return CompletableFuture.failedFuture(e);
                }
            }

            @Override
            public Row finish(Row image, float[][] features, Throwable failure) {
                if (failure != null && !(failure instanceof InvalidImageException)) {
                    throw new IllegalStateException(image.getAs("path") + ": the backbone failed: " + failure.getMessage(), failure);
                }
                return RowFactory.create(image.getAs("path"), image.getAs("label"), image.getAs("split"), features,
                        failure == null ? null : failure.getMessage());
            }
        });
    }
}
