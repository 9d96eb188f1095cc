"""Reference points for docs/EVAL_STUDY.md (benchmarks only; not part of liereg, needs numpy+h5py).

Ridge regression (5-fold CV over 25 log-spaced lambdas, standardised features, the probe's
label subsets: first N of a seeded permutation) on hand-made features of the embedding crop
(the first 16 stored frames), with no network:
  raw     the crop's values
  logfft  log |u_hat_k(t)|, k = 1..K (K = 20 Burgers, 32 KS), of each frame
Targets: Burgers log(nu) -> relative error %, KS ic_mode (|c_1|, |c_2|) -> NMSE.

  python3 bench/eval/feature_probe.py burgers data/burgers_lab.h5 data/burgers_test.h5
  python3 bench/eval/feature_probe.py ks data/ks-early_lab.h5 data/ks-early_test.h5
Prints one JSON line per (features, label size)."""
import json
import os
import sys

import h5py
import numpy as np

SIZES, SEEDS, CROP = (32, 64, 128, 256), (1, 2, 3), 16
# scripts/reproduce passes its label sizes and only the log-Fourier features (raw ridge on
# 10,000 x 4,096 values is minutes of SVDs for a reference point known to be poor).
if os.environ.get("FEATURE_PROBE_SIZES"):
    SIZES = tuple(int(n) for n in os.environ["FEATURE_PROBE_SIZES"].split(","))
KINDS = tuple(os.environ.get("FEATURE_PROBE_KINDS", "raw,logfft").split(","))
# FEATURE_PROBE_FRAMES=STOP:STEP takes frames 0, STEP, ... < STOP instead of the first 16 (how
# much of the trajectory's time span the features see, at the same feature count: e.g. 140:9).
STOP, STEP = (int(v) for v in os.environ.get("FEATURE_PROBE_FRAMES", f"{CROP}:1").split(":"))


def load(path, mode, pde):
    with h5py.File(path, "r") as f:
        g = f[mode]
        u = g[[k for k in g if k.startswith("pde_")][0]][:, :STOP:STEP, :]
        if pde == "burgers":
            return u, g["nu"][:][:, None]
        amp, ph, l = g["ic_amp"][:], g["ic_phase"][:], g["ic_l"][:]
    c = [np.abs((amp * np.exp(1j * ph) * (l == m)).sum(1)) for m in (1, 2)]
    return u, np.stack(c, 1)


def features(u, kind, kmax):
    if kind == "raw":
        return u.reshape(len(u), -1)
    a = np.abs(np.fft.rfft(u, axis=2))[:, :, 1 : kmax + 1]
    return np.log(a + 1e-8).reshape(len(u), -1)


def ridge_path(X, Y):
    """Ridge fits for every lambda from one SVD of the standardised features."""
    mu, sd, ym = X.mean(0), X.std(0) + 1e-12, Y.mean(0)
    U, s, Vt = np.linalg.svd((X - mu) / sd, full_matrices=False)
    UtY = U.T @ (Y - ym)

    def fit(lam):
        W = Vt.T @ ((s / (s * s + lam))[:, None] * UtY)
        return lambda Z: ((Z - mu) / sd) @ W + ym

    return fit


def ridge(X, Y, lam):
    return ridge_path(X, Y)(lam)


def ridge_cv(X, Y, folds=5):
    lams = np.logspace(-6, 6, 25)
    idx = np.random.default_rng(1).permutation(len(Y))
    err = np.zeros(len(lams))
    for f in np.array_split(idx, folds):
        tr = np.setdiff1d(idx, f)
        path = ridge_path(X[tr], Y[tr])
        for i, lam in enumerate(lams):
            err[i] += (((path(lam)(X[f]) - Y[f]) ** 2) / Y.var(0)).sum()
    return ridge(X, Y, lams[np.argmin(err)])


def metric(pde, pred, true):
    if pde == "burgers":
        return 100 * np.mean(np.abs(pred - true) / true)
    return np.mean(((pred - true) ** 2).sum(0) / ((true - true.mean(0)) ** 2).sum(0))


def main(pde, lab, test):
    ul, yl = load(lab, "train", pde)
    ut, yt = load(test, "test", pde)
    fwd, inv = (np.log, np.exp) if pde == "burgers" else (lambda y: y, lambda y: y)
    kmax = 20 if pde == "burgers" else 32
    for kind in KINDS:
        Xl, Xt = features(ul, kind, kmax), features(ut, kind, kmax)
        for n in SIZES:
            n = min(n, len(yl))
            vals = []
            for seed in SEEDS:
                sel = np.random.default_rng(seed).permutation(len(yl))[:n]
                vals.append(metric(pde, inv(ridge_cv(Xl[sel], fwd(yl[sel]))(Xt)), yt))
            print(json.dumps({"bench": "feature_probe", "pde": pde, "features": kind, "frames": f"{STOP}:{STEP}", "ntrain": n,
                              "mean": float(np.mean(vals)), "std": float(np.std(vals, ddof=1))}))


if __name__ == "__main__":
    main(*sys.argv[1:4])
