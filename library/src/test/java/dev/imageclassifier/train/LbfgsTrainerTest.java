package dev.imageclassifier.train;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imageclassifier.Device;
import dev.imageclassifier.Progress;
import dev.imageclassifier.io.Json;
import dev.imageclassifier.model.RuntimeOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The L-BFGS head against a reference optimum: scipy's L-BFGS-B in double precision on the real MobileNetV2-int8
 * features of 40 Caltech-101 images (4 classes), made by {@code scripts/benchmarks/lbfgs-fixture.py}.
 */
class LbfgsTrainerTest {

    private static final RuntimeOptions TWO_THREADS = new RuntimeOptions(2, Device.CPU);

    private static float[][][] views;
    private static int[] labels;
    private static int dim;
    private static int classes;
    private static double lambda;
    private static double referenceLoss;
    private static double[] optimum;

    @BeforeAll
    static void readFixture() throws IOException {
        JsonNode fixture = Json.MAPPER.readTree(resource("fixture.json"));
        dim = fixture.get("dim").asInt();
        classes = fixture.get("classes").size();
        lambda = fixture.get("lambda").asDouble();
        referenceLoss = fixture.get("loss").asDouble();
        labels = Json.MAPPER.convertValue(fixture.get("labels"), int[].class);
        ByteBuffer features = ByteBuffer.wrap(resource("features.f32")).order(ByteOrder.LITTLE_ENDIAN);
        views = new float[labels.length][1][dim];
        for (float[][] image : views) {
            features.asFloatBuffer().get(image[0]);
            features.position(features.position() + 4 * dim);
        }
        ByteBuffer theta = ByteBuffer.wrap(resource("optimum.f64")).order(ByteOrder.LITTLE_ENDIAN);
        optimum = new double[(dim + 1) * classes];
        theta.asDoubleBuffer().get(optimum);
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = LbfgsTrainerTest.class.getResourceAsStream("/lbfgs/" + name)) {
            return in.readAllBytes();
        }
    }

    /** The penalised mean cross-entropy of a head, in double precision. */
    private static double objective(LinearHead head) {
        double loss = 0;
        for (int i = 0; i < views.length; i++) {
            float[] logits = head.logits(views[i][0]);
            double max = Double.NEGATIVE_INFINITY;
            for (float z : logits) {
                max = Math.max(max, z);
            }
            double sum = 0;
            for (float z : logits) {
                sum += Math.exp(z - max);
            }
            loss += max + Math.log(sum) - logits[labels[i]];
        }
        double squares = 0;
        for (float w : head.weights()) {
            squares += (double) w * w;
        }
        return loss / views.length + lambda / 2 * squares;
    }

    private static Recipe lbfgs(List<Double> candidates) {
        return Recipe.DEFAULT.toBuilder().weightDecay(lambda).weightDecayCandidates(candidates).build();
    }

    @Test
    void reachesScipysOptimumOnRealFeatures() throws Exception {
        HeadTrainer.Result result = new HeadTrainer(lbfgs(List.of()), 42, TWO_THREADS)
                .train(views, labels, classes, Progress.NONE);

        LinearHead reference = LbfgsTrainer.toHead(optimum, dim, classes);
        assertThat(objective(reference)).isCloseTo(referenceLoss, within(1e-9)); // the fixture and this objective agree
        assertThat(objective(result.head())).isCloseTo(referenceLoss, within(1e-4 * referenceLoss));
        double largest = 0;
        double difference = 0;
        for (int i = 0; i < reference.weights().length; i++) {
            largest = Math.max(largest, Math.abs(reference.weights()[i]));
            difference = Math.max(difference, Math.abs(reference.weights()[i] - result.head().weights()[i]));
        }
        assertThat(difference).isLessThan(0.01 * largest);
        assertThat(result.weightDecay()).isEqualTo(lambda);
        assertThat(result.history()).isNotEmpty();
    }

    @Test
    void choosesTheWeightDecayByCrossValidationOnFewImages() throws Exception {
        HeadTrainer.Result result = new HeadTrainer(lbfgs(List.of(lambda, 10.0)), 42, TWO_THREADS)
                .train(views, labels, classes, Progress.NONE);

        // 40 images: 5-fold cross-validation, every image held out once
        assertThat(result.holdoutImages()).isEqualTo(40);
        assertThat(result.candidates()).extracting(HeadTrainer.Candidate::weightDecay).containsExactly(10.0, lambda);
        // λ = 10 squeezes the weights towards nothing: its held-out loss is far above the other one's
        assertThat(result.candidates().get(0).holdoutLoss()).isGreaterThan(result.candidates().get(1).holdoutLoss() + 0.3);
        assertThat(result.weightDecay()).isEqualTo(lambda);
        assertThat(objective(result.head())).isCloseTo(referenceLoss, within(1e-4 * referenceLoss));
    }

    @Test
    void theTrainedHeadsCacheKeepsHeadsOfEachSolverApart() {
        Recipe sgd = lbfgs(List.of()).toBuilder().solver(Recipe.Solver.SGD).build();
        assertThat(TrainedHeads.key(views, labels, classes, lbfgs(List.of()), 42))
                .isNotEqualTo(TrainedHeads.key(views, labels, classes, sgd, 42));
    }

    @Test
    void foldsAreStratified() {
        int[] fold = new LbfgsTrainer(lbfgs(List.of()), 7, TWO_THREADS).folds(labels, classes, true);
        for (int k = 0; k < LbfgsTrainer.FOLDS; k++) {
            for (int c = 0; c < classes; c++) {
                int members = 0;
                for (int i = 0; i < labels.length; i++) {
                    members += labels[i] == c && fold[i] == k ? 1 : 0;
                }
                assertThat(members).as("class %d in fold %d", c, k).isEqualTo(2);
            }
        }
    }

    @Test
    void minimisesRosenbrocksFunction() {
        double[] x = {-1.2, 1};
        Lbfgs.Outcome outcome = new Lbfgs(200, 1e-10, 0).minimize((p, g) -> {
            double a = 1 - p[0];
            double b = p[1] - p[0] * p[0];
            g[0] = -2 * a - 400 * p[0] * b;
            g[1] = 200 * b;
            return a * a + 100 * b * b;
        }, x, (iteration, value, point) -> { });

        assertThat(outcome.converged()).isTrue();
        assertThat(x[0]).isCloseTo(1, within(1e-6));
        assertThat(x[1]).isCloseTo(1, within(1e-6));
        assertThat(outcome.iterations()).isLessThan(60);
    }

    @Test
    void aWarmStartUnderTheAbsoluteToleranceStillClosesItsGap() {
        // f = ½·Σ aᵢ(xᵢ − 1)², started where the gradient (largest 4e-6) is already under the absolute tolerance 1e-5
        double[] scales = {1, 4, 9, 16};
        Lbfgs.Objective quadratic = (p, g) -> {
            double f = 0;
            for (int i = 0; i < p.length; i++) {
                g[i] = scales[i] * (p[i] - 1);
                f += scales[i] * (p[i] - 1) * (p[i] - 1) / 2;
            }
            return f;
        };
        double[] absoluteOnly = {1 + 2.5e-7, 1 + 2.5e-7, 1 + 2.5e-7, 1 + 2.5e-7};
        double[] relative = absoluteOnly.clone();

        Lbfgs.Outcome stopped = new Lbfgs(100, 1e-5, 0).minimize(quadratic, absoluteOnly, (i, v, x) -> { });
        Lbfgs.Outcome moved = new Lbfgs(100, 1e-5, 0.1, 0).minimize(quadratic, relative, (i, v, x) -> { });

        assertThat(stopped.iterations()).isZero(); // what the absolute tolerance alone did to the weakest penalty
        assertThat(moved.iterations()).isPositive();
        assertThat(moved.gradientNorm()).isLessThanOrEqualTo(0.1 * 16 * 2.5e-7);
    }
}
