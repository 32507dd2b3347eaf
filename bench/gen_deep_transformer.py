#!/usr/bin/env python3
"""Writes a deep pre-norm transformer trunk as uscale MLIR, for scaling
benchmarks of the unit-scaling passes.

usage: gen_deep_transformer.py --ops N [-o FILE]

Each block is ~26 ops (8 parameters, single-head attention, GELU MLP, two
residual adds); blocks are repeated until at least N ops exist. Shapes are
small (16 tokens x 32 features): the passes' cost depends on the graph, not
on tensor sizes.
"""
import argparse
import sys

T, D, F, V = 16, 32, 128, 64


def emit(out, n_ops):
    t = f"tensor<{T}x{D}xf32>"
    w = f"tensor<{D}x{D}xf32>"
    lines = [f"func.func @deep(%ids: tensor<{T}xi64>, %labels: tensor<{T}xi64>) -> tensor<f32> {{",
             f'  %emb = uscale.parameter "emb" init normal : tensor<{V}x{D}xf32>',
             f"  %x0 = uscale.gather %emb[%ids] axis = 0 : (tensor<{V}x{D}xf32>, tensor<{T}xi64>) -> {t}"]
    out.write("\n".join(lines) + "\n")
    ops, b, x = 2, 0, "%x0"
    while ops < n_ops:
        p = f"b{b}"
        out.write(
            f'  %{p}g1 = uscale.parameter "{p}.ln1.g" init ones : tensor<{D}xf32>\n'
            f'  %{p}wq = uscale.parameter "{p}.wq" init normal : {w}\n'
            f'  %{p}wk = uscale.parameter "{p}.wk" init normal : {w}\n'
            f'  %{p}wv = uscale.parameter "{p}.wv" init normal : {w}\n'
            f'  %{p}wo = uscale.parameter "{p}.wo" init normal : {w}\n'
            f'  %{p}g2 = uscale.parameter "{p}.ln2.g" init ones : tensor<{D}xf32>\n'
            f'  %{p}w1 = uscale.parameter "{p}.w1" init normal : tensor<{D}x{F}xf32>\n'
            f'  %{p}w2 = uscale.parameter "{p}.w2" init normal : tensor<{F}x{D}xf32>\n'
            f"  %{p}n1 = uscale.layer_norm {x} gain %{p}g1 axis = -1 : ({t}, tensor<{D}xf32>) -> {t}\n"
            f"  %{p}q = uscale.linear %{p}n1, %{p}wq : ({t}, {w}) -> {t}\n"
            f"  %{p}k = uscale.linear %{p}n1, %{p}wk : ({t}, {w}) -> {t}\n"
            f"  %{p}v = uscale.linear %{p}n1, %{p}wv : ({t}, {w}) -> {t}\n"
            f"  %{p}kt = uscale.transpose %{p}k perm = [1, 0] : {t} -> tensor<{D}x{T}xf32>\n"
            f"  %{p}s = uscale.matmul %{p}q, %{p}kt : ({t}, tensor<{D}x{T}xf32>) -> tensor<{T}x{T}xf32>\n"
            f"  %{p}p = uscale.softmax %{p}s axis = -1 : tensor<{T}x{T}xf32>\n"
            f"  %{p}a = uscale.matmul %{p}p, %{p}v : (tensor<{T}x{T}xf32>, {t}) -> {t}\n"
            f"  %{p}o = uscale.linear %{p}a, %{p}wo : ({t}, {w}) -> {t}\n"
            f"  %{p}r1 = uscale.add {x}, %{p}o : ({t}, {t}) -> {t}\n"
            f"  %{p}n2 = uscale.layer_norm %{p}r1 gain %{p}g2 axis = -1 : ({t}, tensor<{D}xf32>) -> {t}\n"
            f"  %{p}h = uscale.linear %{p}n2, %{p}w1 : ({t}, tensor<{D}x{F}xf32>) -> tensor<{T}x{F}xf32>\n"
            f"  %{p}ga = uscale.gelu %{p}h : tensor<{T}x{F}xf32>\n"
            f"  %{p}m = uscale.linear %{p}ga, %{p}w2 : (tensor<{T}x{F}xf32>, tensor<{F}x{D}xf32>) -> {t}\n"
            f"  %{p}r2 = uscale.add %{p}r1, %{p}m : ({t}, {t}) -> {t}\n")
        ops += 23
        x = f"%{p}r2"
        b += 1
    out.write(
        f'  %unembed = uscale.parameter "unembed" init normal : tensor<{D}x{V}xf32>\n'
        f"  %logits = uscale.linear {x}, %unembed : ({t}, tensor<{D}x{V}xf32>) -> tensor<{T}x{V}xf32>\n"
        f"  %loss = uscale.softmax_cross_entropy %logits, %labels : (tensor<{T}x{V}xf32>, tensor<{T}xi64>) -> tensor<f32>\n"
        f"  return %loss : tensor<f32>\n}}\n")
    return ops + 3, b


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ops", type=int, required=True)
    ap.add_argument("-o", "--output", default="-")
    a = ap.parse_args()
    out = sys.stdout if a.output == "-" else open(a.output, "w")
    ops, blocks = emit(out, a.ops)
    print(f"{ops} ops in {blocks} blocks", file=sys.stderr)


if __name__ == "__main__":
    main()
