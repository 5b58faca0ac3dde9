package dev.imageclassifier.model;

import dev.imageclassifier.InvalidModelException;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small builders and readers for ONNX protobuf messages (the classes come from tribuo-util-onnx). */
public final class OnnxProtos {

    private OnnxProtos() {
    }

    public static ModelProto read(Path file) throws InvalidModelException {
        try (InputStream in = Files.newInputStream(file)) {
            CodedInputStream coded = CodedInputStream.newInstance(in);
            coded.setSizeLimit(Integer.MAX_VALUE); // ResNet-50 alone is 100 MB, above protobuf's 64 MB default
            ModelProto model = ModelProto.parseFrom(coded);
            if (!model.hasGraph() || model.getGraph().getNodeCount() == 0) {
                throw new InvalidModelException(file + " is not an ONNX model: " + FileKind.describe(file));
            }
            return model;
        } catch (InvalidProtocolBufferException e) { // bytes that are no protobuf at all: say what they are instead
            throw new InvalidModelException(file + " is not an ONNX model: " + FileKind.describe(file), e);
        } catch (IOException e) {
            throw new InvalidModelException("Cannot read ONNX model " + file + ": " + e.getMessage(), e);
        }
    }

    public static NodeProto node(String opType, String name, String[] inputs, String[] outputs, AttributeProto... attributes) {
        NodeProto.Builder node = NodeProto.newBuilder().setOpType(opType).setName(name);
        for (String input : inputs) {
            node.addInput(input);
        }
        for (String output : outputs) {
            node.addOutput(output);
        }
        for (AttributeProto attribute : attributes) {
            node.addAttribute(attribute);
        }
        return node.build();
    }

    public static AttributeProto intAttribute(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    public static TensorProto floatTensor(String name, float[] values, long... dims) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return rawTensor(name, TensorProto.DataType.FLOAT, bytes, dims);
    }

    public static TensorProto longTensor(String name, long[] values, long... dims) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asLongBuffer().put(values);
        return rawTensor(name, TensorProto.DataType.INT64, bytes, dims);
    }

    /** An initializer from little-endian bytes (ONNX's raw_data layout). */
    private static TensorProto rawTensor(String name, TensorProto.DataType type, ByteBuffer littleEndian, long... dims) {
        TensorProto.Builder tensor = TensorProto.newBuilder().setName(name)
                .setDataType(type.getNumber()).setRawData(ByteString.copyFrom(littleEndian.array()));
        for (long dim : dims) {
            tensor.addDims(dim);
        }
        return tensor.build();
    }

    /** A tensor value of the given element type whose dimensions are given as names (symbolic) or numbers. */
    public static ValueInfoProto value(String name, TensorProto.DataType type, Object... dims) {
        ValueInfoProto value = floatValue(name, dims);
        return value.toBuilder().setType(value.getType().toBuilder().setTensorType(
                value.getType().getTensorType().toBuilder().setElemType(type.getNumber()))).build();
    }

    /** A float tensor value whose dimensions are given as names (symbolic) or numbers. */
    public static ValueInfoProto floatValue(String name, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object dim : dims) {
            TensorShapeProto.Dimension.Builder d = TensorShapeProto.Dimension.newBuilder();
            if (dim instanceof Number n) {
                d.setDimValue(n.longValue());
            } else {
                d.setDimParam(dim.toString());
            }
            shape.addDim(d);
        }
        TypeProto type = TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                .setElemType(TensorProto.DataType.FLOAT.getNumber()).setShape(shape)).build();
        return ValueInfoProto.newBuilder().setName(name).setType(type).build();
    }

    /** Names a node reads, including those its subgraphs (If / Loop bodies) read from the outer scope. */
    public static void collectInputs(NodeProto node, java.util.Set<String> into) {
        for (String input : node.getInputList()) {
            if (!input.isEmpty()) {
                into.add(input);
            }
        }
        for (AttributeProto attribute : node.getAttributeList()) {
            if (attribute.hasG()) {
                collectGraphInputs(attribute.getG(), into);
            }
            for (GraphProto graph : attribute.getGraphsList()) {
                collectGraphInputs(graph, into);
            }
        }
    }

    private static void collectGraphInputs(GraphProto graph, java.util.Set<String> into) {
        for (NodeProto node : graph.getNodeList()) {
            collectInputs(node, into);
        }
    }
}
