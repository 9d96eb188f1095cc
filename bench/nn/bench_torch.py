#!/usr/bin/python3
"""PyTorch side of `liereg bench train`: the identical model (ResNet-18 + 512-512-512
expander, torchvision semantics), the two views concatenated into one batch of 2B, the
VICReg loss, backward and an AdamW step (no decay on 1-D params). Prints one JSON line with
the same fields as liereg. Run by hand (Debian python3-torch), never in CI.

  /usr/bin/python3 bench/nn/bench_torch.py --model resnet18_2d --input 3x128x256 --batch 32 --threads 2
"""
import argparse
import json
import os
import resource
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "nn"))
from make_fixture import ResNet18, expander  # noqa: E402  (same model as the fixtures)


def vicreg(z, n):
    z1, z2 = z[:n], z[n:]
    d = z.shape[1]
    loss = 25.0 * F.mse_loss(z1, z2)
    for v in (z1, z2):
        std = torch.sqrt(v.var(dim=0) + 1e-4)
        loss = loss + 25.0 * 0.5 * torch.mean(F.relu(1 - std))
        vc = v - v.mean(dim=0)
        cov = (vc.T @ vc) / (n - 1)
        off = cov - torch.diag(torch.diag(cov))
        loss = loss + off.pow(2).sum() / d
    return loss


def conv_flops(model, shape):
    """forward FLOPs (2 x MACs) of conv and linear layers for one sample"""
    total = [0]

    def hook(m, inp, out):
        if isinstance(m, (torch.nn.Conv1d, torch.nn.Conv2d)):
            total[0] += 2 * out.numel() // out.shape[0] * m.in_channels * int(torch.tensor(m.kernel_size).prod())
        elif isinstance(m, torch.nn.Linear):
            total[0] += 2 * m.in_features * m.out_features
    hs = [m.register_forward_hook(hook) for m in model.modules()]
    with torch.no_grad():
        model.eval()
        model(torch.zeros(1, *shape))
        model.train()
    for h in hs:
        h.remove()
    return total[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="resnet18_2d")
    ap.add_argument("--input", default="3x128x256")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--width", type=int, default=64)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    shape = tuple(int(v) for v in a.input.split("x"))
    dims = 2 if a.model == "resnet18_2d" else 1
    model = torch.nn.Sequential(ResNet18(dims, shape[0], a.width), expander([8 * a.width, 512, 512, 512]))
    flops = conv_flops(model, shape)
    decay = [p for p in model.parameters() if p.dim() > 1]
    other = [p for p in model.parameters() if p.dim() <= 1]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 1e-6}, {"params": other, "weight_decay": 0.0}], lr=3e-4)
    x = torch.randn(2 * a.batch, *shape)
    tf = tb = 0.0
    for s in range(a.warmup + a.steps):
        if s == a.warmup:
            t0, c0, tf, tb = time.perf_counter(), time.process_time(), 0.0, 0.0
        t1 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss = vicreg(model(x), a.batch)
        t2 = time.perf_counter()
        loss.backward()
        opt.step()
        tf, tb = tf + t2 - t1, tb + time.perf_counter() - t2
    dt = (time.perf_counter() - t0) / a.steps
    cpu = (time.process_time() - c0) / a.steps  # CPU s per step, all threads (robust to a loaded machine)
    gflop = 3.0 * flops * 2 * a.batch / 1e9
    print(json.dumps({"bench": "train", "impl": "pytorch", "torch": torch.__version__, "model": a.model,
                      "input": a.input, "batch": a.batch, "threads": a.threads, "width": a.width,
                      "params": sum(p.numel() for p in model.parameters()), "steps": a.steps,
                      "step_s": round(dt, 4), "forward_s": round(tf / a.steps, 4),
                      "backward_opt_s": round(tb / a.steps, 4), "samples_per_s": round(a.batch / dt, 3),
                      "gflop_per_step": round(gflop, 2), "gflop_per_s": round(gflop / dt, 1),
                      "cpu_s": round(cpu, 4), "gflop_per_cpu_s": round(gflop / cpu, 1),
                      "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                      "loss": float(loss)}), flush=True)


if __name__ == "__main__":
    main()
