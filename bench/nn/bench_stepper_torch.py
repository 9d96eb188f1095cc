#!/usr/bin/python3
"""PyTorch side of bench_stepper: one training step (forward, summed squared error,
backward, AdamW lr 1e-4) of the same time-stepping model (the modules of
tests/nn/stepper_fixtures.py, which re-type LPSDA's CNN/FNO1d/ResNet and PDEArena's
Unetbase). Prints one JSON line with bench_stepper's fields. Run by hand (Debian
python3-torch), never in CI:

  /usr/bin/python3 bench/nn/bench_stepper_torch.py --model cnn --batch 16 --nx 256 --threads 2
"""
import argparse
import json
import os
import resource
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "nn"))
from stepper_fixtures import CNN, FNO1d, ResNet, Unetbase  # noqa: E402


def forward_flops(m, x):
    """2 x multiply-adds of the convolutions and linear layers of one forward pass (the
    layers liereg's lie_nn_net_flops counts for these models), from forward hooks."""
    total = [0]

    def hook(mod, inp, out):
        if isinstance(mod, torch.nn.Linear):
            total[0] += 2 * out.numel() * mod.in_features
        elif isinstance(mod, (torch.nn.Conv1d, torch.nn.Conv2d, torch.nn.ConvTranspose2d)):
            k = 1
            for s in mod.kernel_size:
                k *= s
            if isinstance(mod, torch.nn.ConvTranspose2d):  # every input element meets every tap
                total[0] += 2 * inp[0].numel() * mod.out_channels * k
            else:
                total[0] += 2 * out.numel() * mod.in_channels // mod.groups * k

    hs = [q.register_forward_hook(hook) for q in m.modules()]
    with torch.no_grad():
        m(x)
    for h in hs:
        h.remove()
    return total[0]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", default="cnn", choices=["cnn", "fno", "resnet", "unet"])
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--nx", type=int, default=256)
    p.add_argument("--history", type=int, default=20)
    p.add_argument("--future", type=int, default=20)
    p.add_argument("--width", type=int, default=0)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    if a.model == "unet":
        w = a.width or 64
        m = Unetbase(a.history, a.future, width=w, depth=4)
        x = torch.randn(a.batch, a.history, a.nx, a.nx)
    else:
        cin = a.history + 2
        w = a.width or {"cnn": 128, "fno": 256, "resnet": 256}[a.model]
        m = {"cnn": lambda: CNN(cin, a.future, width=w), "fno": lambda: FNO1d(cin, a.future, width=w),
             "resnet": lambda: ResNet(cin, a.future, width=w)}[a.model]()
        x = torch.randn(a.batch, cin, a.nx)
    m.train()
    gflop = 3 * forward_flops(m, x) * 1e-9  # forward + 2x backward, bench_stepper's convention
    opt = torch.optim.AdamW(m.parameters(), lr=1e-4)
    with torch.no_grad():
        t = torch.randn_like(m(x))
    tf = tb = 0.0
    for s in range(a.warmup + a.steps):
        if s == a.warmup:
            tf = tb = 0.0
            t0 = time.perf_counter()
            c0 = time.process_time()
        t1 = time.perf_counter()
        y = m(x)
        t2 = time.perf_counter()
        loss = ((y - t) ** 2).sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
        tf += t2 - t1
        tb += time.perf_counter() - t2
    dt = (time.perf_counter() - t0) / a.steps
    cpu = (time.process_time() - c0) / a.steps  # all threads of the process
    print(json.dumps({
        "bench": "stepper_train_step", "impl": "pytorch-" + torch.__version__, "model": a.model,
        "threads": a.threads, "batch": a.batch, "nx": a.nx, "ny": a.nx if a.model == "unet" else 1,
        "history": a.history, "future": a.future, "width": w,
        "params": sum(q.numel() * (2 if q.is_complex() else 1) for q in m.parameters()), "steps": a.steps,
        "ms_per_step": round(1e3 * dt, 2), "ms_forward": round(1e3 * tf / a.steps, 2),
        "ms_backward_adamw": round(1e3 * tb / a.steps, 2), "samples_per_s": round(a.batch / dt, 1),
        "step_s": round(dt, 5), "cpu_s_per_step": round(cpu, 5), "gflop_per_step": round(gflop, 3),
        "gflop_per_s": round(gflop / dt, 2), "gflop_per_cpu_s": round(gflop / cpu, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "loss": float(loss)}))


if __name__ == "__main__":
    main()
