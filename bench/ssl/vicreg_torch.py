#!/usr/bin/python3
"""PyTorch reference for bench_vicreg: the reference VICReg loss (fp32, as in
facebookresearch/SSLForPDEs) forward + backward on CPU. Prints JSON lines.
usage: /usr/bin/python3 bench/ssl/vicreg_torch.py [N D reps]   (threads: torch.set_num_threads
from OMP_NUM_THREADS, default 1)"""
import json
import os
import sys
import time

import torch
import torch.nn.functional as F


def off_diagonal(x):
    n, m = x.shape
    return x.flatten()[:-1].view(n - 1, n + 1)[:, 1:].flatten()


def vicreg(x, y):
    n, d = x.shape
    repr_loss = F.mse_loss(x, y)
    x = x - x.mean(dim=0)
    y = y - y.mean(dim=0)
    std_x = torch.sqrt(x.var(dim=0) + 0.0001)
    std_y = torch.sqrt(y.var(dim=0) + 0.0001)
    std_loss = torch.mean(F.relu(1 - std_x)) / 2 + torch.mean(F.relu(1 - std_y)) / 2
    cov_x = (x.T @ x) / (n - 1)
    cov_y = (y.T @ y) / (n - 1)
    cov_loss = off_diagonal(cov_x).pow_(2).sum().div(d) + off_diagonal(cov_y).pow_(2).sum().div(d)
    return 25 * repr_loss + 25 * std_loss + cov_loss


def main():
    n, d, reps = (int(a) for a in (sys.argv[1:4] if len(sys.argv) > 3 else (256, 512, 20)))
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))
    g = torch.Generator().manual_seed(1)
    z = torch.randn(n, d, generator=g).requires_grad_(True)
    zp = torch.randn(n, d, generator=g).requires_grad_(True)
    vicreg(z, zp).backward()
    t0 = time.perf_counter()
    for _ in range(reps):
        z.grad = zp.grad = None
        loss = vicreg(z, zp)
        loss.backward()
    ms = 1e3 * (time.perf_counter() - t0) / reps
    print(json.dumps({"bench": "vicreg_fwd_bwd", "impl": "torch " + torch.__version__, "N": n, "D": d,
                      "ms": round(ms, 3), "loss": round(loss.item(), 6)}))


if __name__ == "__main__":
    main()
