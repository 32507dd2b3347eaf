#!/usr/bin/python3
"""Writes the binary ONNX inputs of the import tests, and the same models as
ONNX-JSON, with Debian's python3-onnx (ONNX 1.12):

  proto-model.onnx / proto-model.json     one model, binary and JSON
  proto-text.json                         proto-text.onnxtext as JSON
  err-proto-unknown-ops.onnx              named nodes of unsupported types

usage: /usr/bin/python3 gen_onnx_inputs.py [OUTPUT_DIR]  (default: here)

The outputs are committed; rerun this only to change them. The JSON is what
google.protobuf.json_format.MessageToJson prints, so the tests compare the
importer's two readers on exactly the same ModelProto.
"""
import os
import sys

import numpy as np
import onnx
import onnx.parser
from google.protobuf.json_format import MessageToJson
from onnx import TensorProto, helper, numpy_helper


def declared(name, dims, init=None):
    """A data-less FLOAT initializer: a parameter the runner initialises."""
    t = TensorProto()
    t.name = name
    t.data_type = TensorProto.FLOAT
    t.dims.extend(dims)
    if init:
        t.doc_string = init
    return t


def proto_model():
    rng = np.random.default_rng(0)
    B, T, D, H, V = 2, 3, 4, 8, 5
    inits = [
        # raw_data (what exporters write), float_data, and data-less ones
        numpy_helper.from_array(rng.standard_normal((H, D)).astype(np.float32),
                                "fc.weight"),
        helper.make_tensor("fc.bias", TensorProto.FLOAT, [H],
                           [0.5] * H),
        declared("ln.gain", [H], "ones"),
        declared("ln.bias", [H], "zeros"),
        declared("out.weight", [H, V]),
        declared("out.bias", [V], "zeros"),
        # unused: fine
        numpy_helper.from_array(np.array([B * T, V], dtype=np.int64),
                                "shape.unused"),
    ]
    nodes = [
        helper.make_node("Reshape", ["x", "shape.x"], ["x2"], name="flat"),
        helper.make_node("Constant", [], ["shape.x"], name="shape_x",
                         value=numpy_helper.from_array(
                             np.array([B * T, D], dtype=np.int64))),
        helper.make_node("Gemm", ["x2", "fc.weight", "fc.bias"], ["h"],
                         name="fc", transB=1),
        helper.make_node("LayerNormalization", ["h", "ln.gain", "ln.bias"],
                         ["n"], name="ln", axis=-1, epsilon=1e-5),
        helper.make_node("Relu", ["n"], ["g"], name="act"),
        helper.make_node("Constant", [], ["half"], name="half",
                         value_float=0.5),
        helper.make_node("Mul", ["g", "half"], ["gh"], name="scale"),
        helper.make_node("MatMul", ["gh", "out.weight"], ["mm"],
                         name="out.matmul"),
        helper.make_node("Add", ["mm", "out.bias"], ["logits"],
                         name="out.add"),
        helper.make_node("SoftmaxCrossEntropyLoss", ["logits", "labels"],
                         ["loss"], name="loss", reduction="mean"),
    ]
    graph = helper.make_graph(
        nodes, "proto_model",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [B, T, D]),
         helper.make_tensor_value_info("labels", TensorProto.INT64, [B * T])],
        [helper.make_tensor_value_info("loss", TensorProto.FLOAT, [])],
        inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                             producer_name="gen_onnx_inputs.py")


def unknown_ops_model():
    nodes = [
        helper.make_node("Relu", ["x"], ["a"], name="ok"),
        helper.make_node("Erf", ["a"], ["b"], name="first"),
        helper.make_node("Cos", ["b"], ["y"], name="second"),
    ]
    graph = helper.make_graph(
        nodes, "unknown_ops",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(
        os.path.abspath(__file__))

    def write(name, data, mode="w"):
        with open(os.path.join(out, name), mode) as f:
            f.write(data)

    m = proto_model()

    write("proto-model.onnx", m.SerializeToString(), "wb")
    write("proto-model.json", MessageToJson(m) + "\n")
    with open(os.path.join(out, "proto-text.onnxtext")) as f:
        t = onnx.parser.parse_model(f.read())
    write("proto-text.json", MessageToJson(t) + "\n")
    write("err-proto-unknown-ops.onnx",
          unknown_ops_model().SerializeToString(), "wb")


if __name__ == "__main__":
    main()
