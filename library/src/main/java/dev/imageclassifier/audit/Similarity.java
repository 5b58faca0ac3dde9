package dev.imageclassifier.audit;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.imageclassifier.model.OnnxProtos;
import dev.imageclassifier.model.OnnxRuntimeLibraries;
import dev.imageclassifier.model.RuntimeOptions;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every pair of images whose features point the same way: the cosine of unit-length feature vectors, all pairs at once as blocks of one matrix product ({@code Gemm} in ONNX Runtime, like the head's
 * training steps). Ten thousand 1280-d vectors are 64 G multiply-adds: seconds in the runtime's GEMM, a
 * minute in plain Java loops.
 */
public final class Similarity {

    /** Rows per product: 512 × 10 000 floats of output is 20 MB. */
    private static final int BLOCK = 512;

    /** Two images, {@code first < second}, and the cosine of their features. */
    public record Pair(int first, int second, float cosine) {
    }

    private Similarity() {
    }

    /**
     * Unit-length copies of the vectors; a null row (an unusable image) stays null. Not centred on the dataset's mean:
     * that would make a pair's cosine depend on which other classes are in the dataset (a resized copy scored 0.95
     * centred on four classes and 0.98 uncentred), and a threshold must mean the same on every dataset.
     */
    public static float[][] normalised(float[][] vectors) {
        float[][] out = new float[vectors.length][];
        for (int i = 0; i < vectors.length; i++) {
            if (vectors[i] == null) {
                continue;
            }
            double norm = 0;
            for (float x : vectors[i]) {
                norm += x * (double) x;
            }
            float scale = norm > 0 ? (float) (1 / Math.sqrt(norm)) : 0f;
            float[] v = new float[vectors[i].length];
            for (int d = 0; d < v.length; d++) {
                v[d] = vectors[i][d] * scale;
            }
            out[i] = v;
        }
        return out;
    }

    /** Pairs of rows of {@code unit} (null rows skipped) with a cosine of at least {@code threshold}. */
    public static List<Pair> pairsAbove(float[][] unit, float threshold, RuntimeOptions runtime) throws OrtException {
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < unit.length; i++) {
            if (unit[i] != null) {
                rows.add(i);
            }
        }
        List<Pair> pairs = new ArrayList<>();
        if (rows.size() < 2) {
            return pairs;
        }
        int n = rows.size();
        int dim = unit[rows.get(0)].length;
        FloatBuffer all = ByteBuffer.allocateDirect(n * dim * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (int r = 0; r < n; r++) {
            all.put(r * dim, unit[rows.get(r)]);
        }
        OrtEnvironment environment = OnnxRuntimeLibraries.environment();
        try (OrtSession.SessionOptions options = runtime.toSessionOptions();
             OrtSession session = environment.createSession(graph(dim).toByteArray(), options)) {
            for (int from = 0; from < n; from += BLOCK) {
                int to = Math.min(n, from + BLOCK);
                FloatBuffer block = all.duplicate().position(from * dim).limit(to * dim).slice();
                FloatBuffer rest = all.duplicate().position(from * dim).slice(); // columns from the block on: each pair once
                int columns = n - from;
                try (OnnxTensor a = OnnxTensor.createTensor(environment, block, new long[] {to - from, dim});
                     OnnxTensor b = OnnxTensor.createTensor(environment, rest, new long[] {columns, dim});
                     OrtSession.Result result = session.run(Map.of("a", a, "b", b))) {
                    FloatBuffer cosines = ((OnnxTensor) result.get(0)).getFloatBuffer();
                    for (int r = 0; r < to - from; r++) {
                        int base = r * columns;
                        for (int c = r + 1; c < columns; c++) {
                            float cosine = cosines.get(base + c);
                            if (cosine >= threshold) {
                                pairs.add(new Pair(rows.get(from + r), rows.get(from + c), cosine));
                            }
                        }
                    }
                }
            }
        }
        return pairs;
    }

    /**
     * For each row of {@code rows}, its highest cosine to any row of {@code against} (both unit length, no nulls):
     * e.g. how close each validation image comes to the training images.
     */
    public static float[] nearest(float[][] rows, float[][] against, RuntimeOptions runtime) throws OrtException {
        float[] best = new float[rows.length];
        java.util.Arrays.fill(best, -1f);
        if (rows.length == 0 || against.length == 0) {
            return best;
        }
        int dim = against[0].length;
        FloatBuffer all = ByteBuffer.allocateDirect(against.length * dim * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (int r = 0; r < against.length; r++) {
            all.put(r * dim, against[r]);
        }
        FloatBuffer block = ByteBuffer.allocateDirect(BLOCK * dim * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        OrtEnvironment environment = OnnxRuntimeLibraries.environment();
        try (OrtSession.SessionOptions options = runtime.toSessionOptions();
             OrtSession session = environment.createSession(graph(dim).toByteArray(), options);
             OnnxTensor b = OnnxTensor.createTensor(environment, all, new long[] {against.length, dim})) {
            for (int from = 0; from < rows.length; from += BLOCK) {
                int to = Math.min(rows.length, from + BLOCK);
                for (int r = from; r < to; r++) {
                    block.put((r - from) * dim, rows[r]);
                }
                try (OnnxTensor a = OnnxTensor.createTensor(environment, block.duplicate().limit((to - from) * dim).slice(),
                        new long[] {to - from, dim});
                     OrtSession.Result result = session.run(Map.of("a", a, "b", b))) {
                    FloatBuffer cosines = ((OnnxTensor) result.get(0)).getFloatBuffer();
                    for (int r = 0; r < to - from; r++) {
                        for (int c = 0; c < against.length; c++) {
                            best[from + r] = Math.max(best[from + r], cosines.get(r * against.length + c));
                        }
                    }
                }
            }
        }
        return best;
    }

    /** Every cosine of {@code rows} (no nulls) to {@code against} (a few hundred rows at most): [row][against]. */
    public static float[][] all(float[][] rows, float[][] against, RuntimeOptions runtime) throws OrtException {
        float[][] out = new float[rows.length][against.length];
        if (rows.length == 0 || against.length == 0) {
            return out;
        }
        int dim = against[0].length;
        FloatBuffer b = ByteBuffer.allocateDirect(against.length * dim * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (int r = 0; r < against.length; r++) {
            b.put(r * dim, against[r]);
        }
        FloatBuffer a = ByteBuffer.allocateDirect(rows.length * dim * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (int r = 0; r < rows.length; r++) {
            a.put(r * dim, rows[r]);
        }
        OrtEnvironment environment = OnnxRuntimeLibraries.environment();
        try (OrtSession.SessionOptions options = runtime.toSessionOptions();
             OrtSession session = environment.createSession(graph(dim).toByteArray(), options);
             OnnxTensor at = OnnxTensor.createTensor(environment, a, new long[] {rows.length, dim});
             OnnxTensor bt = OnnxTensor.createTensor(environment, b, new long[] {against.length, dim});
             OrtSession.Result result = session.run(Map.of("a", at, "b", bt))) {
            FloatBuffer cosines = ((OnnxTensor) result.get(0)).getFloatBuffer();
            for (int r = 0; r < rows.length; r++) {
                cosines.get(r * against.length, out[r]);
            }
        }
        return out;
    }

    /** {@code a · bᵀ}. */
    static ModelProto graph(int dim) {
        GraphProto.Builder graph = GraphProto.newBuilder().setName("cosines")
                .addInput(OnnxProtos.floatValue("a", "m", dim))
                .addInput(OnnxProtos.floatValue("b", "n", dim))
                .addNode(OnnxProtos.node("Gemm", "cosines", new String[] {"a", "b"}, new String[] {"cosines"},
                        OnnxProtos.intAttribute("transB", 1)))
                .addOutput(OnnxProtos.floatValue("cosines", "m", "n"));
        return ModelProto.newBuilder().setIrVersion(7).setProducerName("image-classifier")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).setGraph(graph).build();
    }
}
