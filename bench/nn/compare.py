#!/usr/bin/python3
"""Runs `liereg bench train` and bench_torch.py side by side (one after the other, same
threads, same model, same batch) on the issue's three configurations and prints both JSON
lines plus one line with the ratio liereg/PyTorch of samples per second. Run by hand:

  /usr/bin/python3 bench/nn/compare.py build/liereg [--threads 2] [--steps 3] [--only a|b|c]
"""
import argparse
import json
import os
import subprocess
import sys

CONFIGS = {"a": ("resnet18_2d", "3x128x256", 32), "b": ("resnet18_2d", "80x128x128", 16),
           "c": ("resnet18_1d", "96x256", 128)}


def run(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    line = [l for l in out.splitlines() if l.startswith("{")][-1]
    print(line, flush=True)
    return json.loads(line)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("liereg")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--only", default="abc")
    a = ap.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    os.environ.update(env)
    for key in a.only:
        model, inp, batch = CONFIGS[key]
        common = ["-model", model, "-input", inp, "-batch", str(batch), "-threads", str(a.threads),
                  "-steps", str(a.steps), "-warmup", str(a.warmup)]
        ours = run([a.liereg, "bench", "train"] + common)
        torch = run([sys.executable, os.path.join(here, "bench_torch.py"), "--model", model, "--input", inp,
                     "--batch", str(batch), "--threads", str(a.threads), "--steps", str(a.steps),
                     "--warmup", str(a.warmup)])
        print(json.dumps({"config": key, "model": model, "input": inp, "batch": batch, "threads": a.threads,
                          "ratio_samples_per_s": round(ours["samples_per_s"] / torch["samples_per_s"], 3),
                          "liereg_gflop_per_s": ours["gflop_per_s"], "torch_gflop_per_s": torch["gflop_per_s"],
                          "liereg_rss_mb": ours["peak_rss_mb"], "torch_rss_mb": torch["peak_rss_mb"]}), flush=True)


if __name__ == "__main__":
    main()
