#!/usr/bin/env python3
"""Independent reference for uscale.quantize (exact rational arithmetic, no
bit tricks): f32 -> nearest FP8 value, ties to even, finite overflow and
+-inf saturate to +-max, NaN -> the canonical f32 NaN 0x7FFFFFFF, f32
zeros/subnormals -> a zero of the same sign (they lie far below half the
smallest FP8 subnormal).

Prints the checksum exec-quantize.mlir computes: over the f32 bit patterns
x_i = (i << 16) | low for i in [0, 65536),
    sum_i bits(quantize(x_i)) * (i + 1)   (mod 2^64, as a signed i64).
Usage: quantize_ref.py e4m3|e5m2 LOW
"""
import math
import struct
import sys
from fractions import Fraction

FORMATS = {"e4m3": (3, 7, 448.0), "e5m2": (2, 15, 57344.0)}


def f32(bits):
    return struct.unpack("<f", struct.pack("<I", bits))[0]


def bits_of(x):
    return struct.unpack("<I", struct.pack("<f", x))[0]


def quantize_bits(bits, fmt):
    mant, bias, mx = FORMATS[fmt]
    x = f32(bits)
    sign = bits & 0x80000000
    if math.isnan(x):
        return 0x7FFFFFFF
    if math.isinf(x):
        return sign | bits_of(mx)
    a = abs(x)
    if a < 2.0**-126:
        return sign
    e = math.frexp(a)[1] - 1  # a in [2^e, 2^(e+1))
    spacing = Fraction(2) ** (max(e, 1 - bias) - mant)
    t = Fraction(a) / spacing
    v = round(t) * spacing  # round() on a Fraction: ties to even
    v = min(v, Fraction(mx))
    return sign | bits_of(float(v))


if __name__ == "__main__":
    fmt, low = sys.argv[1], int(sys.argv[2], 0)
    total = 0
    for i in range(1 << 16):
        total += quantize_bits((i << 16) | low, fmt) * (i + 1)
    total %= 1 << 64
    if total >= 1 << 63:
        total -= 1 << 64
    print(total)
