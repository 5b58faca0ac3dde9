package dev.imageclassifier.train;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Limited-memory BFGS (Nocedal and Wright, "Numerical Optimization", algorithms 7.4 and 7.5) with a line search
 * for the strong Wolfe conditions (algorithms 3.5 and 3.6, cubic interpolation in the zoom). Minimises a smooth
 * function of a double vector from a start, in place.
 *
 * <p>Written here: no maintained, permissively licensed Java library of the project's kind has it (Tribuo's
 * optimisers are stochastic; Apache Commons Math and Hipparchus have nonlinear conjugate gradients, not L-BFGS;
 * Smile's is no longer Apache-licensed), and the two loops and the line search are short.
 */
final class Lbfgs {

    /** f(x) and its gradient into {@code gradient}. */
    interface Objective {
        double valueAndGradient(double[] x, double[] gradient);
    }

    /** Called after each iteration with its number (from 1), the value reached and the point. */
    interface Listener {
        void iteration(int iteration, double value, double[] x);
    }

    /** Where the minimisation stopped. */
    record Outcome(int iterations, int evaluations, double value, double gradientNorm, boolean converged) {
    }

    private static final int MEMORY = 10;
    private static final double C1 = 1e-4;
    private static final double C2 = 0.9;
    private static final int STALLED_ITERATIONS = 3;

    private final int maxIterations;
    private final double gradientTolerance;
    private final double gradientReduction;
    private final double valueTolerance;

    /**
     * @param maxIterations     the most iterations
     * @param gradientTolerance stop when the largest gradient component is at most this (scikit-learn's {@code tol})
     * @param valueTolerance    stop when iterations in a row lower f by at most this fraction of |f|
     */
    Lbfgs(int maxIterations, double gradientTolerance, double valueTolerance) {
        this(maxIterations, gradientTolerance, 0, valueTolerance);
    }

    /**
     * @param gradientReduction also stop only once the largest gradient component is at most this fraction of the
     *                          start's: a warm start already near the optimum still has to close most of the gap,
     *                          (0: the absolute tolerance alone)
     */
    Lbfgs(int maxIterations, double gradientTolerance, double gradientReduction, double valueTolerance) {
        this.maxIterations = maxIterations;
        this.gradientTolerance = gradientTolerance;
        this.gradientReduction = gradientReduction;
        this.valueTolerance = valueTolerance;
    }

    Outcome minimize(Objective objective, double[] x, Listener listener) {
        int n = x.length;
        double[] g = new double[n];
        double f = objective.valueAndGradient(x, g);
        int evaluations = 1;
        Deque<double[][]> pairs = new ArrayDeque<>(); // {s, y, {1 / yᵀs}}, newest first
        double[] direction = new double[n];
        double[] xNew = new double[n];
        double[] gNew = new double[n];
        int iteration = 0;
        int stalled = 0;
        // both bounds must hold: the absolute one and the reduction from the start
        double tolerance = gradientReduction > 0 ? Math.min(gradientTolerance, gradientReduction * maxNorm(g)) : gradientTolerance;
        boolean converged = maxNorm(g) <= tolerance;
        while (!converged && iteration < maxIterations) {
            twoLoop(g, pairs, direction);
            double slope = dot(g, direction);
            if (!(slope < 0)) { // the curvature pairs went bad (rounding): restart from steepest descent
                pairs.clear();
                twoLoop(g, pairs, direction);
                slope = dot(g, direction);
            }
            double first = pairs.isEmpty() ? Math.min(1, 1 / Math.max(maxNorm(g), 1e-12)) : 1;
            LineSearch search = new LineSearch(objective, x, f, slope, direction, xNew, gNew);
            double step = search.run(first);
            evaluations += search.evaluations;
            if (step == 0) {
                if (!pairs.isEmpty()) { // the curvature pairs may mislead (a warm start, rounding): forget them once
                    pairs.clear();
                    continue;
                }
                converged = true; // no decrease even downhill: f is flat to working precision here
                break;
            }
            double[] s = new double[n];
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                s[i] = xNew[i] - x[i];
                y[i] = gNew[i] - g[i];
            }
            double ys = dot(y, s);
            if (ys > 1e-10 * Math.sqrt(dot(y, y) * dot(s, s))) {
                pairs.addFirst(new double[][] {s, y, {1 / ys}});
                if (pairs.size() > MEMORY) {
                    pairs.removeLast();
                }
            }
            double decrease = f - search.value;
            System.arraycopy(xNew, 0, x, 0, n);
            System.arraycopy(gNew, 0, g, 0, n);
            f = search.value;
            iteration++;
            listener.iteration(iteration, f, x);
            // one tiny step happens (a short line search); several in a row mean f no longer moves
            stalled = decrease <= valueTolerance * Math.abs(f) ? stalled + 1 : 0;
            converged = maxNorm(g) <= tolerance || stalled >= STALLED_ITERATIONS;
        }
        return new Outcome(iteration, evaluations, f, maxNorm(g), converged);
    }

    /** direction = −H·g, H the inverse-Hessian approximation of the stored pairs (scaled by the newest). */
    private static void twoLoop(double[] g, Deque<double[][]> pairs, double[] direction) {
        int n = g.length;
        for (int i = 0; i < n; i++) {
            direction[i] = -g[i];
        }
        double[] alpha = new double[pairs.size()];
        int k = 0;
        for (double[][] pair : pairs) {
            alpha[k] = pair[2][0] * dot(pair[0], direction);
            axpy(-alpha[k], pair[1], direction);
            k++;
        }
        if (!pairs.isEmpty()) {
            double[][] newest = pairs.peekFirst();
            double gamma = 1 / (newest[2][0] * dot(newest[1], newest[1])); // sᵀy / yᵀy
            for (int i = 0; i < n; i++) {
                direction[i] *= gamma;
            }
        }
        var oldestFirst = pairs.descendingIterator();
        while (oldestFirst.hasNext()) {
            double[][] pair = oldestFirst.next();
            k--;
            double beta = pair[2][0] * dot(pair[1], direction);
            axpy(alpha[k] - beta, pair[0], direction);
        }
    }

    /** A step along the direction that satisfies the strong Wolfe conditions (its point and gradient left in xNew, gNew). */
    private static final class LineSearch {
        private final Objective objective;
        private final double[] x;
        private final double f0;
        private final double slope0;
        private final double[] direction;
        private final double[] xNew;
        private final double[] gNew;
        int evaluations;
        double value;

        LineSearch(Objective objective, double[] x, double f0, double slope0, double[] direction, double[] xNew, double[] gNew) {
            this.objective = objective;
            this.x = x;
            this.f0 = f0;
            this.slope0 = slope0;
            this.direction = direction;
            this.xNew = xNew;
            this.gNew = gNew;
        }

        /** @return the step, or 0 when none lowers f */
        double run(double first) {
            double previous = 0;
            double fPrevious = f0;
            double slopePrevious = slope0;
            double step = first;
            for (int i = 0; i < 20; i++) {
                double f = evaluate(step);
                double slope = dot(gNew, direction);
                if (f > f0 + C1 * step * slope0 || (i > 0 && f >= fPrevious)) {
                    return zoom(previous, fPrevious, slopePrevious, step, f, slope);
                }
                if (Math.abs(slope) <= -C2 * slope0) {
                    return accept(step, f);
                }
                if (slope >= 0) {
                    return zoom(step, f, slope, previous, fPrevious, slopePrevious);
                }
                previous = step;
                fPrevious = f;
                slopePrevious = slope;
                step *= 2;
            }
            return accept(previous, fPrevious);
        }

        private double zoom(double lo, double fLo, double slopeLo, double hi, double fHi, double slopeHi) {
            for (int i = 0; i < 30; i++) {
                double step = cubicMinimum(lo, fLo, slopeLo, hi, fHi, slopeHi);
                double f = evaluate(step);
                double slope = dot(gNew, direction);
                if (f > f0 + C1 * step * slope0 || f >= fLo) {
                    hi = step;
                    fHi = f;
                    slopeHi = slope;
                } else {
                    if (Math.abs(slope) <= -C2 * slope0) {
                        return accept(step, f);
                    }
                    if (slope * (hi - lo) >= 0) {
                        hi = lo;
                        fHi = fLo;
                        slopeHi = slopeLo;
                    }
                    lo = step;
                    fLo = f;
                    slopeLo = slope;
                }
                if (Math.abs(hi - lo) <= 1e-12 * Math.max(1, Math.abs(lo))) {
                    break;
                }
            }
            return lo > 0 && fLo < f0 ? accept(lo, fLo) : 0;
        }

        /** Leaves the point of {@code step} (evaluated again if the last evaluation was another step) in xNew, gNew. */
        private double accept(double step, double f) {
            if (step > 0 && lastStep != step) {
                f = evaluate(step);
            }
            value = f;
            return step;
        }

        private double lastStep = Double.NaN;

        private double evaluate(double step) {
            for (int i = 0; i < x.length; i++) {
                xNew[i] = x[i] + step * direction[i];
            }
            evaluations++;
            lastStep = step;
            return objective.valueAndGradient(xNew, gNew);
        }

        /** The minimiser of the cubic through both ends' values and slopes, kept inside the interval's middle 80 %. */
        private static double cubicMinimum(double a, double fa, double da, double b, double fb, double db) {
            double d1 = da + db - 3 * (fa - fb) / (a - b);
            double root = d1 * d1 - da * db;
            double low = Math.min(a, b);
            double high = Math.max(a, b);
            double step;
            if (root >= 0) {
                double d2 = Math.signum(b - a) * Math.sqrt(root);
                step = b - (b - a) * (db + d2 - d1) / (db - da + 2 * d2);
            } else {
                step = (a + b) / 2;
            }
            double margin = 0.1 * (high - low);
            return Double.isFinite(step) ? Math.min(high - margin, Math.max(low + margin, step)) : (a + b) / 2;
        }
    }

    static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    private static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] += a * x[i];
        }
    }

    private static double maxNorm(double[] v) {
        double max = 0;
        for (double value : v) {
            max = Math.max(max, Math.abs(value));
        }
        return max;
    }
}
