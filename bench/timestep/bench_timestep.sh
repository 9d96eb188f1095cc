#!/bin/sh
# Side by side on the same KS files and CNN settings: liereg timestep vs LPSDA's own training
# loop (experiments/train_helper.py via lpsda_cnn.py, PyTorch CPU from Debian's python3-torch;
# install with scripts/setup --bench). Prints JSON lines: one per implementation and a summary
# with the speed ratio and the machine load. LPSDA's code is read from a fetched snapshot:
#   bench/timestep/bench_timestep.sh build/liereg /path/to/LPSDA [workdir]
# Env: EPOCHS (3), PASSES (4) per epoch, NTRAIN (64), NTEST (16), THREADS (2). On a shared
# machine run it with OMP_WAIT_POLICY=passive (both sides use libgomp; spinning threads whose
# partner is descheduled cost 3-4x per step, docs/NN.md "Threads"); the summary records it.
set -eu
LIEREG=$1 LPSDA=$2 DIR=${3:-bench_timestep_run}
EPOCHS=${EPOCHS:-3} PASSES=${PASSES:-4} NTRAIN=${NTRAIN:-64} NTEST=${NTEST:-16} THREADS=${THREADS:-2}
PY=/usr/bin/python3
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$DIR" && cd "$DIR"
[ -f ks_train.h5 ] || "$LIEREG" generate -pde ks -n "$NTRAIN" -o ks_train.h5 -mode train > /dev/null
[ -f ks_test.h5 ] || "$LIEREG" generate -pde ks -n "$NTEST" -o ks_test.h5 -mode test -seed 5 > /dev/null
load0=$(cut -d' ' -f1 /proc/loadavg)
# LPSDA's CNN settings: history 20, future 20, batch 16, AdamW lr 1e-4, all start times
"$LIEREG" timestep -data ks_train.h5 -test_data ks_test.h5 -o liereg.json -force -step_model cnn \
  -step_epochs "$EPOCHS" -step_passes "$PASSES" -threads "$THREADS" -step_progress 0 > liereg.txt
"$PY" - << 'PYEOF'
import json
r = json.load(open("liereg.json"))
steps = r["steps"] // r["epochs"]
print(json.dumps({"bench": "timestep", "impl": "liereg", "model": r["model"], "ntrain": r["ntrain"],
                  "ntest": r["ntest"], "epochs": r["epochs"], "steps_per_epoch": steps,
                  "seconds_per_epoch": r["seconds_per_epoch"], "seconds_per_step": r["seconds_per_epoch"] / steps,
                  "rollout_nmse": r["rollout_nmse"], "rollout_nmse_std": r["rollout_nmse_std"],
                  "last_train_loss": r["last_loss"], "eval_seconds": r["eval_seconds"]}))
PYEOF
"$PY" "$HERE/lpsda_cnn.py" --lpsda "$LPSDA" --train ks_train.h5 --test ks_test.h5 --epochs "$EPOCHS" \
  --passes "$PASSES" --threads "$THREADS" 2> lpsda.err > lpsda.json
cat lpsda.json
load1=$(cut -d' ' -f1 /proc/loadavg)
"$PY" - "$load0" "$load1" "$(nproc)" "${OMP_WAIT_POLICY:-default}" << 'PYEOF'
import json, sys
ours = json.loads(open("liereg.json").read())
theirs = json.loads(open("lpsda.json").read())
steps = ours["steps"] // ours["epochs"]
s_ours = ours["seconds_per_epoch"] / steps
print(json.dumps({"bench": "timestep_summary", "speedup_per_step": theirs["seconds_per_step"] / s_ours,
                  "nmse_liereg": ours["rollout_nmse"], "nmse_lpsda": theirs["rollout_nmse"],
                  "load_before": float(sys.argv[1]), "load_after": float(sys.argv[2]), "cores": int(sys.argv[3]),
                  "omp_wait_policy": sys.argv[4]}))
PYEOF
