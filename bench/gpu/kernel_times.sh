#!/usr/bin/env bash
# GPU time of one train step of the transformer block, kernel by kernel,
# measured by Nsight Compute (ncu, in the CUDA toolkit of the GPU machine):
# each kernel's gpu__time_duration, so launch gaps and host time are left
# out. Sums them (all kernels, FP8 GEMM kernels, casts, loop kernels) and
# prints the 15 kernels with the most time. Compare the sum with the step's
# wall time (block_step_bench.sh) to see how much of the step the GPU is
# busy. Skips with a note where ncu is missing.
#   bash bench/gpu/kernel_times.sh [ARTIFACTS]     (device-carry/train-step)
set -u
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ART="${1:-$ROOT/device-carry/train-step}"
NCU="$(command -v ncu || echo /usr/local/cuda/bin/ncu)"
[[ -x "$NCU" ]] || { echo "kernel_times: no ncu here, skipped"; exit 0; }
CSV="$(mktemp)"
# One step: its kernels are those of every later step (the first step only
# adds allocations, which are not kernels).
timeout "${NCU_TIMEOUT:-150}" "$NCU" --metrics gpu__time_duration.sum --csv \
  "$ART/unit-scale-run" train "$ART/gpu/libblock.so" --device gpu --steps 1 \
  --seed 1 > "$CSV" 2> "$CSV.err" || { echo "kernel_times: ncu failed:"; tail -5 "$CSV.err"; exit 1; }
python3 - "$CSV" <<'PY'
import csv, collections, sys
rows = [r for r in csv.reader(open(sys.argv[1])) if len(r) > 5]
head = next(i for i, r in enumerate(rows) if "Kernel Name" in r)
cols = rows[head]
name_i, metric_i = cols.index("Kernel Name"), cols.index("Metric Name")
value_i, unit_i = cols.index("Metric Value"), cols.index("Metric Unit")
grid_i = cols.index("Grid Size") if "Grid Size" in cols else None
scale = {"nsecond": 1e-3, "usecond": 1.0, "msecond": 1e3, "second": 1e6}
total, per, kinds = 0.0, collections.defaultdict(lambda: [0, 0.0]), collections.Counter()
for r in rows[head + 1:]:
    if r[metric_i] != "gpu__time_duration.sum":
        continue
    us = float(r[value_i].replace(",", "")) * scale.get(r[unit_i], 1.0)
    name = r[name_i] + (" " + r[grid_i] if grid_i is not None else "")
    per[name][0] += 1
    per[name][1] += us
    total += us
    kind = ("FP8 GEMM" if r[name_i] == "kernel" else
            "FP8 cast" if r[name_i] == "cast" else "loop kernel")
    kinds[kind] += us
n = sum(c for c, _ in per.values())
print(f"kernel_times: {n} kernels in one step, {total / 1e3:.3f} ms of GPU time")
for k, us in kinds.most_common():
    print(f"  {k:12s} {us / 1e3:7.3f} ms")
print("  the 15 longest (calls, total us, name grid):")
for name, (c, us) in sorted(per.items(), key=lambda kv: -kv[1][1])[:15]:
    print(f"  {c:5d} {us:9.1f}  {name}")
PY
rm -f "$CSV" "$CSV.err"
