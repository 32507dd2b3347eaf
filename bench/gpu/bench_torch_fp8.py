#!/usr/bin/env python3
"""Times the baselines of the FP8 GEMM benchmark on the GPU machine:
torch._scaled_mm (cuBLASLt FP8) for the three GEMMs of a linear layer, with
and without fast accumulation, and bf16 torch.matmul, at the same sizes and
in the same layout as the generated kernels (A is M x K, B is N x K, both
row-major, i.e. both K-major; C = A . B^T).

Method (the workplace's METHOD.md): CUDA events around each call, warm-up
first, median of --iters, inputs rotated over 3 sets so L2 does not hold
them, random normal data (never zeros). One JSON object per line.
"""
import argparse
import json
import sys

import torch


def parse_sizes(s):
    return [tuple(int(x) for x in one.split("x")) for one in s.split(",")]


def bench(fn, sets, iters, warmup):
    start = [torch.cuda.Event(enable_timing=True) for _ in range(iters)]
    end = [torch.cuda.Event(enable_timing=True) for _ in range(iters)]
    for i in range(warmup):
        fn(*sets[i % len(sets)])
    torch.cuda.synchronize()
    for i in range(iters):
        args = sets[i % len(sets)]
        start[i].record()
        fn(*args)
        end[i].record()
    torch.cuda.synchronize()
    times = sorted(s.elapsed_time(e) for s, e in zip(start, end))
    return times[len(times) // 2], times[0], times[-1]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="4096x4096x4096,8192x8192x8192,8192x2048x8192")
    ap.add_argument("--iters", type=int, default=50)
    ap.add_argument("--warmup", type=int, default=10)
    args = ap.parse_args()
    dev = torch.device("cuda")
    e4, e5 = torch.float8_e4m3fn, torch.float8_e5m2
    one = torch.ones((), device=dev, dtype=torch.float32)
    print(json.dumps({"impl": "info", "torch": torch.__version__,
                      "device": torch.cuda.get_device_name(0),
                      "cuda": torch.version.cuda}), flush=True)
    # (variant, A type, B type, output type) as in the generated kernels,
    # except fwd: ours writes E4M3, cuBLASLt is timed writing bf16.
    variants = [("fwd", e4, e4, torch.bfloat16),
                ("dgrad", e5, e4, torch.bfloat16),
                ("wgrad", e4, e5, torch.float32)]
    for (M, N, K) in parse_sizes(args.sizes):
        flops = 2.0 * M * N * K
        g = torch.Generator(device=dev)
        g.manual_seed(M * 31 + N * 17 + K)
        base = [(torch.randn(M, K, device=dev, generator=g),
                 torch.randn(N, K, device=dev, generator=g)) for _ in range(3)]
        for name, ta, tb, tout in variants:
            sets = [(a.to(ta), b.to(tb).t()) for a, b in base]
            for fast in (False, True):
                def fn(a, bt, fast=fast, tout=tout):
                    return torch._scaled_mm(a, bt, scale_a=one, scale_b=one,
                                            out_dtype=tout,
                                            use_fast_accum=fast)
                try:
                    med, lo, hi = bench(fn, sets, args.iters, args.warmup)
                    rec = {"impl": "torch_scaled_mm", "variant": name,
                           "fast_accum": fast, "out": str(tout).split(".")[-1],
                           "M": M, "N": N, "K": K, "median_ms": med,
                           "min_ms": lo, "max_ms": hi,
                           "tflops": flops / (med * 1e-3) / 1e12}
                except Exception as e:  # report, keep going
                    rec = {"impl": "torch_scaled_mm", "variant": name,
                           "fast_accum": fast, "M": M, "N": N, "K": K,
                           "error": str(e).splitlines()[0]}
                print(json.dumps(rec), flush=True)
        sets = [(a.to(torch.bfloat16), b.to(torch.bfloat16).t()) for a, b in base]
        med, lo, hi = bench(torch.matmul, sets, args.iters, args.warmup)
        print(json.dumps({"impl": "torch_bf16_matmul", "M": M, "N": N, "K": K,
                          "median_ms": med, "min_ms": lo, "max_ms": hi,
                          "tflops": flops / (med * 1e-3) / 1e12}), flush=True)
        del base, sets
        torch.cuda.empty_cache()
    return 0


if __name__ == "__main__":
    sys.exit(main())
