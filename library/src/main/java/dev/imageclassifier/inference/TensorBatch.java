package dev.imageclassifier.inference;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Rows of one shape (e.g. a CHW image, {@code [3, 224, 224]}) stacked into one direct, native-order buffer
 * that ONNX Runtime reads without a copy; {@link #shape()} is the batch's tensor shape. Reused from batch
 * to batch by the one thread that owns it.
 */
public final class TensorBatch {

    private final long[] rowShape;
    private final int rowSize;
    private final int capacity;
    private final FloatBuffer buffer;
    private int rows;

    /** @param rowShape the shape of one row, e.g. {@code 3, 224, 224} */
    public TensorBatch(int capacity, long... rowShape) {
        if (capacity < 1 || rowShape.length == 0 || Arrays.stream(rowShape).anyMatch(d -> d < 1)) {
            throw new IllegalArgumentException("need capacity >= 1 and a positive row shape, got " + capacity + " × "
                    + Arrays.toString(rowShape));
        }
        this.rowShape = rowShape.clone();
        this.rowSize = Math.toIntExact(Arrays.stream(rowShape).reduce(1, Math::multiplyExact));
        this.capacity = capacity;
        this.buffer = ByteBuffer.allocateDirect(Math.multiplyExact(capacity, rowSize) * Float.BYTES)
                .order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** A batch with {@code rowCount} copies of {@code row}: the model's own speed on a ready input. */
    public static TensorBatch repeated(float[] row, int rowCount, long... rowShape) {
        TensorBatch batch = new TensorBatch(rowCount, rowShape);
        while (!batch.isFull()) {
            batch.add(row);
        }
        return batch;
    }

    public void add(float[] row) {
        if (row.length != rowSize) {
            throw new IllegalArgumentException("row has " + row.length + " values, batch rows have " + rowSize);
        }
        if (rows == capacity) {
            throw new IllegalStateException("batch is full (" + capacity + " rows)");
        }
        buffer.put(rows * rowSize, row);
        rows++;
    }

    public int size() {
        return rows;
    }

    public boolean isFull() {
        return rows == capacity;
    }

    public void clear() {
        rows = 0;
    }

    /** The tensor shape of the rows added so far: {@code [size, rowShape...]}. */
    public long[] shape() {
        long[] shape = new long[rowShape.length + 1];
        shape[0] = rows;
        System.arraycopy(rowShape, 0, shape, 1, rowShape.length);
        return shape;
    }

    /** The filled part of the buffer. */
    public FloatBuffer view() {
        return buffer.duplicate().position(0).limit(rows * rowSize).slice();
    }
}
