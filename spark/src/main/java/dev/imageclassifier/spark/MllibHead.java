package dev.imageclassifier.spark;

import dev.imageclassifier.train.HeadTrainer;
import dev.imageclassifier.train.LinearHead;
import dev.imageclassifier.train.Metrics;
import dev.imageclassifier.train.Recipe;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.linalg.Matrix;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
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

    HeadTrainer.Result train(SparkSession spark, Dataset<Row> features, List<String> labels) {
        long start = System.nanoTime();
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
        return new HeadTrainer.Result(new LinearHead(dim, classes, weights, bias), List.of(), model.summary().totalIterations(), 0,
                regParam, List.of(), (System.nanoTime() - start) / 1e9);
    }

    /** How metrics.json and the model's metadata describe this head. */
    Recipe asRecipe() {
        return Recipe.builder(String.format(java.util.Locale.ROOT, "mllib-logistic-regression(regParam=%s, elasticNetParam=%s, maxIter=%d)",
                        regParam, elasticNet, maxIter))
                .learningRate(1).momentum(0).batchSize(1).epochs(maxIter).stepSize(maxIter).gamma(1).weightDecay(regParam).heads(1)
                .build();
    }

    /** The head's metrics on the validation rows, streamed to the driver one partition at a time. */
    static Metrics validate(LinearHead head, Dataset<Row> features, List<String> labels) {
        List<float[]> probabilities = new ArrayList<>();
        List<Integer> truth = new ArrayList<>();
        Iterator<Row> rows = features.where(col("error").isNull().and(col("split").equalTo("val")))
                .select(col("label"), col("features").getItem(0)).toLocalIterator();
        while (rows.hasNext()) {
            Row row = rows.next();
            probabilities.add(head.probabilities(DriverSamples.floats(row.get(1))));
            truth.add(labels.indexOf(row.getString(0)));
        }
        return Metrics.of(labels, truth.stream().mapToInt(Integer::intValue).toArray(), probabilities.toArray(float[][]::new));
    }
}
