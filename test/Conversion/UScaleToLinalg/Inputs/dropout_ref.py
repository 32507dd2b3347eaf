#!/usr/bin/env python3
"""Reference for uscale.dropout's mask as lowered by uscale-to-linalg.

Element i (row-major linear index) is kept when
    fmix32((i * 0x9E3779B1) ^ key(seed)) >= round(ratio * 2^32)
with key(seed) = fmix32(lo32(seed) ^ fmix32(hi32(seed) + 0x9E3779B9)),
all arithmetic modulo 2^32; kept elements are scaled by 1 / (1 - ratio).
Prints the kept mask of the first N elements for a seed and ratio.
Usage: dropout_ref.py SEED RATIO N
"""
import sys

M = 0xFFFFFFFF


def fmix32(h):
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & M
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & M
    h ^= h >> 16
    return h


def key(seed):
    seed &= (1 << 64) - 1
    return fmix32((seed & M) ^ fmix32(((seed >> 32) + 0x9E3779B9) & M))


def keep(seed, ratio, i):
    threshold = min(round(ratio * 2**32), M)
    return fmix32(((i * 0x9E3779B1) & M) ^ key(seed)) >= threshold


if __name__ == "__main__":
    seed, ratio, n = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
    mask = [int(keep(seed, ratio, i)) for i in range(n)]
    print(mask, sum(mask))
