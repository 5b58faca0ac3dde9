package dev.imageclassifier.spark;

import dev.imageclassifier.BackboneFeatures;
import dev.imageclassifier.FeatureRequest;
import dev.imageclassifier.InvalidImageException;
import dev.imageclassifier.OverloadedException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.Iterator;
import java.util.concurrent.CompletableFuture;

/**
 * Runs the frozen backbone over one partition of {@code (path, label, split, content)} rows with the
 * executor's shared {@link BackboneFeatures}: each training image gets the request's views, each
 * validation image its centre view. A file that is not a usable image becomes a row with its {@code error}.
 */
final class PartitionFeatures implements MapPartitionsFunction<Row, Row> {

    /** The feature table: one vector per view, view 0 first. */
    static final StructType SCHEMA = new StructType()
            .add("path", DataTypes.StringType, false)
            .add("label", DataTypes.StringType, false)
            .add("split", DataTypes.StringType, false)
            .add("features", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType, false), false), true)
            .add("error", DataTypes.StringType, true);

    private final ShippedFile backbone;
    private final FeatureRequest request;

    PartitionFeatures(ShippedFile backbone, FeatureRequest request) {
        this.backbone = backbone;
        this.request = request;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> images) {
        BackboneFeatures features = ExecutorResources.features(backbone.localPath(), request);
        return new AheadIterator<>(images, 4 * request.batchSize(), new AheadIterator.Step<Row, float[][], Row>() {
            @Override
            public CompletableFuture<float[][]> start(Row image) throws InterruptedException {
                try {
                    return features.submit(request, (byte[]) image.getAs("content"), "train".equals(image.getAs("split")));
                } catch (OverloadedException e) {
                    return CompletableFuture.failedFuture(e);
                }
            }

            @Override
            public Row finish(Row image, float[][] vectors, Throwable failure) {
                if (failure != null && !(failure instanceof InvalidImageException)) {
                    throw new IllegalStateException(image.getAs("path") + ": the backbone failed: " + failure.getMessage(), failure);
                }
                return RowFactory.create(image.getAs("path"), image.getAs("label"), image.getAs("split"), vectors,
                        failure == null ? null : failure.getMessage());
            }
        });
    }
}
