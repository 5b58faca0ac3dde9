import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * ONNX Runtime alone on classifier files, taking turns, three rounds: the median time of one run at batch 1 and 8
 * on a 224×224 input (2 intra-op threads, all graph optimisations). {@code spin} turns on ONNX Runtime's default
 * thread spinning, {@code nospin} keeps the project's setting (off). Used for the int8 vs fp32 figures in the README:
 *
 *   java -cp cli/target/image-classifier.jar scripts/benchmarks/OrtAloneSpeed.java nospin fp32.onnx int8.onnx
 */
public class OrtAloneSpeed {

    public static void main(String[] args) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        boolean spin = args[0].equals("spin");
        String[] models = Arrays.copyOfRange(args, 1, args.length);
        List<OrtSession> sessions = new ArrayList<>();
        for (String model : models) {
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setIntraOpNumThreads(2);
            options.setInterOpNumThreads(1);
            options.addConfigEntry("session.intra_op.allow_spinning", spin ? "1" : "0");
            sessions.add(env.createSession(model, options));
        }
        for (int round = 0; round < 3; round++) {
            for (int m = 0; m < sessions.size(); m++) {
                for (int batch : new int[] {1, 8}) {
                    OrtSession session = sessions.get(m);
                    String input = session.getInputNames().iterator().next();
                    float[] data = new float[batch * 3 * 224 * 224];
                    for (int i = 0; i < data.length; i++) {
                        data[i] = (float) Math.sin(i * 0.001); // a smooth, image-like input
                    }
                    try (OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(data), new long[] {batch, 3, 224, 224})) {
                        for (int warm = 0; warm < 3; warm++) {
                            session.run(Map.of(input, tensor)).close();
                        }
                        long[] nanos = new long[40];
                        for (int r = 0; r < nanos.length; r++) {
                            long start = System.nanoTime();
                            session.run(Map.of(input, tensor)).close();
                            nanos[r] = System.nanoTime() - start;
                        }
                        Arrays.sort(nanos);
                        System.out.printf("round %d %s batch %d: median %.2f ms/run, %.1f img/s%n", round, models[m], batch,
                                nanos[20] / 1e6, batch * 1e9 / nanos[20]);
                    }
                }
            }
        }
    }
}
