package dev.imageclassifier.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Stacks preprocessed CHW rows into one direct, native-order buffer that ONNX Runtime reads without a
 * copy. Reused from batch to batch by the single thread that owns it.
 */
public final class TensorBatch {

    private final FloatBuffer buffer;
    private final int rowSize;
    private final int capacity;
    private int rows;

    public TensorBatch(int capacity, int rowSize) {
        this.capacity = capacity;
        this.rowSize = rowSize;
        this.buffer = ByteBuffer.allocateDirect(capacity * rowSize * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
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

    public boolean isEmpty() {
        return rows == 0;
    }

    public int capacity() {
        return capacity;
    }

    public void clear() {
        rows = 0;
    }

    /** The filled part of the buffer. */
    FloatBuffer view() {
        return buffer.duplicate().position(0).limit(rows * rowSize).slice();
    }
}
