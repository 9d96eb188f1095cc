#!/usr/bin/python3
"""Runs `liereg bench train` and bench_torch.py side by side (alternately, same threads, same
model, same batch) on the issue's configurations, measures the machine's fp32 FMA peak in the
same run (bench_peak, before and after; the best counts) and prints both JSON lines per run,
one summary JSON line per configuration and a final Markdown table. Run by hand:

  /usr/bin/python3 bench/nn/compare.py build/liereg [--peak build/bench/peak/bench_peak]
        [--threads 2] [--steps 3] [--rounds 2] [--only abcde]

Configurations a-d are the VICReg training step (`liereg bench train` vs bench_torch.py); e is
the training step of LPSDA's time-stepping CNN (history 20 + dx, dt -> future 20, width 128,
nx 256, batch 16, summed squared error, AdamW: bench/nn/bench_stepper vs
bench_stepper_torch.py, docs/TIMESTEP.md).

With --rounds R each side runs R times (liereg, torch, liereg, ...) and the BEST step time of
each side counts (on a shared machine the best run is the one least disturbed). "share of
peak" = liereg GFLOP/s / peak GFLOP/s (wall clock, both with --threads threads). The CPU
columns divide by process CPU seconds instead (GFLOP per CPU second against the peak's): on a
loaded machine they estimate what an idle one would give (exact with --threads 1; with more
threads spinning at barriers counts as CPU time)."""
import argparse
import json
import os
import subprocess
import sys

CONFIGS = {"a": ("resnet18_2d", "3x128x256", 32), "b": ("resnet18_2d", "80x128x128", 16),
           "c": ("resnet18_1d", "96x256", 128), "d": ("resnet18_1d", "16x256", 32),
           "e": ("stepper_cnn", "22x256", 16)}


def commands(key, a, here):
    """(liereg command, PyTorch command) of one configuration"""
    model, inp, batch = CONFIGS[key]
    if model == "stepper_cnn":
        common = ["-batch", str(batch), "-nx", inp.split("x")[1], "-threads", str(a.threads), "-steps",
                  str(a.steps), "-warmup", str(a.warmup)]
        exe = os.path.join(os.path.dirname(os.path.abspath(a.liereg)), "bench", "nn", "bench_stepper")
        torch = [sys.executable, os.path.join(here, "bench_stepper_torch.py"), "--model", "cnn"]
        return ([exe, "-model", "cnn", "-nn_backend", "dnnl"] + common,
                torch + [w.replace("-", "--", 1) for w in common])
    common = ["-model", model, "-input", inp, "-batch", str(batch), "-threads", str(a.threads),
              "-steps", str(a.steps), "-warmup", str(a.warmup)]
    return ([a.liereg, "bench", "train", "-nn_backend", "dnnl"] + common,
            [sys.executable, os.path.join(here, "bench_torch.py"), "--model", model, "--input", inp, "--batch",
             str(batch), "--threads", str(a.threads), "--steps", str(a.steps), "--warmup", str(a.warmup)])


def run(cmd, key="step_s"):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    line = [l for l in out.splitlines() if l.startswith("{")][-1]
    print(line, flush=True)
    return json.loads(line)


def peak(exe, threads):
    if not exe:
        return None
    r = run([exe, "-threads", str(threads), "-seconds", "0.5", "-reps", "3"])
    return r["best_gflop_per_s"], r["best_gflop_per_cpu_s"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("liereg")
    ap.add_argument("--peak", default=None, help="bench_peak executable (default: next to liereg)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--only", default="abcd")
    ap.add_argument("--rounds", type=int, default=1)
    a = ap.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    pk = a.peak or os.path.join(os.path.dirname(os.path.abspath(a.liereg)), "bench", "peak", "bench_peak")
    pk = pk if os.path.exists(pk) else None
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    os.environ.update(env)
    peaks = [peak(pk, a.threads)]
    rows = []
    for key in a.only:
        model, inp, batch = CONFIGS[key]
        ours_cmd, torch_cmd = commands(key, a, here)
        runs_ours, runs_torch = [], []
        for _ in range(a.rounds):
            runs_ours.append(run(ours_cmd))
            runs_torch.append(run(torch_cmd))
        ours = min(runs_ours, key=lambda r: r["step_s"])
        torch = min(runs_torch, key=lambda r: r["step_s"])
        ours_cpu = max(r.get("gflop_per_cpu_s", 0) for r in runs_ours)
        torch_cpu = max(r.get("gflop_per_cpu_s", 0) for r in runs_torch)
        rows.append((key, model, inp, batch, ours, torch, ours_cpu, torch_cpu))
    peaks.append(peak(pk, a.threads))
    best = max((p for p in peaks if p), default=None, key=lambda p: p[0])
    best_cpu = max((p[1] for p in peaks if p), default=None)
    print(f"\n| config | liereg samples/s | PyTorch samples/s | ratio | liereg GFLOP/s | share of peak "
          f"| GFLOP/cpu-s liereg / PyTorch | share of peak per CPU s |")
    print("|---|---|---|---|---|---|---|---|")
    for key, model, inp, batch, ours, torch, oc, tc in rows:
        ratio = ours["samples_per_s"] / torch["samples_per_s"]
        share = f"{100 * ours['gflop_per_s'] / best[0]:.0f} %" if best else "n/a"
        share_cpu = f"{100 * oc / best_cpu:.0f} %" if best_cpu and oc else "n/a"
        label = "stepper CNN" if model == "stepper_cnn" else "1D" if "1d" in model else "2D"
        print(f"| {key}: {label} {inp} b{batch} | {ours['samples_per_s']:.1f} "
              f"| {torch['samples_per_s']:.1f} | {ratio:.2f} | {ours['gflop_per_s']:.1f} | {share} "
              f"| {oc:.1f} / {tc:.1f} | {share_cpu} |")
        print(json.dumps({"config": key, "model": model, "input": inp, "batch": batch, "threads": a.threads,
                          "rounds": a.rounds, "liereg_step_s": ours["step_s"], "torch_step_s": torch["step_s"],
                          "ratio_samples_per_s": round(ratio, 3), "liereg_gflop_per_s": ours["gflop_per_s"],
                          "torch_gflop_per_s": torch["gflop_per_s"], "liereg_gflop_per_cpu_s": oc,
                          "torch_gflop_per_cpu_s": tc, "peak_gflop_per_s": best[0] if best else None,
                          "peak_gflop_per_cpu_s": best_cpu, "liereg_rss_mb": ours["peak_rss_mb"],
                          "torch_rss_mb": torch["peak_rss_mb"]}), flush=True)
    if best:
        print(f"\npeak (bench_peak, {a.threads} threads, best of the runs before and after): {best[0]:.1f} GFLOP/s, "
              f"{best_cpu:.1f} GFLOP per CPU second")


if __name__ == "__main__":
    main()
