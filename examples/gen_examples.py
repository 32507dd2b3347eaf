#!/usr/bin/env python3
"""Writes the example models as ONNX ModelProto JSON (protobuf's JSON
mapping, as google.protobuf.json_format.MessageToJson prints it: camelCase
keys, int64 values as strings, bytes as base64, fields in proto order).

usage: gen_examples.py [OUTPUT_DIR]   (default: the directory of this script)

  mlp.json          3-layer MLP classifier with a mean softmax cross entropy
  transformer.json  2-block pre-norm causal transformer language model
  charlm.json       the same architecture at width 128, context 64: the
                    character language model of bench/charlm (FP8 parity)

Weights are data-less initializers (the runner initialises them: N(0, 1),
or zeros/ones by docString, see docs/onnx-json-format.md); the causal mask
is a Constant node (attribute `value`, a TENSOR with data), which imports as
an arith.constant, not a trainable parameter. Only the standard library is needed.
"""
import base64
import json
import os
import sys

FLOAT, INT64 = 1, 7


# --- MessageToJson-style builders ------------------------------------------

def tensor_type(elem, dims):
    shape = {"dim": [{"dimValue": str(d)} for d in dims]} if dims else {}
    return {"tensorType": {"elemType": elem, "shape": shape}}


def value_info(name, elem, dims):
    return {"name": name, "type": tensor_type(elem, dims)}


def attr_int(name, v):
    return {"name": name, "i": str(v), "type": "INT"}


def attr_float(name, v):
    return {"name": name, "f": v, "type": "FLOAT"}


def attr_ints(name, vs):
    return {"name": name, "ints": [str(v) for v in vs], "type": "INTS"}


def attr_tensor(name, t):
    return {"name": name, "t": t, "type": "TENSOR"}


def attr_string(name, s):
    return {"name": name, "s": base64.b64encode(s.encode()).decode(),
            "type": "STRING"}


def node(op, inputs, outputs, name, attrs=()):
    n = {"input": list(inputs)} if inputs else {}  # empty: omitted
    n.update({"output": list(outputs), "name": name, "opType": op})
    if attrs:
        n["attribute"] = list(attrs)
    return n


def param(name, dims, init="normal"):
    """A data-less FLOAT initializer: a parameter the runner initialises."""
    t = {"dims": [str(d) for d in dims], "dataType": FLOAT, "name": name}
    if init != "normal":
        t["docString"] = init
    return t


def int64_const(name, values):
    return {"dims": [str(len(values))], "dataType": INT64,
            "int64Data": [str(v) for v in values], "name": name}


def model(graph, opset):
    return {"irVersion": "9", "producerName": "gen_examples.py",
            "graph": graph,
            "opsetImport": [{"domain": "", "version": str(opset)}]}


def graph(name, nodes, initializers, inputs, outputs):
    return {"node": nodes, "name": name, "initializer": initializers,
            "input": inputs, "output": outputs}


# --- MLP ------------------------------------------------------------------

def mlp():
    batch, features, hidden, classes = 64, 256, 512, 10
    nodes = [
        # Gemm with the PyTorch weight layout [out, in] (transB = 1).
        node("Gemm", ["x", "fc1.weight", "fc1.bias"], ["fc1"], "fc1",
             [attr_int("transB", 1)]),
        node("Relu", ["fc1"], ["relu1"], "relu1"),
        # MatMul + Add, as exporters write a linear layer on 3-D inputs.
        node("MatMul", ["relu1", "fc2.weight"], ["fc2.mm"], "fc2.matmul"),
        node("Add", ["fc2.mm", "fc2.bias"], ["fc2"], "fc2.add"),
        node("Relu", ["fc2"], ["relu2"], "relu2"),
        node("Gemm", ["relu2", "fc3.weight", "fc3.bias"], ["logits"], "fc3"),
        node("SoftmaxCrossEntropyLoss", ["logits", "labels"], ["loss"],
             "loss", [attr_string("reduction", "mean")]),
    ]
    inits = [
        param("fc1.weight", [hidden, features]),
        param("fc1.bias", [hidden], "zeros"),
        param("fc2.weight", [hidden, hidden]),
        param("fc2.bias", [hidden], "zeros"),
        param("fc3.weight", [hidden, classes]),
        param("fc3.bias", [classes], "zeros"),
    ]
    inputs = [value_info("x", FLOAT, [batch, features]),
              value_info("labels", INT64, [batch])]
    outputs = [value_info("loss", FLOAT, [])]
    return model(graph("mlp", nodes, inits, inputs, outputs), opset=17)


# --- Transformer ------------------------------------------------------------

def transformer(B=4, T=32, V=64, D=64, H=2, BLOCKS=2, name="transformer"):
    DH, FF = D // H, 4 * D
    nodes, inits = [], []

    def add(op, inputs, out, attrs=()):
        nodes.append(node(op, inputs, [out], out, attrs))
        return out

    inits += [param("tok_emb", [V, D]), param("pos_emb", [T, D]),
              int64_const("shape.heads", [0, 0, H, DH]),
              int64_const("shape.merge", [0, 0, -1]),
              int64_const("shape.logits", [-1, V])]
    mask = [0.0 if j <= i else -1e9 for i in range(T) for j in range(T)]
    nodes.append(node("Constant", [], ["causal_mask"], "causal_mask", [
        attr_tensor("value", {"dims": [str(T), str(T)], "dataType": FLOAT,
                              "floatData": mask})]))

    x = add("Gather", ["tok_emb", "tokens"], "embed")
    x = add("Add", [x, "pos_emb"], "embed.pos")
    for b in range(BLOCKS):
        p = f"block{b}"
        inits += [param(f"{p}.ln1.gain", [D], "ones"),
                  param(f"{p}.ln1.bias", [D], "zeros")]
        inits += [param(f"{p}.attn.w{w}", [D, D]) for w in "qkvo"]
        inits += [param(f"{p}.ln2.gain", [D], "ones"),
                  param(f"{p}.ln2.bias", [D], "zeros"),
                  param(f"{p}.mlp.w1", [D, FF]),
                  param(f"{p}.mlp.b1", [FF], "zeros"),
                  param(f"{p}.mlp.w2", [FF, D]),
                  param(f"{p}.mlp.b2", [D], "zeros")]
        # Attention: x + Wo(softmax(QK^T + mask) V), heads split by reshape.
        h = add("LayerNormalization", [x, f"{p}.ln1.gain", f"{p}.ln1.bias"],
                f"{p}.ln1", [attr_int("axis", -1),
                             attr_float("epsilon", 1e-5)])
        heads = {}
        for w, perm in (("q", [0, 2, 1, 3]), ("k", [0, 2, 3, 1]),
                        ("v", [0, 2, 1, 3])):
            m = add("MatMul", [h, f"{p}.attn.w{w}"], f"{p}.attn.{w}")
            r = add("Reshape", [m, "shape.heads"], f"{p}.attn.{w}.split")
            heads[w] = add("Transpose", [r], f"{p}.attn.{w}.heads",
                           [attr_ints("perm", perm)])
        s = add("MatMul", [heads["q"], heads["k"]], f"{p}.attn.scores")
        s = add("Add", [s, "causal_mask"], f"{p}.attn.masked")
        s = add("Softmax", [s], f"{p}.attn.probs", [attr_int("axis", -1)])
        a = add("MatMul", [s, heads["v"]], f"{p}.attn.mix")
        a = add("Transpose", [a], f"{p}.attn.merge.t",
                [attr_ints("perm", [0, 2, 1, 3])])
        a = add("Reshape", [a, "shape.merge"], f"{p}.attn.merge")
        a = add("MatMul", [a, f"{p}.attn.wo"], f"{p}.attn.out")
        x = add("Add", [x, a], f"{p}.residual1")
        # MLP: x + W2 gelu(W1 ln(x) + b1) + b2.
        h = add("LayerNormalization", [x, f"{p}.ln2.gain", f"{p}.ln2.bias"],
                f"{p}.ln2", [attr_int("axis", -1),
                             attr_float("epsilon", 1e-5)])
        h = add("MatMul", [h, f"{p}.mlp.w1"], f"{p}.mlp.fc1")
        h = add("Add", [h, f"{p}.mlp.b1"], f"{p}.mlp.fc1.add")
        h = add("Gelu", [h], f"{p}.mlp.gelu",
                [attr_string("approximate", "tanh")])
        h = add("MatMul", [h, f"{p}.mlp.w2"], f"{p}.mlp.fc2")
        h = add("Add", [h, f"{p}.mlp.b2"], f"{p}.mlp.fc2.add")
        x = add("Add", [x, h], f"{p}.residual2")
    inits += [param("ln_f.gain", [D], "ones"),
              param("ln_f.bias", [D], "zeros"),
              param("readout.weight", [D, V])]
    x = add("LayerNormalization", [x, "ln_f.gain", "ln_f.bias"], "ln_f",
            [attr_int("axis", -1), attr_float("epsilon", 1e-5)])
    x = add("MatMul", [x, "readout.weight"], "readout")
    x = add("Reshape", [x, "shape.logits"], "logits")
    nodes.append(node("SoftmaxCrossEntropyLoss", [x, "labels"], ["loss"],
                      "loss", [attr_string("reduction", "mean")]))
    inputs = [value_info("tokens", INT64, [B, T]),
              value_info("labels", INT64, [B * T])]
    outputs = [value_info("loss", FLOAT, [])]
    return model(graph(name, nodes, inits, inputs, outputs), opset=20)


def charlm():
    """The character language model of the FP8 training evidence (issue 4c):
    a pre-norm causal transformer, 2 blocks, width 128, 4 heads, context 64,
    batch 16, vocabulary 128 (the text's distinct bytes, in byte order)."""
    return transformer(B=16, T=64, V=128, D=128, H=4, BLOCKS=2, name="charlm")


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(
        os.path.abspath(__file__))
    for name, m in (("mlp.json", mlp()), ("transformer.json", transformer()),
                    ("charlm.json", charlm())):
        with open(os.path.join(out_dir, name), "w") as f:
            json.dump(m, f, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
