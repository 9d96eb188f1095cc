#!/usr/bin/env python3
"""Run LPSDA's own generator (generate/generate_data.py: scipy solve_ivp Radau, rtol = atol =
1e-9, its pseudo-spectral right-hand side) on the *same* trajectories as a liereg file.

LPSDA draws T, L, then A, phi, l from numpy's global generator inside generate_trajectories;
this wrapper feeds it the values stored in the liereg file instead (T, L, ic_amp, ic_phase,
ic_l), inverting LPSDA's affine maps, and then calls LPSDA's code unchanged. Prints one JSON
line: wall and process CPU time of LPSDA's generate_trajectories for the first K trajectories,
and the relative L2 difference of its stored frames from liereg's.

  lpsda_generate.py LPSDA_DIR LIEREG_FILE.h5 K [--pde KS] [--T 100] [--L 64] [--nt 500]
(run with Debian's /usr/bin/python3: numpy, scipy, h5py, torch 1.13 - LPSDA imports torch)."""
import argparse
import json
import os
import sys
import tempfile
import time

import h5py
import numpy as np


def feeder(T, L, A, phi, l, tmax, Lmean):
    """Replacements for np.random.rand / randint returning the values LPSDA's code turns into
    the given T, L, A, phi, l (calls in LPSDA's order: T, L, A, phi, then l)."""
    queue = []
    for i in range(len(T)):
        t1, t2 = tmax - tmax / 10, tmax + tmax / 10  # T = (t1 - t2) r + t2
        l1, l2 = Lmean - Lmean / 10, Lmean + Lmean / 10
        queue += [("rand", (T[i] - t2) / (t1 - t2)), ("rand", (L[i] - l2) / (l1 - l2))]
        queue += [("rand", (A[i] + 0.5)[None, :]), ("rand", (phi[i] / (2 * np.pi))[None, :])]
        queue += [("randint", l[i][None, :].astype(np.int64))]

    def take(kind):
        k, v = queue.pop(0)
        assert k == kind, f"LPSDA drew {kind} where {k} was expected"
        return v

    return (lambda *a, **kw: take("rand")), (lambda *a, **kw: take("randint"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("lpsda")
    ap.add_argument("file")
    ap.add_argument("k", type=int)
    ap.add_argument("--pde", default="KS")
    ap.add_argument("--T", type=float, default=100.0)
    ap.add_argument("--L", type=float, default=64.0)
    ap.add_argument("--nt", type=int, default=500)
    ap.add_argument("--nx", type=int, default=256)
    ap.add_argument("--nt_effective", type=int, default=140)
    a = ap.parse_args()
    with h5py.File(a.file, "r") as f:
        g = f["train"]
        name = [k for k in g.keys() if k.startswith("pde_")][0]
        ours = g[name][: a.k]
        T, L = g["T"][: a.k], g["L"][: a.k]
        A, phi, l = g["ic_amp"][: a.k], g["ic_phase"][: a.k], g["ic_l"][: a.k]
    sys.path[:0] = [a.lpsda, os.path.join(a.lpsda, "generate")]
    t_import = time.perf_counter()
    import generate_data as gd  # LPSDA's module (imports torch)
    from equations.PDEs import KS, KdV

    t_import = time.perf_counter() - t_import
    cls = {"KS": KS, "KdV": KdV}[a.pde]
    pde = cls(tmin=0.0, tmax=a.T, grid_size=(a.nt, a.nx), nt_effective=a.nt_effective, L=a.L, device="cpu")
    gd.np.random.rand, gd.np.random.randint = feeder(T, L, A, phi, l, a.T, a.L)
    work = tempfile.mkdtemp()
    os.chdir(work)
    os.mkdir("data")
    devnull, stdout = open(os.devnull, "w"), sys.stdout
    sys.stdout = devnull  # LPSDA prints per trajectory
    w0, c0 = time.perf_counter(), time.process_time()
    gd.generate_trajectories(pde=pde, mode="train", num_samples=a.k, suffix="", batch_size=1, device="cpu")
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    sys.stdout = stdout
    with h5py.File(f"data/{pde}_train_{a.k}.h5", "r") as f:
        theirs = f["train"][f"pde_{a.nt_effective}-{a.nx}"][:]
    diff = [float(np.linalg.norm(theirs[i] - ours[i]) / np.linalg.norm(ours[i])) for i in range(a.k)]
    print(json.dumps({"bench": "lpsda_generate", "pde": a.pde, "trajectories": a.k, "wall_s": round(wall, 3),
                      "cpu_s": round(cpu, 3), "cpu_s_per_traj": round(cpu / a.k, 3),
                      "import_s": round(t_import, 3), "rel_l2_vs_liereg": diff}))


if __name__ == "__main__":
    main()
