#!/usr/bin/env python3
"""LPSDA's own CNN training and rollout evaluation (brandstetter-johannes/LPSDA, run from a
fetched snapshot, never copied here) on a liereg KS file, timed, printing one JSON line.

It drives LPSDA's experiments/train_helper.py (training_loop, test_unrolled_losses,
bootstrap), common/utils.py (HDF5Dataset, DataCreator) and experiments/models_cnn.py (CNN)
exactly as experiments/train.py does, with two changes needed to run on this machine:
torch_geometric / torch_cluster (imported by common/utils.py, used only by LPSDA's graph
models) are stubbed, and the DataLoader has no worker processes (2 shared cores).
An "epoch" here is --passes passes over the training set (train.py runs 2 * nt of them).
"""
import argparse, json, os, sys, time, types

p = argparse.ArgumentParser()
p.add_argument("--lpsda", required=True, help="LPSDA snapshot (a checkout of its repository)")
p.add_argument("--train", required=True)
p.add_argument("--test", required=True)
p.add_argument("--nt", type=int, default=140)
p.add_argument("--nx", type=int, default=256)
p.add_argument("--epochs", type=int, default=1)
p.add_argument("--passes", type=int, default=4)
p.add_argument("--batch", type=int, default=16)
p.add_argument("--lr", type=float, default=1e-4)
p.add_argument("--threads", type=int, default=2)
p.add_argument("--seed", type=int, default=1)
a = p.parse_args()

for name in ("torch_geometric", "torch_geometric.data", "torch_cluster"):
    sys.modules[name] = types.ModuleType(name)
sys.modules["torch_geometric.data"].Data = object
sys.modules["torch_cluster"].radius_graph = sys.modules["torch_cluster"].knn_graph = None
sys.path.insert(0, a.lpsda)

import random
import torch
from torch import optim
from torch.utils.data import DataLoader
from common.utils import HDF5Dataset, DataCreator
from equations.PDEs import KS
from experiments.models_cnn import CNN
from experiments.train_helper import training_loop, test_unrolled_losses, bootstrap

torch.set_num_threads(a.threads)
torch.manual_seed(a.seed)
random.seed(a.seed)
pde = KS()
pde.time_shift, pde.max_x_shift, pde.max_velocity = 1, 0.0, 0.0  # all start times, no augmentation
train = HDF5Dataset(a.train, mode="train", nt=a.nt, nx=a.nx, shift="fourier", pde=pde)
test = HDF5Dataset(a.test, mode="test", nt=a.nt, nx=a.nx, shift="fourier", pde=pde)
train_loader = DataLoader(train, batch_size=a.batch, shuffle=True, num_workers=0, drop_last=True)
test_loader = DataLoader(test, batch_size=a.batch, shuffle=False, num_workers=0)
dc = DataCreator(time_history=20, time_future=20, t_resolution=a.nt, x_resolution=a.nx)
model = CNN(pde=pde, time_history=20, time_future=20)
opt = optim.AdamW(model.parameters(), lr=a.lr)
sched = optim.lr_scheduler.MultiStepLR(opt, milestones=[0, 5, 10, 15], gamma=0.4)
crit = torch.nn.MSELoss(reduction="none")
epoch_s = []
for e in range(a.epochs):
    model.train()
    t0 = time.perf_counter()
    for _ in range(a.passes):
        train_losses = training_loop(pde, model, [0], a.batch, opt, train_loader, dc, crit)
    epoch_s.append(time.perf_counter() - t0)
    sched.step()
model.eval()
t0 = time.perf_counter()
losses, nlosses = test_unrolled_losses(model, a.batch, a.nx, test_loader, dc, crit)
eval_s = time.perf_counter() - t0
nmean, nstd = bootstrap(nlosses, 64, 1)
steps = a.passes * (len(train) // a.batch)
print(json.dumps({"bench": "timestep", "impl": "lpsda_torch", "torch": torch.__version__, "model": "cnn",
                  "threads": a.threads, "ntrain": len(train), "ntest": len(test), "epochs": a.epochs,
                  "passes": a.passes, "steps_per_epoch": steps, "seconds_per_epoch": min(epoch_s),
                  "seconds_per_step": min(epoch_s) / steps, "rollout_nmse": float(torch.mean(nlosses)),
                  "rollout_nmse_bootstrap_mean": float(nmean), "rollout_nmse_std": float(nstd),
                  "last_train_loss": float(torch.mean(train_losses)), "eval_seconds": eval_s}))
