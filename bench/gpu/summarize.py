#!/usr/bin/env python3
"""Joins the harness output (CHECK/BENCH lines) and bench_torch_fp8.py's JSON
lines into one markdown summary.

  summarize.py CHECK_LOG BENCH_LOG TORCH_LOG
"""
import json
import re
import sys

KV = re.compile(r'(\w+)=(\S+)')


def kv(line):
    return dict(KV.findall(line))


def main(argv):
    if len(argv) != 4:
        sys.stderr.write(__doc__)
        return 2
    check_log, bench_log, torch_log = argv[1:]
    out = []
    checks = [l for l in open(check_log, errors='replace') if l.startswith('CHECK ')]
    # A candidate skips sizes its tile does not divide: not a failure.
    fails = [l for l in checks
             if 'result=PASS' not in l and 'result=SKIP' not in l]
    out.append('## Correctness: %d checks, %d failed' % (len(checks), len(fails)))
    out.append('')
    out.append('| variant | out | path | M×N×K | reference | rel. Frobenius error | max abs | bound | result |')
    out.append('|---|---|---|---|---|---|---|---|---|')
    for l in checks:
        d = kv(l)
        if 'M' not in d or d.get('result') == 'SKIP':
            continue
        # A batched check: batch x M x N x K.
        size = ('%s × ' % d['batch'] if 'batch' in d else '') + \
            '%s×%s×%s' % (d['M'], d['N'], d['K'])
        out.append('| %s | %s | %s | %s | %s | %s (GPU ref %s) | %s | %s | %s |' % (
            d.get('variant'), d.get('out'), d.get('path'), size,
            d.get('cpu', '?'), d.get('rel_fro', '?'), d.get('gpu_ref_rel_fro', 'n/a'),
            d.get('max_abs', '?'), d.get('bound', '?'), d.get('result', '?')))
    ours = {}
    for l in open(bench_log, errors='replace'):
        if l.startswith('BENCH ') and 'tflops=' in l:
            d = kv(l)
            ours[(d['variant'], int(d['M']), int(d['N']), int(d['K']))] = d
    torch_fp8, torch_bf16, info = {}, {}, {}
    for l in open(torch_log, errors='replace'):
        l = l.strip()
        if not l.startswith('{'):
            continue
        r = json.loads(l)
        if r['impl'] == 'info':
            info = r
        elif r['impl'] == 'torch_scaled_mm' and 'tflops' in r:
            torch_fp8[(r['variant'], r['M'], r['N'], r['K'], r['fast_accum'])] = r
        elif r['impl'] == 'torch_bf16_matmul':
            torch_bf16[(r['M'], r['N'], r['K'])] = r
    out.append('')
    out.append('## Timing (median, TFLOP/s) %s, torch %s' % (
        info.get('device', '?'), info.get('torch', '?')))
    out.append('')
    out.append('| M×N×K | variant | generated kernel | cuBLASLt fp8 fast-accum | cuBLASLt fp8 | ours / fast-accum | bf16 matmul | generated entry point |')
    out.append('|---|---|---|---|---|---|---|---|')
    for key in sorted(ours, key=lambda k: (k[1] * k[2] * k[3], k[0])):
        v, M, N, K = key
        d = ours[key]
        base = v.split('_')[0]  # a tuning candidate: fwd_w256s4 -> fwd
        fa = torch_fp8.get((base, M, N, K, True), {}).get('tflops')
        de = torch_fp8.get((base, M, N, K, False), {}).get('tflops')
        bf = torch_bf16.get((M, N, K), {}).get('tflops')
        t = float(d['tflops'])
        fmt = lambda x: '%.0f' % x if x is not None else 'n/a'
        out.append('| %d×%d×%d | %s | %.0f | %s | %s | %s | %s | %.0f |' % (
            M, N, K, v, t, fmt(fa), fmt(de),
            '%.2f' % (t / fa) if fa else 'n/a', fmt(bf), float(d['entry_tflops'])))
    print('\n'.join(out))
    return 1 if fails else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
