#!/usr/bin/python3
"""Imports every PyTorch-exported model of Debian's libonnx-testdata
(data/pytorch-converted and data/pytorch-operator) with
`unit-scale-translate --import-onnx`, unit-scales the ones that import, and
writes the coverage table docs/onnx-coverage.md.

usage: onnx-coverage.py [--translate BIN] [--opt BIN] [--data DIR]
                        [--write FILE | --check FILE]

  --write FILE  write the table to FILE (default: print it)
  --check FILE  fail when FILE differs from the table (lit runs this)

Needs python3-onnx (to list each model's op types) and libonnx-testdata.
Besides building the table it checks that the importer fails clearly: every
failed import must exit 1, write nothing to stdout, and report either the
one unsupported-op error (listing exactly the model's op types the importer
does not map, each node by name or number) or an error naming a node. A
violation is printed and the script exits 1.
"""
import argparse
import collections
import os
import re
import subprocess
import sys

import onnx

SUITES = ("pytorch-converted", "pytorch-operator")
UNSUPPORTED = re.compile(
    r"error: (\d+) nodes? with op types the importer does not support: (.*)$")
NODE_ERROR = re.compile(r"error: (node '[^']*'|node #\d+) \(([^)]*)\)(: | )(.*)$")


def first_error(stderr):
    for line in stderr.splitlines():
        if ": error: " in line:
            return line.split(": error: ", 1)[1].strip()
    return None


def import_model(translate, path):
    r = subprocess.run([translate, "--import-onnx", path],
                       capture_output=True, text=True)
    return r.returncode, r.stdout, r.stderr


def unit_scale(opt, path):
    r = subprocess.run([opt, path, "--uscale-unit-scale", "-o", os.devnull],
                       capture_output=True, text=True)
    return r.returncode == 0, first_error(r.stderr)


def describe_ops(model):
    counts = collections.Counter(n.op_type for n in model.graph.node)
    return ", ".join(f"{op}" + (f" ×{c}" if c > 1 else "")
                     for op, c in sorted(counts.items()))


def opset(model):
    for o in model.opset_import:
        if o.domain in ("", "ai.onnx"):
            return o.version
    return "?"


def check_failure(name, model, rc, stdout, stderr, problems):
    """The failure must be clear: exit 1, nothing on stdout, a node named."""
    if rc != 1:
        problems.append(f"{name}: exit status {rc}, expected 1")
    if stdout.strip():
        problems.append(f"{name}: wrote to stdout on failure")
    msg = first_error(stderr)
    if msg is None:
        problems.append(f"{name}: no error diagnostic")
        return "error: (none)", None
    m = UNSUPPORTED.match("error: " + msg)
    if m:
        listed = re.findall(r"'([^']*)' in (node '[^']*'|node #\d+)", m.group(2))
        types = {t for t, _ in listed}
        model_types = {n.op_type for n in model.graph.node}
        if not types <= model_types:
            problems.append(f"{name}: lists op types not in the model: "
                            f"{sorted(types - model_types)}")
        expected = sum(1 for n in model.graph.node if n.op_type in types)
        if len(listed) != expected or int(m.group(1)) != expected:
            problems.append(f"{name}: lists {len(listed)} nodes, the model "
                            f"has {expected} of those types")
        return "unsupported", sorted(types)
    if not NODE_ERROR.match("error: " + msg):
        problems.append(f"{name}: the error names no node: {msg}")
    return "error", msg


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--translate", default="build/bin/unit-scale-translate")
    p.add_argument("--opt", default="build/bin/unit-scale-opt")
    p.add_argument("--data", default="/usr/share/libonnx-testdata/data")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--write")
    g.add_argument("--check")
    args = p.parse_args()

    rows, problems = [], []
    totals = collections.Counter()
    missing_ops = collections.Counter()
    for suite in SUITES:
        root = os.path.join(args.data, suite)
        for name in sorted(os.listdir(root)):
            path = os.path.join(root, name, "model.onnx")
            if not os.path.isfile(path):
                continue
            model = onnx.load(path)
            rc, out, err = import_model(args.translate, path)
            if rc == 0:
                if not out.startswith("module"):
                    problems.append(f"{name}: imported, but printed no module")
                ok, why = unit_scale(args.opt, path)
                if ok:
                    result = "imported, unit-scaled"
                    totals["scaled"] += 1
                else:
                    result = f"imported; unit-scaling failed: {why}"
                    problems.append(f"{name}: unit-scaling failed: {why}")
                totals["imported"] += 1
            else:
                kind, detail = check_failure(name, model, rc, out, err,
                                             problems)
                if kind == "unsupported":
                    result = "unsupported: " + ", ".join(detail)
                    missing_ops.update(detail)
                    totals["unsupported"] += 1
                else:
                    result = "error: " + (detail or "")
                    totals["error"] += 1
            totals["models"] += 1
            rows.append((suite, name, opset(model), describe_ops(model),
                         result.replace("|", "\\|")))

    lines = [
        "# ONNX import coverage: Debian's libonnx-testdata",
        "",
        "Generated by `utils/onnx-coverage.py --write docs/onnx-coverage.md`"
        " (python3-onnx,",
        "libonnx-testdata); `test/Import/onnx-testdata.test` runs it with"
        " `--check`, so",
        "this table is what the importer does. Every PyTorch-exported model"
        " under",
        "`/usr/share/libonnx-testdata/data/{pytorch-converted,"
        "pytorch-operator}` is",
        "imported with `unit-scale-translate --import-onnx`; the ones that"
        " import are",
        "run through `unit-scale-opt --uscale-unit-scale`. A failure is the"
        " one",
        "unsupported-op error (every unsupported node named) or an error at"
        " the node",
        "the importer cannot map; the script checks both.",
        "",
        f"**{totals['models']} models: {totals['imported']} import "
        f"({totals['scaled']} unit-scaled), {totals['unsupported']} use op "
        f"types the importer does not map, {totals['error']} fail at a "
        f"mapped op.**",
        "",
        "Unsupported op types, by number of models: " + ", ".join(
            f"{op} ({c})" for op, c in sorted(
                missing_ops.items(), key=lambda x: (-x[1], x[0]))) + ".",
        "",
        "| suite | model | opset | ops | result |",
        "|---|---|---|---|---|",
    ]
    for suite, name, ops_version, ops, result in rows:
        lines.append(f"| {suite} | `{name}` | {ops_version} | {ops} | "
                     f"{result} |")
    table = "\n".join(lines) + "\n"

    summary = (f"{totals['models']} models: {totals['imported']} imported, "
               f"{totals['scaled']} unit-scaled, {totals['unsupported']} "
               f"unsupported, {totals['error']} errors")
    status = 0
    if args.write:
        with open(args.write, "w") as f:
            f.write(table)
    elif args.check:
        with open(args.check) as f:
            if f.read() != table:
                print(f"{args.check} is out of date: rerun utils/"
                      f"onnx-coverage.py --write {args.check}",
                      file=sys.stderr)
                status = 1
    else:
        sys.stdout.write(table)
    for problem in problems:
        print("problem: " + problem, file=sys.stderr)
    print(summary)
    return 1 if problems else status


if __name__ == "__main__":
    sys.exit(main())
