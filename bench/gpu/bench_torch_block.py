#!/usr/bin/env python3
"""The PyTorch bf16 baseline of the transformer-block train step: the model
of gen_block.py (token embedding + positions, one pre-norm causal block
with a tanh-GELU MLP of width 4D, final layer norm, readout, mean cross
entropy) with Adam, in bf16 autocast with f32 master weights, as a user
would write it (F.scaled_dot_product_attention, eager mode). Times whole
steps (forward, backward, optimizer) with CUDA events: median of --iters
after --warmup. Prints one line per figure and `torch-block: ... ms/step`.

  bench_torch_block.py [--batch 8] [--seq 256] [--width 1024] [--heads 8]
                       [--vocab 256] [--iters 20] [--warmup 5]
"""
import argparse
import statistics
import sys


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for k, v in (("batch", 8), ("seq", 256), ("width", 1024), ("heads", 8),
                 ("vocab", 256), ("iters", 20), ("warmup", 5)):
        ap.add_argument("--" + k, type=int, default=v)
    a = ap.parse_args()
    try:
        import torch
        import torch.nn as nn
        import torch.nn.functional as F
    except ImportError as e:
        print(f"torch-block: SKIP (no torch: {e})")
        return 1
    if not torch.cuda.is_available():
        print("torch-block: SKIP (no CUDA device)")
        return 1
    dev = "cuda"
    B, T, D, H, V = a.batch, a.seq, a.width, a.heads, a.vocab

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.tok = nn.Embedding(V, D)
            self.pos = nn.Parameter(torch.randn(T, D) * 0.02)
            self.ln1 = nn.LayerNorm(D)
            self.q = nn.Linear(D, D, bias=False)
            self.k = nn.Linear(D, D, bias=False)
            self.v = nn.Linear(D, D, bias=False)
            self.o = nn.Linear(D, D, bias=False)
            self.ln2 = nn.LayerNorm(D)
            self.fc1 = nn.Linear(D, 4 * D)
            self.fc2 = nn.Linear(4 * D, D)
            self.ln_f = nn.LayerNorm(D)
            self.readout = nn.Linear(D, V, bias=False)

        def forward(self, tokens, labels):
            x = self.tok(tokens) + self.pos
            h = self.ln1(x)
            split = lambda t: t.view(B, T, H, D // H).transpose(1, 2)
            att = F.scaled_dot_product_attention(
                split(self.q(h)), split(self.k(h)), split(self.v(h)),
                is_causal=True)
            x = x + self.o(att.transpose(1, 2).reshape(B, T, D))
            h = self.fc2(F.gelu(self.fc1(self.ln2(x)), approximate="tanh"))
            x = x + h
            logits = self.readout(self.ln_f(x))
            return F.cross_entropy(logits.view(B * T, V), labels)

    torch.manual_seed(0)
    model = Block().to(dev)
    opt = torch.optim.Adam(model.parameters(), lr=2.0 ** -10)
    tokens = torch.randint(0, V, (B, T), device=dev)
    labels = torch.randint(0, V, (B * T,), device=dev)

    def step():
        opt.zero_grad(set_to_none=True)
        with torch.autocast("cuda", dtype=torch.bfloat16):
            loss = model(tokens, labels)
        loss.backward()
        opt.step()
        return loss

    for _ in range(a.warmup):
        step()
    torch.cuda.synchronize()
    times = []
    for _ in range(a.iters):
        start = torch.cuda.Event(enable_timing=True)
        end = torch.cuda.Event(enable_timing=True)
        start.record()
        loss = step()
        end.record()
        torch.cuda.synchronize()
        times.append(start.elapsed_time(end))
    ms = statistics.median(times)
    params = sum(p.numel() for p in model.parameters())
    print(f"torch-block: B={B} T={T} D={D} H={H} V={V}, {params} parameters, "
          f"loss {loss.item():.4f}")
    print(f"torch-block: {ms:.3f} ms/step (median of {a.iters}), "
          f"{B * T / ms * 1e3:.0f} tokens/s, "
          f"{torch.cuda.get_device_name()}, torch {torch.__version__}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
