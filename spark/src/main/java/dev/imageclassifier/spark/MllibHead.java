package dev.imageclassifier.spark;

import dev.imageclassifier.FittedHead;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.linalg.Matrix;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.apache.spark.ml.functions.array_to_vector;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;

/**
 * The head for features that do not fit on the driver: Spark MLlib's multinomial logistic regression
 * (L-BFGS, elastic net) over the executors, every view of every training image a sample. Its
 * coefficients are the same kind of linear head the project's trainer makes, so the classifier file is
 * built the same way.
 *
 * @param regParam   regularisation strength
 * @param elasticNet 0 = L2 (ridge), 1 = L1 (lasso)
 * @param maxIter    L-BFGS iterations at most
 */
record MllibHead(double regParam, double elasticNet, int maxIter) {

    private static final StructType LABELS = new StructType()
            .add("label", DataTypes.StringType, false)
            .add("index", DataTypes.DoubleType, false);

    FittedHead train(SparkSession spark, Dataset<Row> features, List<String> labels) {
        List<Row> indexRows = IntStream.range(0, labels.size()).mapToObj(i -> RowFactory.create(labels.get(i), (double) i)).toList();
        Dataset<Row> samples = features.where(col("error").isNull().and(col("split").equalTo("train")))
                .select(col("label"), explode(col("features")).as("feature"))
                .join(broadcast(spark.createDataFrame(indexRows, LABELS)), "label")
                .select(col("index"), array_to_vector(col("feature")).as("vector"));
        LogisticRegressionModel model = new LogisticRegression().setFamily("multinomial").setRegParam(regParam)
                .setElasticNetParam(elasticNet).setMaxIter(maxIter).setLabelCol("index").setFeaturesCol("vector").fit(samples);
        if (model.numClasses() != labels.size()) {
            throw new IllegalStateException("MLlib found " + model.numClasses() + " classes, the split has " + labels.size());
        }
        Matrix coefficients = model.coefficientMatrix();
        int classes = coefficients.numRows();
        int dim = coefficients.numCols();
        float[] weights = new float[classes * dim];
        for (int c = 0; c < classes; c++) {
            for (int d = 0; d < dim; d++) {
                weights[c * dim + d] = (float) coefficients.apply(c, d);
            }
        }
        float[] bias = new float[classes];
        double[] intercepts = model.interceptVector().toArray();
        for (int c = 0; c < classes; c++) {
            bias[c] = (float) intercepts[c];
        }
        return new FittedHead("mllib-logistic-regression", Map.of("regParam", regParam, "elasticNetParam", elasticNet, "maxIter", maxIter),
                classes, dim, weights, bias, model.summary().totalIterations(), regParam);
    }
}
