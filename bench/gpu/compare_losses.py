#!/usr/bin/env python3
"""Compares the loss curves of train_step_check.sh's runs (CPU vs GPU
library of the same model, same seed) against the bounds of docs/gpu.md,
and reports the median step times. Prints markdown; exits 1 when a bound
is broken or a run is missing.

Bounds, relative to the CPU loss (why: docs/gpu.md, "Running a model on the
GPU"). The GPU GEMMs take the same FP8 operands as the CPU's bit-exact
simulation (the casts round alike); only the accumulation differs (wgmma's
order and its reduced-precision f32 adds, about 1e-3 relative per GEMM
output at these K), and after the first update the runs drift apart.

  model   step 1   steps 2-5   mean of the last 10 steps
  mlp128  2e-3     1e-2        5e-2    (all 5 GEMMs of the step on the GPU)
  charlm  2e-3     1e-2        5e-2    (39 of the 51 on the FP8 kernels: all
                                        but attention's batched products)
  The same bounds hold for the default GPU library (every other op as a
  loop kernel: the same arithmetic in f32, but libdevice's exp/log, within
  2 ulp, and the remaining GEMMs summed in loop order) and for --host-ops
  (only the FP8 GEMMs on the GPU).
  attn    2e-3     1e-2        5e-2    (a transformer block with 128-wide
                                        heads: all 27 on the FP8 kernels,
                                        attention's batched GEMMs too; attn
                                        loop GEMMs: 21, attention's 6 as
                                        loop kernels)
  The pairs with a default lever off (no fused rows: softmax and layer
  norm as separate loop kernels instead of a warp per row; session 8
  defaults: batched GEMMs, fused rows and tiled casts all off) have the
  same bounds against the CPU, and so has attn split columns
  (--gpu-split-columns: column sums as two coalesced loop kernels).
  mlp128-gpu-isa vs mlp128-gpu: the same kernels, JIT-compiled from PTX
  instead of ptxas's cubin, should give the same numbers: 1e-6, 1e-5, 1e-4.
  mlp128-gpu-pairs vs mlp128-gpu: the pair cast kernel makes the same FP8
  bytes as the tiled one (the same cvt on the same values), so the same
  bounds.
"""
import argparse
import csv
import os
import statistics
import sys

BOUNDS = {  # pair: (reference, candidate, step1, steps2-5, last10)
    "mlp128": ("mlp128-cpu", "mlp128-gpu", 2e-3, 1e-2, 5e-2),
    "mlp128 JIT": ("mlp128-gpu", "mlp128-gpu-isa", 1e-6, 1e-5, 1e-4),
    "charlm": ("charlm-cpu", "charlm-gpu", 2e-3, 1e-2, 5e-2),
    "mlp128 host-ops": ("mlp128-cpu", "mlp128-gpu-hostops", 2e-3, 1e-2, 5e-2),
    "charlm host-ops": ("charlm-cpu", "charlm-gpu-hostops", 2e-3, 1e-2, 5e-2),
    "attn": ("attn-cpu", "attn-gpu", 2e-3, 1e-2, 5e-2),
    "attn loop GEMMs": ("attn-cpu", "attn-gpu-loops", 2e-3, 1e-2, 5e-2),
    "attn no fused rows": ("attn-cpu", "attn-gpu-norows", 2e-3, 1e-2, 5e-2),
    "attn session 8 defaults": ("attn-cpu", "attn-gpu-session8", 2e-3, 1e-2,
                                5e-2),
    "charlm no fused rows": ("charlm-cpu", "charlm-gpu-norows", 2e-3, 1e-2,
                             5e-2),
    "mlp128 pair casts": ("mlp128-gpu", "mlp128-gpu-pairs", 1e-6, 1e-5, 1e-4),
    "attn split columns": ("attn-cpu", "attn-gpu-split", 2e-3, 1e-2, 5e-2),
}


def read(path):
    with open(path) as f:
        rows = list(csv.DictReader(f))
    return ([float(r["loss"]) for r in rows],
            [float(r["tokens_per_s"]) for r in rows])


def rel(a, b):
    return abs(a - b) / max(abs(a), 1e-12)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    args = ap.parse_args()
    ok = True
    runs = {}
    for name in sorted({n for p in BOUNDS.values() for n in p[:2]}):
        path = os.path.join(args.dir, name + ".csv")
        if os.path.isfile(path):
            runs[name] = read(path)
    print("| pair | steps | step 1 rel. diff (bound) | max steps 2-5 (bound) "
          "| last 10 mean rel. diff (bound) | result |")
    print("|---|---|---|---|---|---|")
    for pair, (ref, cand, b1, b5, b10) in BOUNDS.items():
        if ref not in runs or cand not in runs:
            print(f"| {pair} | - | missing run | | | FAIL |")
            ok = False
            continue
        a, b = runs[ref][0], runs[cand][0]
        n = min(len(a), len(b))
        if n < 10:
            print(f"| {pair} | {n} | too few steps | | | FAIL |")
            ok = False
            continue
        d1 = rel(a[0], b[0])
        d5 = max(rel(x, y) for x, y in zip(a[1:5], b[1:5]))
        d10 = rel(statistics.fmean(a[n - 10:n]), statistics.fmean(b[n - 10:n]))
        good = d1 <= b1 and d5 <= b5 and d10 <= b10
        ok &= good
        print(f"| {pair} | {n} | {d1:.2e} ({b1:g}) | {d5:.2e} ({b5:g}) | "
              f"{d10:.2e} ({b10:g}) | {'PASS' if good else 'FAIL'} |")
    print()
    print("| run | first loss | last loss | median tokens/s (steps 6+) "
          "| vs the model's CPU run |")
    print("|---|---|---|---|---|")
    medians = {name: statistics.median(tps[5:] or tps)
               for name, (loss, tps) in runs.items()}
    for name, (loss, tps) in sorted(runs.items()):
        cpu = medians.get(name.split("-")[0] + "-cpu")
        ratio = f"{medians[name] / cpu:.2f}x" if cpu else "-"
        print(f"| {name} | {loss[0]:.4f} | {loss[-1]:.4f} | "
              f"{medians[name]:.0f} | {ratio} |")
    print()
    print("RESULT " + ("PASS" if ok else "FAIL"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
