#!/usr/bin/env python3
"""Run by hand (needs h5py + torch + torchvision; not part of ctest): loads a liereg pretraining
checkpoint (2D model, -model_width 64) into torchvision's resnet18 and checks that it gives the
embeddings written by `liereg embed` (crop policy of docs/PRETRAIN.md, grid mode).

usage: check_torchvision.py CKPT.h5 DATA.h5 EMB.h5"""
import sys

import h5py
import numpy as np
import torch
import torchvision

ckpt, data, emb = sys.argv[1:4]
with h5py.File(ckpt) as f:
    tr = f["train"].attrs
    cin, ct, cx = int(tr["model_cin"]), int(tr["crop_t"]), int(tr["crop_x"])
    mean, std = float(tr["norm_mean"]), float(tr["norm_std"])
    assert int(tr["model_dims"]) == 2 and int(tr["model_width"]) == 64 and cin == 1
    sd = {}
    f["encoder"].visititems(lambda k, d: sd.__setitem__(k, torch.as_tensor(d[()]))
                            if isinstance(d, h5py.Dataset) else None)
m = torchvision.models.resnet18()
m.conv1 = torch.nn.Conv2d(cin, 64, 7, 2, 3, bias=False)
m.fc = torch.nn.Identity()
m.load_state_dict(sd)
m.eval()
with h5py.File(data) as f:
    g = f["train"]
    u = next(g[k] for k in g if k.startswith("pde_"))[:, :ct, :cx]
x = torch.from_numpy(((u - mean) / std).astype(np.float32))[:, None]
with torch.no_grad():
    z = m(x).numpy()
with h5py.File(emb) as f:
    e = f["train/emb"][()]
err = np.abs(z - e).max() / np.abs(e).max()
print(f"torchvision vs liereg embed: {e.shape}, max |diff| / max |emb| = {err:.3e}")
sys.exit(0 if err < 1e-5 else 1)
