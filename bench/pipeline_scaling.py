#!/usr/bin/env python3
"""Runs the uscale-unit-scale pipeline on deep transformer graphs of 10^4,
10^5 and 10^6 ops (or --sizes), side by side in one run, and prints the wall
time of every pass and the growth ratio between consecutive sizes.

usage: bench/pipeline_scaling.py [--build build] [--sizes 10000,100000,1000000]

Target (issue 3): no stack overflow, and 10x ops costs <= 12x time for the
passes. Parsing and printing are MLIR's own and reported separately.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PASSES = ["WeightedResiduals", "AssignScales", "ConstrainScales",
          "(A) uscale::CutEdgeAnalysis"]
OTHER = ["Parser", "Output"]


def run(opt, path):
    cmd = [opt, path, "--uscale-unit-scale", "-mlir-timing",
           "-mlir-timing-display=list", "-o", os.devnull]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"unit-scale-opt failed ({p.returncode}):\n{p.stderr[-2000:]}")
    times = {}
    for line in p.stderr.splitlines():
        m = re.match(r"\s*([0-9.]+) \(\s*[0-9.]+%\)\s+(.*\S)\s*$", line)
        if m:
            times.setdefault(m.group(2), float(m.group(1)))
    return times


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(HERE, "..", "build"))
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--repeat", type=int, default=3,
                    help="runs per size; the fastest counts (less noise)")
    a = ap.parse_args()
    opt = os.path.join(a.build, "bin", "unit-scale-opt")
    sizes = [int(s) for s in a.sizes.split(",")]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            path = os.path.join(tmp, f"deep{n}.mlir")
            subprocess.run([sys.executable, os.path.join(HERE, "gen_deep_transformer.py"),
                            "--ops", str(n), "-o", path], check=True,
                           stderr=subprocess.DEVNULL)
            runs = [run(opt, path) for _ in range(a.repeat)]
            t = {k: min(r.get(k, 0.0) for r in runs) for k in runs[0]}
            t["passes"] = sum(t.get(k, 0.0) for k in PASSES[:3])
            results.append((n, t))
            os.remove(path)
    cols = PASSES + ["passes"] + OTHER
    print(f"{'ops':>9} " + " ".join(f"{c.replace('(A) uscale::', ''):>18}" for c in cols))
    for n, t in results:
        print(f"{n:>9} " + " ".join(f"{t.get(c, 0.0):>17.4f}s" for c in cols))
    worst = 0.0
    for (n0, t0), (n1, t1) in zip(results, results[1:]):
        ratio = t1["passes"] / max(t0["passes"], 1e-9)
        worst = max(worst, ratio / (n1 / n0) * 10)
        print(f"growth {n0} -> {n1} ops ({n1 / n0:.0f}x): passes {ratio:.2f}x, "
              f"parse {t1.get('Parser', 0) / max(t0.get('Parser', 1e-9), 1e-9):.2f}x")
    print(f"worst pass-time growth per 10x ops: {worst:.2f}x (target <= 12x)")
    sys.exit(0 if worst <= 12 else 1)


if __name__ == "__main__":
    main()
