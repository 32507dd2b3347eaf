#!/usr/bin/env python3
"""Writes the transformer-block model of the GPU train-step benchmark as
ONNX JSON: one pre-norm causal block (attention + GELU MLP) between a token
embedding and a readout with a mean softmax cross entropy, the
architecture of examples/transformer.json (examples/gen_examples.py) at a
GPU size. Every projection's M, N and K is a multiple of the FP8 kernels'
128 tile, so all of them run on the FP8 kernels; attention's batched
products run as loop kernels.

  gen_block.py OUT.json [--batch 8] [--seq 256] [--width 1024] [--heads 8]
                        [--vocab 256]

bench_torch_block.py builds the same model in PyTorch from the same
numbers.
"""
import argparse
import importlib.util
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    "gen_examples", os.path.join(HERE, "..", "..", "examples", "gen_examples.py"))
gen = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gen)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--seq", type=int, default=256)
    ap.add_argument("--width", type=int, default=1024)
    ap.add_argument("--heads", type=int, default=8)
    ap.add_argument("--vocab", type=int, default=256)
    a = ap.parse_args()
    for what, v in (("batch*seq", a.batch * a.seq), ("width", a.width),
                    ("vocab", a.vocab)):
        if v % 128:
            ap.error(f"{what} = {v} is not a multiple of 128: that GEMM would "
                     "leave the FP8 kernels")
    m = gen.transformer(B=a.batch, T=a.seq, V=a.vocab, D=a.width, H=a.heads,
                        BLOCKS=1, name="block")
    with open(a.out, "w") as f:
        json.dump(m, f)
        f.write("\n")


if __name__ == "__main__":
    main()
