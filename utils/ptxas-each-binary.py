#!/usr/bin/env python3
"""Assembles the PTX of every gpu.binary in MLIR text (cubin-format=isa)
with ptxas, one module at a time, and reports what it saw.

  ptxas-each-binary.py INPUT --ptxas PATH [--arch sm_90a] [--prefix P]

Prints one line per module, `<name>: <registers> registers, <spill> bytes
spilled`, then `assembled N of N modules`. Exits 1 at the first module
ptxas rejects (its message is printed) or when there is no module.
--prefix keeps only modules whose name starts with P.
"""
import argparse
import importlib.util
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    "extract_gpu_binary", os.path.join(HERE, "extract-gpu-binary.py"))
extract = importlib.util.module_from_spec(spec)
spec.loader.exec_module(extract)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("input")
    ap.add_argument("--ptxas", required=True)
    ap.add_argument("--arch", default="sm_90a")
    ap.add_argument("--prefix", default="")
    args = ap.parse_args()
    text = open(args.input).read()
    modules = []
    for m in extract.BINARY.finditer(text):
        if not m.group(1).startswith(args.prefix):
            continue
        p = extract.PAYLOAD.search(text, m.end())
        if not p:
            sys.exit("ptxas-each-binary: @%s has no object" % m.group(1))
        modules.append((m.group(1), extract.decode_mlir_string(text, p.end())[0]))
    if not modules:
        sys.exit("ptxas-each-binary: no gpu.binary%s in %s" %
                 (" named " + args.prefix + "*" if args.prefix else "",
                  args.input))
    with tempfile.TemporaryDirectory() as tmp:
        for name, ptx in modules:
            src = os.path.join(tmp, name + ".ptx")
            with open(src, "wb") as f:
                f.write(ptx)
            r = subprocess.run([args.ptxas, "-arch=" + args.arch, "-v", src,
                                "-o", os.path.join(tmp, name + ".cubin")],
                               capture_output=True, text=True)
            if r.returncode != 0:
                sys.stderr.write(r.stderr)
                sys.exit("ptxas-each-binary: ptxas rejects @%s" % name)
            regs = re.search(r"Used (\d+) registers", r.stderr)
            spill = re.search(r"(\d+) bytes spill stores", r.stderr)
            print("%s: %s registers, %s bytes spilled" %
                  (name, regs.group(1) if regs else "?",
                   spill.group(1) if spill else "?"))
    print("assembled %d of %d modules" % (len(modules), len(modules)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
