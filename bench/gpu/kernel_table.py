#!/usr/bin/env python3
"""Names the kernels of a compiled step for USCALE_PROFILE=events.

The runtime's events profile names a kernel `#N name <grid, threads>`, N its
module's load order: the order of the gpu.binary ops in the library's final
module. Every loop kernel of a function has the same name, so this table
says what #N is:

  kernel_table.py OUTLINED FINAL [FUNC]

OUTLINED: the IR after gpu-kernel-outlining (unit-scale-opt
--mlir-print-ir-after=gpu-kernel-outlining, the last dump of that pass);
FINAL: the lowered module (its gpu.binary ops, in load order). For each
binary: its index, its module, and for loop kernels launched by FUNC
(default: the one whose name ends in _train_step): the launch grid, what
the kernel does (warp reduction, a tiled contraction, merged loops, ...),
the loads and stores per thread (loops multiplied out), and the size of
the buffers it takes (what it moves through DRAM if it reads or writes
each once). A static description, not a measurement.
"""
import re
import sys


def modules(text):
    """gpu.module name -> its lines, from the outlined IR."""
    out, name, body = {}, None, []
    for line in text.split('\n'):
        m = re.match(r'  gpu.module @(\S+) \{', line)
        if m:
            name, body = m.group(1), []
            continue
        if name is not None:
            if line.startswith('  }'):
                out[name] = body
                name = None
            else:
                body.append(line)
    return out


def per_thread(body):
    """Loads and stores per thread: each access weighted by the trip counts
    of the scf.for loops around it (constant bounds; a lane's loop of a
    warp kernel, from its lane to a constant bound, counts its share of
    the iterations)."""
    consts, stack, mult = {}, [], 1
    loads = stores = 0
    for line in body:
        for m in re.finditer(r'(%\w+) = arith.constant (-?\d+) : index', line):
            consts[m.group(1)] = int(m.group(2))
        m = re.search(r'scf.for %\w+ = (%\w+) to (%\w+) step (%\w+)', line)
        if m:
            lb, ub, st = (consts.get(x) for x in m.groups())
            if lb is None and ub is not None and st:
                lb = 0  # from the lane (< step): about ub / step trips
            trips = (ub - lb) // st if None not in (lb, ub, st) and st else 1
            stack.append(trips)
            mult *= trips
            continue
        if re.search(r'\bscf\.(if|parallel)\b', line) and line.rstrip().endswith('{'):
            stack.append(1)
            continue
        if re.match(r'\s*\}\s*(\{.*\})?\s*$', line) or re.match(r'\s*\} : ', line):
            if stack:
                mult //= stack.pop()
            continue
        if 'memref.load' in line:
            loads += mult
        elif 'memref.store' in line or 'atomic_rmw' in line:
            stores += mult
    return loads, stores


ELEMENT_BYTES = {'f32': 4, 'i32': 4, 'f64': 8, 'i64': 8, 'index': 8,
                 'f16': 2, 'bf16': 2, 'i8': 1, 'i1': 1}


def footprint(body):
    """Bytes of the buffers the kernel takes (its memref parameters, each
    counted once): what a kernel that reads or writes each of them once
    moves through DRAM."""
    sig = next((l for l in body if 'gpu.func' in l), '')
    total = 0
    for shape in re.findall(r'memref<([^>]*)>', sig):
        dims = shape.split(',')[0].split('x')
        n = 1
        for d in dims[:-1]:
            n *= int(d) if d.isdigit() else 0
        total += n * ELEMENT_BYTES.get(dims[-1].strip(), 4)
    return total


def kind(body):
    text = '\n'.join(body)
    if 'gpu.shuffle' in text:
        # A row loop (uscale-gpu-fuse-rows): a butterfly of 5 shuffles per
        # reduction, and the row's other nests.
        reductions = text.count('gpu.shuffle') // 5
        nests = len(re.findall(r'scf\.for %\w+ = %\w+ to', text))
        if nests > reductions:
            return f'row loop, warp per row ({reductions} reductions, {nests} nests)'
        return 'warp reduction'
    if 'atomic_rmw' in text:
        return 'atomic scatter-add'
    if 'scf.for' in text and text.count('memref.store') >= 4:
        return 'tiled contraction'
    if 'scf.for' in text:
        return 'reduction, a thread per output'
    if text.count('scf.if') > 2:
        return f'{text.count("scf.if") - 1} merged loops'
    if 'memref.load' not in text:
        return 'fill'
    return 'elementwise'


def launches(text, func):
    """Module -> 'grid x threads' of its launches in `func`."""
    out, inside = {}, False
    for line in text.split('\n'):
        m = re.match(r'  func.func @(\w+)\(', line)
        if m:
            inside = m.group(1) == func
        if not inside:
            continue
        m = re.search(r'gpu.launch_func .*@(\w+)::@\w+ blocks in \((%\w+), '
                      r'(%\w+), (%\w+)\) threads in \((%\w+)', line)
        if m:
            dims = [re.match(r'%c(\d+)', x) for x in m.groups()[1:]]
            n = [int(d.group(1)) if d else 0 for d in dims]
            out[m.group(1)] = f'{n[0]}x{n[1]}x{n[2]}, {n[3]}'
    return out


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    outlined = open(sys.argv[1]).read()
    dumps = outlined.split('// -----// IR Dump After GpuKernelOutliningPass')
    outlined = dumps[-1]
    final = open(sys.argv[2]).read()
    mods = modules(outlined)
    funcs = re.findall(r'  func.func @(\w+_train_step)\(', outlined)
    func = sys.argv[3] if len(sys.argv) > 3 else (funcs[0] if funcs else '')
    grids = launches(outlined, func)
    binaries = re.findall(r'gpu\.binary @([\w$.]+)', final)
    print(f'# {len(binaries)} modules in load order; grids of {func}\'s launches')
    for i, name in enumerate(binaries):
        body = mods.get(name)
        if body is None:
            print(f'#{i}\t{name}\t(template kernel)')
            continue
        loads, stores = per_thread(body)
        grid = grids.get(name, '-')
        what = kind(body)
        per = 'in all segments' if 'merged' in what else 'per thread'
        print(f'#{i}\t{name}\t<{grid}>\t{what}\t'
              f'{loads} loads, {stores} stores {per}\t'
              f'{footprint(body) / 1e6:.3f} MB of buffers')


if __name__ == '__main__':
    main()
