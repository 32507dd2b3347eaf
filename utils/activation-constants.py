#!/usr/bin/env python3
"""Reproduces the activation constants in lib/Dialect/UScale/IR/ScaleRules.cpp:
alpha = 1/std(f(x)) and beta = 1/sqrt(E[f'(x)^2]) for x ~ N(0,1), by
trapezoidal quadrature on [-12, 12] (stdlib only)."""
import math

N, L = 400001, 12.0


def expect(fn):
    h = 2 * L / (N - 1)
    s = 0.0
    for i in range(N):
        x = -L + i * h
        w = math.exp(-x * x / 2) / math.sqrt(2 * math.pi)
        s += fn(x) * w * (0.5 if i in (0, N - 1) else 1.0)
    return s * h


def Phi(x):
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def phi(x):
    return math.exp(-x * x / 2) / math.sqrt(2 * math.pi)


def sig(x):
    return 1 / (1 + math.exp(-x))


C = math.sqrt(2 / math.pi)


def gelu_tanh(x):
    return 0.5 * x * (1 + math.tanh(C * (x + 0.044715 * x ** 3)))


def gelu_tanh_d(x):
    u = C * (x + 0.044715 * x ** 3)
    t = math.tanh(u)
    return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * C * (1 + 3 * 0.044715 * x * x)


FUNCS = {
    "relu": (lambda x: max(x, 0.0), lambda x: 1.0 if x > 0 else 0.0),
    "gelu": (lambda x: x * Phi(x), lambda x: Phi(x) + x * phi(x)),
    "gelu-tanh": (gelu_tanh, gelu_tanh_d),
    "tanh": (math.tanh, lambda x: 1 - math.tanh(x) ** 2),
    "sigmoid": (sig, lambda x: sig(x) * (1 - sig(x))),
}

for name, (f, d) in FUNCS.items():
    m = expect(f)
    var = expect(lambda x: f(x) ** 2) - m * m
    print(f"{name:10s} alpha = {1 / math.sqrt(var):.13f}  "
          f"beta = {1 / math.sqrt(expect(lambda x: d(x) ** 2)):.13f}")
print(f"relu exact alpha sqrt(2/(1-1/pi)) = {math.sqrt(2 / (1 - 1 / math.pi)):.13f}")
