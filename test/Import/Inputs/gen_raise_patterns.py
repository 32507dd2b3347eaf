#!/usr/bin/env python3
"""Writes raise-patterns.json and err-raise-patterns.json: the decomposed
layer norms, GELUs and (Log)Softmax + NegativeLogLikelihoodLoss losses
PyTorch's exporter writes, in the forms the importer raises (and some it
must not); and fold-shapes.json: the Shape/Gather/Unsqueeze/Concat (Slice,
Cast, integer arithmetic) chains it writes for view/reshape, which fold to
constants. Standard library only.  usage: gen_raise_patterns.py [OUT_DIR]
"""
import json
import os
import sys

FLOAT, INT64 = 1, 7


def vi(name, elem, dims):
    return {"name": name, "type": {"tensorType": {"elemType": elem, "shape": {
        "dim": [{"dimValue": str(d)} for d in dims]}}}}


class Graph:
    def __init__(self):
        self.nodes, self.inits = [], []

    def node(self, op, inputs, out, attrs=(), name=None):
        n = {"input": list(inputs)} if inputs else {}
        n.update({"output": [out], "name": name or out, "opType": op})
        if attrs:
            n["attribute"] = list(attrs)
        self.nodes.append(n)
        return out

    def const(self, name, value):
        """A scalar float Constant node, as the exporter writes it."""
        return self.node("Constant", [], name, [
            {"name": "value", "type": "TENSOR",
             "t": {"dataType": FLOAT, "floatData": [value]}}])

    def scalar_init(self, name, value):
        """A scalar float initializer (constant folding writes these)."""
        self.inits.append({"dataType": FLOAT, "floatData": [value],
                           "name": name})
        return name

    def param(self, name, dims, init=None):
        t = {"dims": [str(d) for d in dims], "dataType": FLOAT, "name": name}
        if init:
            t["docString"] = init
        self.inits.append(t)
        return name


def ints(name, vs):
    return {"name": name, "ints": [str(v) for v in vs], "type": "INTS"}


def layer_norm(g, p, x, axes, eps_init=False, square="Pow", affine=True,
               axes_input=False):
    def mean(inp, out):
        if axes_input:
            g.inits.append({"dims": [str(len(axes))], "dataType": INT64,
                            "int64Data": [str(a) for a in axes],
                            "name": out + ".axes"})
            return g.node("ReduceMean", [inp, out + ".axes"], out)
        return g.node("ReduceMean", [inp], out, [ints("axes", axes)])
    m = mean(x, p + ".mean")
    d = g.node("Sub", [x, m], p + ".sub")
    if square == "Pow":
        sq = g.node("Pow", [d, g.const(p + ".two", 2.0)], p + ".pow")
    else:
        sq = g.node("Mul", [d, d], p + ".sq")
    var = mean(sq, p + ".var")
    eps = (g.scalar_init(p + ".eps", 1e-6) if eps_init
           else g.const(p + ".eps", 1e-5))
    s = g.node("Sqrt", [g.node("Add", [var, eps], p + ".add_eps")], p + ".sqrt")
    n = g.node("Div", [d, s], p + ".div")
    if not affine:
        return n
    dims = [8] * len(axes)
    y = g.node("Mul", [n, g.param(p + ".weight", dims, "ones")], p + ".mul")
    return g.node("Add", [y, g.param(p + ".bias", dims, "zeros")], p + ".add")


def gelu_erf(g, p, x, variant=0):
    if variant == 0:  # torch: x * (1 + erf(x / sqrt2)) * 0.5
        a = g.node("Div", [x, g.const(p + ".sqrt2", 1.4142135381698608)],
                   p + ".div")
        e = g.node("Erf", [a], p + ".erf")
        c = g.node("Add", [e, g.const(p + ".one", 1.0)], p + ".add")
        d = g.node("Mul", [x, c], p + ".mul")
        return g.node("Mul", [d, g.const(p + ".half", 0.5)], p + ".mul_half")
    # (0.5 * x) * (1 + erf(x * 0.70710677)), scalars as initializers
    h = g.node("Mul", [g.scalar_init(p + ".half", 0.5), x], p + ".xhalf")
    a = g.node("Mul", [x, g.scalar_init(p + ".rsqrt2", 0.70710677)],
               p + ".scale")
    e = g.node("Erf", [a], p + ".erf")
    c = g.node("Add", [g.scalar_init(p + ".one", 1.0), e], p + ".add")
    return g.node("Mul", [h, c], p + ".mul")


def gelu_tanh(g, p, x, cube="Pow"):
    if cube == "Pow":
        x3 = g.node("Pow", [x, g.const(p + ".three", 3.0)], p + ".pow")
    else:
        x3 = g.node("Mul", [g.node("Mul", [x, x], p + ".x2"), x], p + ".x3")
    q = g.node("Mul", [g.const(p + ".c", 0.044715), x3], p + ".mul_c")
    r = g.node("Add", [x, q], p + ".inner")
    s = g.node("Mul", [r, g.const(p + ".k", 0.7978845834732056)],
               p + ".mul_k")
    t = g.node("Tanh", [s], p + ".tanh")
    u = g.node("Add", [t, g.const(p + ".one", 1.0)], p + ".add")
    h = g.node("Mul", [g.const(p + ".half", 0.5), x], p + ".xhalf")
    return g.node("Mul", [h, u], p + ".mul")


def model(name, g, inputs, outputs, opset=17):
    return {"irVersion": "8", "graph": {
        "node": g.nodes, "name": name, "initializer": g.inits,
        "input": inputs, "output": [{"name": o} for o in outputs]},
        "opsetImport": [{"domain": "", "version": str(opset)}]}


def patterns():
    g = Graph()
    outs = [
        layer_norm(g, "ln_affine", "x", [-1]),
        layer_norm(g, "ln_plain", "x", [2], eps_init=True, square="Mul",
                   affine=False),
        layer_norm(g, "ln_axes_input", "x", [-1], axes_input=True),
        gelu_erf(g, "gelu_erf", "x"),
        gelu_erf(g, "gelu_erf_b", "x", variant=1),
        gelu_tanh(g, "gelu_tanh", "x"),
        gelu_tanh(g, "gelu_tanh_b", "x", cube="Mul"),
    ]
    # Not a GELU: 0.5 * x * (1 + tanh(x)) keeps its ops.
    t = g.node("Tanh", ["x"], "not_gelu.tanh")
    u = g.node("Add", [t, g.const("not_gelu.one", 1.0)], "not_gelu.add")
    h = g.node("Mul", ["x", g.const("not_gelu.half", 0.5)], "not_gelu.xhalf")
    outs.append(g.node("Mul", [h, u], "not_gelu.mul"))
    # LogSoftmax + NLL, and Log(Softmax) + NLL on [N, C, d].
    ls = g.node("LogSoftmax", ["logits"], "ce.logsoftmax",
                [{"name": "axis", "i": "1", "type": "INT"}])
    outs.append(g.node("NegativeLogLikelihoodLoss", [ls, "labels"], "ce.nll",
                       [{"name": "reduction", "s": "bWVhbg==",
                         "type": "STRING"}]))
    sm = g.node("Softmax", ["scores"], "ce3.softmax",
                [{"name": "axis", "i": "1", "type": "INT"}])
    lg = g.node("Log", [sm], "ce3.log")
    outs.append(g.node("NegativeLogLikelihoodLoss", [lg, "labels3"],
                       "ce3.nll"))
    return model("raise_patterns", g,
                 [vi("x", FLOAT, [2, 3, 8]), vi("logits", FLOAT, [4, 5]),
                  vi("labels", INT64, [4]), vi("scores", FLOAT, [2, 5, 3]),
                  vi("labels3", INT64, [2, 3])], outs)


def errors():
    g = Graph()
    # ReduceMean over a middle axis: not a layer norm.
    outs = [layer_norm(g, "ln_middle", "x", [1], affine=False)]
    # LogSoftmax over the last axis of [N, C, d]: not over the classes.
    ls = g.node("LogSoftmax", ["scores"], "ce_axis.logsoftmax",
                [{"name": "axis", "i": "-1", "type": "INT"}])
    outs.append(g.node("NegativeLogLikelihoodLoss", [ls, "labels3"],
                       "ce_axis.nll"))
    # reduction = sum is refused by the loss mapping, named by the pattern.
    ls2 = g.node("LogSoftmax", ["logits"], "ce_sum.logsoftmax")
    outs.append(g.node("NegativeLogLikelihoodLoss", [ls2, "labels"],
                       "ce_sum.nll", [{"name": "reduction", "s": "c3Vt",
                                       "type": "STRING"}]))
    return model("err_raise_patterns", g,
                 [vi("x", FLOAT, [2, 3, 8]), vi("logits", FLOAT, [4, 5]),
                  vi("labels", INT64, [4]), vi("scores", FLOAT, [2, 5, 3]),
                  vi("labels3", INT64, [2, 3])], outs)


def int_const(g, name, values, scalar=False):
    t = {"dataType": INT64, "int64Data": [str(v) for v in values]}
    if not scalar:
        t["dims"] = [str(len(values))]
    return g.node("Constant", [], name, [
        {"name": "value", "type": "TENSOR", "t": t}])


def fold_shapes():
    g = Graph()
    # x.view(B, T, H, C // H) as the exporter writes it (opset 15).
    s = g.node("Shape", ["x"], "view.shape")
    dims = [g.node("Gather", [s, int_const(g, f"view.i{i}", [i], True)],
                   f"view.dim{i}") for i in range(3)]
    hd = g.node("Div", [dims[2], int_const(g, "view.heads", [2], True)],
                "view.head_dim")
    parts = [g.node("Unsqueeze", [v, int_const(g, f"view.ax{i}", [0])],
                    f"view.u{i}") for i, v in enumerate([dims[0], dims[1], hd])]
    shape = g.node("Concat", [parts[0], parts[1],
                              int_const(g, "view.h", [2]), parts[2]],
                   "view.target", [{"name": "axis", "i": "0", "type": "INT"}])
    outs = [g.node("Reshape", ["x", shape], "view")]
    # x.flatten(1): Shape(start=1), a product, Slice of the full shape, Cast.
    tail = g.node("Shape", ["x"], "flat.tail",
                  [{"name": "start", "i": "1", "type": "INT"}])
    prod = g.node("Mul", [
        g.node("Gather", [tail, int_const(g, "flat.i0", [0], True)],
               "flat.d1"),
        g.node("Gather", [tail, int_const(g, "flat.i1", [1], True)],
               "flat.d2")], "flat.prod")
    lead = g.node("Slice", [g.node("Shape", ["x"], "flat.shape"),
                            int_const(g, "flat.start", [0]),
                            int_const(g, "flat.end", [1])], "flat.lead")
    inner = g.node("Cast", [g.node("Unsqueeze", [prod, int_const(
        g, "flat.ax", [0])], "flat.u")], "flat.cast",
        [{"name": "to", "i": "7", "type": "INT"}])
    shape2 = g.node("Concat", [lead, inner], "flat.target",
                    [{"name": "axis", "i": "0", "type": "INT"}])
    outs.append(g.node("Reshape", ["x", shape2], "flat"))
    # A no-op Cast of a tensor, and attention's division by a constant.
    outs.append(g.node("Relu", [g.node("Cast", ["x"], "same_type", [
        {"name": "to", "i": "1", "type": "INT"}])], "relu"))
    outs.append(g.node("Div", ["x", g.const("scale.sqrt_d", 2.0)], "scale"))
    return model("fold_shapes", g, [vi("x", FLOAT, [2, 3, 8])], outs,
                 opset=15)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(
        os.path.abspath(__file__))
    for name, m in (("raise-patterns.json", patterns()),
                    ("err-raise-patterns.json", errors()),
                    ("fold-shapes.json", fold_shapes())):
        with open(os.path.join(out, name), "w") as f:
            json.dump(m, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
