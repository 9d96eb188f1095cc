#!/usr/bin/env python3
"""Reference KS solvers in Python, for the side-by-side benchmark (run by run_ks_bench.sh).

  radau   : LPSDA's method re-implemented: scipy solve_ivp(Radau, rtol=atol=1e-9) with the
            pseudo-spectral right-hand side of LPSDA's equations/PDEs.py (scipy.fftpack.diff),
            t_eval = linspace(0, T, nt), x_j = j L / nx.
  etdrk4  : numpy ETDRK4 (Kassam & Trefethen 2005, contour coefficients), fixed step.

Each trajectory's initial condition and the C reference frames come from bench_solver1d
-dump_dir DIR (traj_i.json, ref_i.bin). Prints one JSON line per trajectory: wall and CPU
time, relative L2 error of the stored frames against the reference, steps."""
import argparse
import json
import time

import numpy as np
from scipy.fftpack import diff as psdiff
from scipy.integrate import solve_ivp


def load(d, i):
    p = json.load(open(f"{d}/traj_{i}.json"))
    ref = np.fromfile(f"{d}/ref_{i}.bin", dtype=np.float64).reshape(p["save_n"], p["nx"])
    x = np.arange(p["nx"]) * p["L"] / p["nx"]
    A, phi, l = (np.array(p[k], dtype=float) for k in ("amp", "phase", "l"))
    u0 = np.sum(A * np.sin(2 * np.pi * l * x[:, None] / p["L"] + phi), -1)
    return p, ref, u0


def ks_rhs(t, u, L):  # LPSDA equations/PDEs.py KS.pseudospectral_reconstruction
    ux = psdiff(u, period=L)
    uxx = psdiff(u, period=L, order=2)
    uxxxx = psdiff(u, period=L, order=4)
    return -u * ux - uxx - uxxxx


def radau(p, u0):
    t = np.linspace(0, p["T"], p["nt"])
    sol = solve_ivp(ks_rhs, [t[0], t[-1]], u0, method="Radau", t_eval=t, args=(p["L"],), atol=1e-9, rtol=1e-9)
    return sol.y.T, {"nfev": int(sol.nfev), "success": bool(sol.success)}


def etdrk4(p, u0, steps):
    N, L, nt = p["nx"], p["L"], p["nt"]
    dt = p["T"] / (nt - 1)
    h = dt / steps
    k = 2 * np.pi / L * np.fft.rfftfreq(N, 1.0 / N)
    Lk = k**2 - k**4
    E, E2 = np.exp(h * Lk), np.exp(h * Lk / 2)
    M = 64
    r = np.exp(1j * np.pi * (np.arange(1, M + 1) - 0.5) / M)
    LR = h * Lk[:, None] + r[None, :]
    Q = h * np.real(np.mean((np.exp(LR / 2) - 1) / LR, axis=1))
    f1 = h * np.real(np.mean((-4 - LR + np.exp(LR) * (4 - 3 * LR + LR**2)) / LR**3, axis=1))
    f2 = h * np.real(np.mean((2 + LR + np.exp(LR) * (LR - 2)) / LR**3, axis=1))
    f3 = h * np.real(np.mean((-4 - 3 * LR - LR**2 + np.exp(LR) * (4 - LR)) / LR**3, axis=1))
    g = -0.5j * k
    g[-1] = 0  # Nyquist
    Nf = lambda v: g * np.fft.rfft(np.fft.irfft(v, N) ** 2)
    v = np.fft.rfft(u0)
    out = [u0.copy()]
    for i in range(1, nt):
        for _ in range(steps):
            Nv = Nf(v)
            a = E2 * v + Q * Nv
            Na = Nf(a)
            b = E2 * v + Q * Na
            Nb = Nf(b)
            c = E2 * a + Q * (2 * Nb - Nv)
            Nc = Nf(c)
            v = E * v + Nv * f1 + 2 * (Na + Nb) * f2 + Nc * f3
        out.append(np.fft.irfft(v, N))
    return np.array(out), {"steps": steps * (nt - 1)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--method", choices=["radau", "etdrk4"], required=True)
    ap.add_argument("--ntraj", type=int, default=1)
    ap.add_argument("--steps", type=int, default=100, help="ETDRK4 steps per stored interval")
    a = ap.parse_args()
    for i in range(a.ntraj):
        p, ref, u0 = load(a.dir, i)
        w0, c0 = time.perf_counter(), time.process_time()
        u, info = radau(p, u0) if a.method == "radau" else etdrk4(p, u0, a.steps)
        wall, cpu = time.perf_counter() - w0, time.process_time() - c0
        s0 = p["save_start"]
        stored = u[s0 : s0 + p["save_n"]]
        err = float(np.linalg.norm(stored - ref) / np.linalg.norm(ref))
        # error of the whole trajectory from t=0 is not available: the reference holds the stored frames
        line = {"bench": "ks_python", "method": a.method, "traj": i, "L": p["L"], "T": p["T"], "time_s": wall,
                "cpu_s": cpu, "rel_err": err}
        line.update(info)
        print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
