package dev.imageclassifier.spark;

import dev.imageclassifier.train.TrainingOutputs.Samples;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;

/**
 * The feature table brought to the driver as the project's trainer wants it, in the split manifest's
 * order (label, then path), so the head sees exactly what the local {@code train} gives it. Rows stream
 * in one partition at a time and become plain float arrays at once.
 */
final class DriverSamples {

    private record Sample(String label, String path, float[][] views) {
    }

    private DriverSamples() {
    }

    /** @param labels class names in output order */
    static Samples collect(Dataset<Row> features, List<String> labels) {
        List<Sample> train = new ArrayList<>();
        List<Sample> val = new ArrayList<>();
        Iterator<Row> rows = features.where(col("error").isNull()).select("path", "label", "split", "features").toLocalIterator();
        while (rows.hasNext()) {
            Row row = rows.next();
            Sample sample = new Sample(row.getString(1), row.getString(0), views(row.getList(3)));
            ("train".equals(row.getString(2)) ? train : val).add(sample);
        }
        Comparator<Sample> manifestOrder = Comparator.comparing(Sample::label).thenComparing(Sample::path);
        train.sort(manifestOrder);
        val.sort(manifestOrder);
        return new Samples(train.stream().map(Sample::views).toArray(float[][][]::new), indices(train, labels),
                val.stream().map(s -> s.views()[0]).toArray(float[][]::new), indices(val, labels));
    }

    /** Approximate bytes of the features on the driver, as float arrays. */
    static long bytes(long vectors, int dim) {
        return vectors * (dim * 4L + 16);
    }

    private static int[] indices(List<Sample> samples, List<String> labels) {
        Map<String, Integer> index = new HashMap<>();
        labels.forEach(label -> index.put(label, index.size()));
        return samples.stream().mapToInt(s -> index.get(s.label())).toArray();
    }

    private static float[][] views(List<Object> vectors) {
        float[][] out = new float[vectors.size()][];
        for (int v = 0; v < out.length; v++) {
            out[v] = floats(vectors.get(v));
        }
        return out;
    }

    /** A Spark array column's value (a Scala sequence of boxed floats) as a float array. */
    static float[] floats(Object sequence) {
        scala.collection.Seq<?> values = (scala.collection.Seq<?>) sequence;
        float[] out = new float[values.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) values.apply(i)).floatValue();
        }
        return out;
    }
}
