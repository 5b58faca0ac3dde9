package dev.imageclassifier.quantize;

import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import dev.imageclassifier.InvalidModelException;
import dev.imageclassifier.model.OnnxProtos;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Reads float initializers and writes the int8, uint8 and int32 ones a QDQ graph needs (little-endian raw data). */
final class Initializers {

    private Initializers() {
    }

    static float[] floats(TensorProto tensor) throws InvalidModelException {
        if (tensor.getDataType() != TensorProto.DataType.FLOAT.getNumber()) {
            throw new InvalidModelException("initializer '" + tensor.getName() + "' is not float (type "
                    + tensor.getDataType() + ")");
        }
        if (tensor.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            throw new InvalidModelException("initializer '" + tensor.getName() + "' is stored outside the model file; "
                    + "save the model with its weights inside it");
        }
        if (!tensor.getRawData().isEmpty()) {
            float[] values = new float[tensor.getRawData().size() / Float.BYTES];
            tensor.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
            return values;
        }
        float[] values = new float[tensor.getFloatDataCount()];
        for (int i = 0; i < values.length; i++) {
            values[i] = tensor.getFloatData(i);
        }
        return values;
    }

    static long[] dims(TensorProto tensor) {
        return tensor.getDimsList().stream().mapToLong(Long::longValue).toArray();
    }

    static TensorProto int8(String name, byte[] values, long... dims) {
        return raw(name, TensorProto.DataType.INT8, values, dims);
    }

    static TensorProto uint8Scalar(String name, int value) {
        return raw(name, TensorProto.DataType.UINT8, new byte[] {(byte) value});
    }

    static TensorProto floatScalar(String name, float value) {
        return OnnxProtos.floatTensor(name, new float[] {value});
    }

    static TensorProto int32(String name, int[] values, long... dims) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asIntBuffer().put(values);
        return raw(name, TensorProto.DataType.INT32, bytes.array(), dims);
    }

    private static TensorProto raw(String name, TensorProto.DataType type, byte[] littleEndian, long... dims) {
        TensorProto.Builder tensor = TensorProto.newBuilder().setName(name).setDataType(type.getNumber())
                .setRawData(ByteString.copyFrom(littleEndian));
        for (long dim : dims) {
            tensor.addDims(dim);
        }
        return tensor.build();
    }
}
