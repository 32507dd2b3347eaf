#!/usr/bin/env python3
"""Extracts the object of a gpu.binary from MLIR text (what
gpu-module-to-binary / -gpu-lower-to-nvvm-pipeline print) and writes it
decoded: PTX text for cubin-format=isa, raw bytes for bin/fatbin.

  extract-gpu-binary.py [--module NAME] [-o OUT] [INPUT|-]

Exits 1 (with a message) when no gpu.binary (or none named NAME) is found.
"""
import argparse
import re
import sys

BINARY = re.compile(r'gpu\.binary\s+@([\w$.]+)')
# The object's payload: `assembly = "..."` (isa) or `bin = "..."` / a bare
# string in older printers.
PAYLOAD = re.compile(r'(?:assembly|bin)\s*=\s*"|#gpu\.object<[^"]*?,\s*"')


def decode_mlir_string(text, start):
    """Decodes an MLIR string literal starting just after its opening quote.
    Returns (bytes, index after the closing quote)."""
    out = bytearray()
    i = start
    hexdigits = '0123456789abcdefABCDEF'
    while i < len(text):
        c = text[i]
        if c == '"':
            return bytes(out), i + 1
        if c == '\\':
            n = text[i + 1]
            if n in hexdigits and i + 2 < len(text) and text[i + 2] in hexdigits:
                out.append(int(text[i + 1:i + 3], 16))
                i += 3
                continue
            simple = {'n': b'\n', 't': b'\t', '\\': b'\\', '"': b'"'}
            if n in simple:
                out += simple[n]
                i += 2
                continue
            raise ValueError('bad escape \\%s at offset %d' % (n, i))
        out += c.encode('utf-8')
        i += 1
    raise ValueError('unterminated string')


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('input', nargs='?', default='-')
    ap.add_argument('--module', help='gpu.binary symbol name (default: first)')
    ap.add_argument('-o', '--output', default='-')
    args = ap.parse_args()
    text = (sys.stdin if args.input == '-' else open(args.input)).read()
    for m in BINARY.finditer(text):
        if args.module and m.group(1) != args.module:
            continue
        p = PAYLOAD.search(text, m.end())
        if not p:
            break
        data, _ = decode_mlir_string(text, p.end())
        if args.output == '-':
            sys.stdout.buffer.write(data)
        else:
            with open(args.output, 'wb') as f:
                f.write(data)
        return 0
    sys.stderr.write('extract-gpu-binary: no gpu.binary%s found\n' %
                     (' @' + args.module if args.module else ''))
    return 1


if __name__ == '__main__':
    sys.exit(main())
