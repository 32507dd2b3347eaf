#!/usr/bin/env python3
"""Instantiates an MLIR kernel template: replaces every @KEY@ token by the
value given as KEY=VALUE and writes the result to stdout (or -o FILE).

  instantiate-template.py TEMPLATE KEY=VALUE... [-o OUT]

Fails (exit 1, message on stderr) on a KEY the template does not use and on
any token left unreplaced, so a template and its callers cannot drift apart.
The compiler's uscale-nvgpu-instantiate pass does the same substitution in
C++ (lib/Conversion/UScaleToNVGPU/Templates.cpp, docs/gpu.md).
"""
import re
import sys

TOKEN = re.compile(r'@([A-Z][A-Z0-9_]*)@')


def main(argv):
    out = '-'
    args = []
    it = iter(argv[1:])
    for a in it:
        if a == '-o':
            out = next(it)
        else:
            args.append(a)
    if not args:
        sys.stderr.write(__doc__)
        return 1
    template, pairs = args[0], args[1:]
    text = open(template).read()
    values = {}
    for p in pairs:
        if '=' not in p:
            sys.stderr.write('instantiate-template: expected KEY=VALUE, got %r\n' % p)
            return 1
        k, v = p.split('=', 1)
        values[k] = v
    # Tokens are replaced everywhere, comments included, so a template's
    # header documents its tokens in instantiated form too.
    used = set(TOKEN.findall(text))
    unknown = sorted(set(values) - used)
    if unknown:
        sys.stderr.write('instantiate-template: %s does not use %s\n' %
                         (template, ', '.join(unknown)))
        return 1
    missing = sorted(used - set(values))
    if missing:
        sys.stderr.write('instantiate-template: no value for %s\n' %
                         ', '.join('@%s@' % m for m in missing))
        return 1
    result = TOKEN.sub(lambda m: values[m.group(1)], text)
    if out == '-':
        sys.stdout.write(result)
    else:
        with open(out, 'w') as f:
            f.write(result)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
