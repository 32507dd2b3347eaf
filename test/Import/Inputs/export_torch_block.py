#!/usr/bin/python3
"""Exports a small pre-norm transformer block with a cross-entropy loss from
PyTorch (Debian's python3-torch) to ONNX, as PyTorch's exporter writes it.

usage: /usr/bin/python3 export_torch_block.py OUT.onnx

The committed torch-block.onnx was made with this script (python3-torch
1.13.1, opset 14); the importer must raise what the exporter emits: the
decomposed LayerNorm or LayerNormalization, GELU from Erf, the attention
head split (Reshape/Transpose with shape chains), MatMul + Add linears,
LogSoftmax + NegativeLogLikelihoodLoss.
"""
import sys

import torch
import torch.nn as nn

torch.manual_seed(0)
B, T, D, H, V = 2, 8, 32, 2, 16


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1 = nn.LayerNorm(D)
        self.qkv = nn.Linear(D, 3 * D)
        self.proj = nn.Linear(D, D)
        self.ln2 = nn.LayerNorm(D)
        self.fc1 = nn.Linear(D, 4 * D)
        self.fc2 = nn.Linear(4 * D, D)
        self.head = nn.Linear(D, V)

    def forward(self, x, labels):
        h = self.ln1(x)
        q, k, v = self.qkv(h).split(D, dim=-1)
        q = q.reshape(B, T, H, D // H).transpose(1, 2)
        k = k.reshape(B, T, H, D // H).transpose(1, 2)
        v = v.reshape(B, T, H, D // H).transpose(1, 2)
        s = torch.matmul(q, k.transpose(-2, -1)) / (D // H) ** 0.5
        a = torch.matmul(torch.softmax(s, dim=-1), v)
        a = a.transpose(1, 2).reshape(B, T, D)
        x = x + self.proj(a)
        x = x + self.fc2(nn.functional.gelu(self.fc1(self.ln2(x))))
        logits = self.head(x).reshape(B * T, V)
        return nn.functional.cross_entropy(logits, labels)


model = Block().eval()
x = torch.randn(B, T, D)
labels = torch.randint(0, V, (B * T,))
torch.onnx.export(model, (x, labels), sys.argv[1], opset_version=14,
                  input_names=["x", "labels"], output_names=["loss"],
                  do_constant_folding=True)
