#!/usr/bin/env python3
"""Load balance of 1D generation from measured per-trajectory CPU times, independent of the
machine's load: reads bench_solver1d JSON lines (cpu_s and predicted_cost per trajectory, the
same seeds `liereg generate -seed S` uses) and prints, for each rank count, the largest rank
load over the ideal (sum / ranks) for round-robin (the old dealing) and for the cost plan
(lie_generate1d_plan: longest predicted first to the least-loaded rank), plus the speed-up
over one rank those imply with a fixed start-up cost.
  balance.py FILE.json [STARTUP_CPU_S] [RANKS...]"""
import json
import sys


def plan(pred, size):  # lie_generate1d_plan without slot caps (one chunk)
    order = sorted(range(len(pred)), key=lambda i: (-pred[i], i))
    load, owner = [0.0] * size, [0] * len(pred)
    for i in order:
        r = min(range(size), key=lambda q: (load[q], q))
        load[r] += pred[i]
        owner[i] = r
    return owner


def makespan(cpu, owner, size):
    load = [0.0] * size
    for c, r in zip(cpu, owner):
        load[r] += c
    return max(load)


def main():
    rows = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
    startup = float(sys.argv[2]) if len(sys.argv) > 2 else 0.0
    sizes = [int(a) for a in sys.argv[3:]] or [2, 4]
    cpu = [r["cpu_s"] for r in rows]
    pred = [r["predicted_cost"] for r in rows]
    total = sum(cpu)
    for size in sizes:
        rr = makespan(cpu, [i % size for i in range(len(cpu))], size)
        lpt = makespan(cpu, plan(pred, size), size)
        print(json.dumps({"bench": "generate_balance", "pde": rows[0]["pde"], "n": len(cpu), "ranks": size,
                          "cpu_s_total": round(total, 3), "max_over_ideal_round_robin": round(rr / (total / size), 3),
                          "max_over_ideal_plan": round(lpt / (total / size), 3),
                          "speedup_round_robin": round((startup + total) / (startup + rr), 3),
                          "speedup_plan": round((startup + total) / (startup + lpt), 3)}))


if __name__ == "__main__":
    main()
