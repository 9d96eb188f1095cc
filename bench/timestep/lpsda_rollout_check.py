#!/usr/bin/env python3
"""Cross-check of `liereg timestep` against LPSDA's own code (run from a fetched snapshot,
never copied here): load a -step_cond none CNN checkpoint into LPSDA's experiments/models_cnn.CNN
(the stepper's tensors carry LPSDA's names; the c constant conditioning channels = cond.bias
are folded into fc0.bias), run LPSDA's test_unrolled_losses on the test file and print its
summed NMSE and MSE beside RESULT.json's rollout_nmse / rollout_mse.

  liereg timestep -data ks.h5 -test_data ks_test.h5 -step_model cnn -step_ckpt ck.h5 -o r.json ...
  /usr/bin/python3 bench/timestep/lpsda_rollout_check.py --lpsda LPSDA_DIR --ckpt ck.h5 \\
      --test ks_test.h5 --result r.json --nt 60 --nx 64
(no -valid_data, so the tested weights are the checkpoint's current ones; history = future = 20)
"""
import argparse, json, sys, types

p = argparse.ArgumentParser()
for a in ("--lpsda", "--ckpt", "--test", "--result"):
    p.add_argument(a, required=True)
p.add_argument("--nt", type=int, default=140)
p.add_argument("--nx", type=int, default=256)
a = p.parse_args()
for n in ("torch_geometric", "torch_geometric.data", "torch_cluster"):
    sys.modules[n] = types.ModuleType(n)
sys.modules["torch_geometric.data"].Data = object
sys.modules["torch_cluster"].radius_graph = sys.modules["torch_cluster"].knn_graph = None
sys.path.insert(0, a.lpsda)
import h5py, torch
from torch.utils.data import DataLoader
from common.utils import HDF5Dataset, DataCreator
from equations.PDEs import KS
from experiments.models_cnn import CNN
from experiments.train_helper import test_unrolled_losses

H = 20
pde = KS()
pde.nx = a.nx
m = CNN(pde=pde, time_history=H, time_future=20)
f = h5py.File(a.ckpt, "r")
sd = {k: torch.tensor(f[k][()]) for k in m.state_dict()}
W = sd["fc0.weight"]
sd["fc0.bias"] = sd["fc0.bias"] + W[:, H + 2:] @ torch.tensor(f["cond.bias"][()])
sd["fc0.weight"] = W[:, :H + 2].contiguous()
m.load_state_dict(sd, strict=True)
m.eval()
test = HDF5Dataset(a.test, mode="test", nt=a.nt, nx=a.nx, shift="fourier", pde=pde)
# one batch of all trajectories: LPSDA divides each batch's sum by batch_size
loader = DataLoader(test, batch_size=len(test), shuffle=False)
dc = DataCreator(time_history=H, time_future=20, t_resolution=a.nt, x_resolution=a.nx)
losses, nlosses = test_unrolled_losses(m, len(test), a.nx, loader, dc, torch.nn.MSELoss(reduction="none"))
r = json.load(open(a.result))
ln, lm = float(nlosses.mean()), float(losses.mean())
print(json.dumps({"check": "lpsda_rollout", "lpsda_nmse": ln, "liereg_nmse": r["rollout_nmse"],
                  "rel_nmse": abs(ln - r["rollout_nmse"]) / ln, "lpsda_mse": lm, "liereg_mse": r["rollout_mse"],
                  "rel_mse": abs(lm - r["rollout_mse"]) / lm}))
