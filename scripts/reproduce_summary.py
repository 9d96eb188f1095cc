"""Markdown summary of one scripts/reproduce run directory (the `summary` stage):
    python3 scripts/reproduce_summary.py DIR PDE N [CURVE [SUP_SIZES]]
(N: train size; CURVE: e.g. 1000,2500; SUP_SIZES: the supervised sweep's sizes, e.g. 64,256,1024)
Reads only files the stages wrote (results/*.json, curve/, seeds/, ridgeref.jsonl, logs/timing.tsv,
run/*.csv); a number that is not there yet is printed as "running / not yet", never estimated.
Paper numbers: DESIGN §8, as recalled (not verified)."""
import csv
import glob
import json
import os
import statistics
import sys

PAPER = {  # supervised, SSL + linear head; time-stepping none / ssl / truth
    "burgers": ("1.18 %", "0.97 %", (".110", ".108", ".109")),
    "ks": ("0.117", "0.042", (".549", ".381", ".403")),
    "kdv": ("0.102", "0.033", (".508", ".330", ".386")),
    "ns": ("0.0078", "0.0038", ("2.37e-3", "2.35e-3", "2.18e-3")),
}
MISSING = "running / not yet"


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def fmt(v, std=None):
    if v is None:
        return MISSING
    s = f"{v:.4g}"
    return s if std is None else f"{s} ± {std:.2g}"


def sweep_table(d, pde, sup_sizes):
    ridge = load(f"{d}/results/{pde}_ridge_sweep.json")
    # one file per size (the supsweep stage) or one for several sizes: every point found
    sups = [load(f) for f in sorted(glob.glob(f"{d}/results/{pde}_supervised_sweep*.json"))]
    sup = {"sweep": [r for js in sups if js for r in js.get("sweep", [])]}
    ref, have = {}, {"ssl": ridge is not None, "sup": bool(sup["sweep"]), "ref": False}
    try:
        for line in open(f"{d}/results/ridgeref.jsonl"):
            r = json.loads(line)
            ref[r["ntrain"]] = (r["mean"], r["std"])
            have["ref"] = True
    except OSError:
        pass
    rows = {}
    for name, js in (("ssl", ridge), ("sup", sup)):
        for r in (js or {}).get("sweep", []):
            rows.setdefault(r["ntrain"], {})[name] = (r["mean"], r["std"])
    for n, v in ref.items():
        rows.setdefault(n, {})["ref"] = v
    out = ["| labels | SSL + ridge | supervised | spectral ridge (no network) |", "|---|---|---|---|"]
    for n in sorted(rows):
        planned = {"sup": n in sup_sizes} if sup_sizes else {}
        c = [fmt(*rows[n][k]) if k in rows[n] else (MISSING if planned.get(k, not have[k]) else "—")
             for k in ("ssl", "sup", "ref")]
        out.append(f"| {n} | " + " | ".join(c) + " |")
    return out


def timing(d):
    tot = {}
    try:
        for row in csv.reader(open(f"{d}/logs/timing.tsv"), delimiter="\t"):
            if len(row) == 4 and row[3] == "0":
                tot[row[1]] = tot.get(row[1], 0) + int(row[2])
    except OSError:
        pass
    return tot


def pretrain_state(path):
    try:
        rows = list(csv.DictReader(open(path)))
    except OSError:
        return None
    if not rows:
        return None
    last = rows[-1]
    sps = [float(r["samples_per_s"]) for r in rows if r.get("samples_per_s")]
    return last, (statistics.median(sps) if sps else None)


def main(d, pde, n_main, curve, sup_sizes):
    metric = {"burgers": "relative error of ν (%)", "ns": "MSE of buoyancy"}.get(pde, "NMSE of the initial-condition modes")
    print(f"## {pde} — {metric} on the test split (run directory {d})\n")
    ridge = load(f"{d}/results/{pde}_ridge.json")
    trained = load(f"{d}/results/{pde}_trained.json")
    sup = load(f"{d}/results/{pde}_supervised.json")
    g = lambda js: (js["value"], js["bootstrap_std"]) if js else (None,)
    ntr = n_main
    p = PAPER[pde]
    print(f"| method (all {ntr} labels) | ours | paper (as recalled) |\n|---|---|---|")
    print(f"| SSL + ridge | {fmt(*g(ridge))} | {p[1]} (linear head) |")
    print(f"| SSL + trained linear head | {fmt(*g(trained))} | {p[1]} |")
    print(f"| supervised (same encoder from scratch) | {fmt(*g(sup))} | {p[0]} |")
    print("\nLabel-size sweep (mean ± std over 3 labelled subsets; the same subsets for every method):\n")
    print("\n".join(sweep_table(d, pde, sup_sizes)))

    print("\nDataset-size curve (SSL + ridge; pretraining on the first N unlabelled trajectories with the same"
          " epochs, the probe fit on the same labelled set; columns: labels used by the probe):\n")
    main_sweep = load(f"{d}/results/{pde}_ridge_sweep.json")
    pts = {n: (None, None, f"{d}/curve/pretrain_n{n}.csv") for n in curve}
    for f in glob.glob(f"{d}/curve/{pde}_ridge_n*.json"):
        if f.endswith("_sweep.json"):
            continue
        n = int(f.rsplit("_n", 1)[1].split(".")[0])
        pts[n] = (load(f), load(f.replace(".json", "_sweep.json")), f"{d}/curve/pretrain_n{n}.csv")
    pts[ntr] = (ridge, main_sweep, f"{d}/run/pretrain_s1.csv")
    sizes = sorted({r["ntrain"] for _, sw, _ in pts.values() if sw for r in sw.get("sweep", [])} - {ntr})
    print("| unlabelled N | pretraining steps | " + " | ".join(str(n) for n in sizes) + f" | all {ntr} |")
    print("|---|---|" + "---|" * (len(sizes) + 1))
    for n in sorted(pts):
        js, sw, log = pts[n]
        st = pretrain_state(log)
        steps = MISSING if not st else st[0]["step"] + ("" if js else " (running)")
        bys = {r["ntrain"]: (r["mean"], r["std"]) for r in (sw or {}).get("sweep", [])}
        cols = [fmt(*bys[m]) if m in bys else MISSING for m in sizes]
        print(f"| {n} | {steps} | " + " | ".join(cols) + f" | {fmt(*g(js))} |")

    seeds = [ridge] + [load(f) for f in sorted(glob.glob(f"{d}/seeds/{pde}_ridge_s*.json")) if "sweep" not in f]
    seeds = [s for s in seeds if s and os.path.basename(os.path.dirname(s["emb"])) in ("run", "seeds")]
    vals = [s["value"] for s in seeds if s]
    print(f"\nPretraining seeds (SSL + ridge, all labels): {', '.join(f'{v:.4g}' for v in vals) or MISSING}"
          + (f"; mean {statistics.mean(vals):.4g} ± {statistics.stdev(vals):.2g} (std over seeds)" if len(vals) > 1 else ""))

    if pde == "ns":
        print("\nTime-stepping: not in the node preset for ns (cluster preset examples/paper_timestep_ns.opts).")
    else:
        timestep_table(d, pde, p)
    main_tail(d)


def timestep_table(d, pde, p):
    print("\nTime-stepping (summed rollout NMSE, LPSDA's definition; mean ± std over test trajectories):\n")
    print("| conditioning | ours | paper (as recalled) |\n|---|---|---|")
    for i, c in enumerate(("none", "ssl", "truth")):
        js = load(f"{d}/results/timestep_{pde}_{c}.json")
        print(f"| {c} | {fmt(js['rollout_nmse'], js['rollout_nmse_std']) if js else MISSING} | {p[2][i]} |")


def main_tail(d):

    st = pretrain_state(f"{d}/run/pretrain_s1.csv")
    if st:
        last, sps = st
        done = os.path.exists(f"{d}/run/pretrain_s1.h5.done")
        print(f"\nMain pretraining: {'finished' if done else 'RUNNING'} at step {last['step']} (epoch {last['epoch']}), "
              f"loss {float(last['loss']):.4g}, median {sps:.1f} samples/s" if sps else "")
    t = timing(d)
    if t:
        print("\nWall time per stage (s, summed over the finished commands of that stage): "
              + ", ".join(f"{k} {v}" for k, v in t.items()))


if __name__ == "__main__":
    curve = [int(c) for c in sys.argv[4].split(",") if c] if len(sys.argv) > 4 else []
    sup_sizes = {int(c) for c in sys.argv[5].split(",") if c} if len(sys.argv) > 5 else set()
    main(sys.argv[1].rstrip("/"), sys.argv[2], int(sys.argv[3]), curve, sup_sizes)
