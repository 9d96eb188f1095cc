#!/bin/sh
# The input pipeline against the network, every PDE x mode in one run (issue 15,
# docs/BENCHMARKS.md "Input pipeline"): `liereg bench pretrain` at the presets' shapes, one
# JSON line per case, then a Markdown table. About 5 minutes on an idle 2-core machine
# (data generation included).
#   bench/ssl/run_pretrain_bench.sh [DATADIR [extra bench pretrain options]]
# Cases (2 OpenMP threads, batch 32, 1 loader thread unless the extra options say otherwise):
#   Burgers, KS, KdV x grid, coords: examples/pretrain_burgers.opts with the PDE's data:
#     1D ResNet-18 width 64, crops of 16 frames x 256 points (grid: 16x256 input, coords:
#     48x256); 10 timed steps per block, 3 warmup, 2 rounds.
#   NS coords (examples/pretrain_ns.opts: 16 frames of 128^2, 96 channels) and NS grid with
#     the full group, rotation included (48 channels): 3 timed steps, 1 warmup, 2 rounds (a
#     step takes seconds).
# DATADIR (default ./pretrain_bench_data) gets burgers.h5, ks.h5, kdv.h5 (32 trajectories of
# 140 x 256 each, `liereg generate -pde P -n 32 -seed 1`) and ns.h5 (32 trajectories of 56
# frames of 128^2, 0.7 GB) when they are absent. Environment: LIEREG (the liereg binary;
# default build/liereg), NICE (default 10), STEPS/WARMUP/ROUNDS and NS_STEPS/NS_WARMUP/NS_ROUNDS.
# Columns: pipeline samples/s (whole steps: views from the loader + network), network-only
# samples/s (same model, batch, threads, fixed batch), their ratio; then the same per CPU
# second of the process (robust to a loaded machine), the views' cost per batch (one batch built
# by the main thread alone, outside the timed steps) and how long a whole step waited for its
# batch (0 when the loader keeps ahead).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
D=${1:-pretrain_bench_data}
[ $# -gt 0 ] && shift
LIEREG=${LIEREG:-$HERE/../../build/liereg}
EX=$HERE/../../examples
N="nice -n ${NICE:-10}"
[ "$(id -u)" = 0 ] && export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 # Open MPI refuses root otherwise
[ -x "$LIEREG" ] || { echo "run_pretrain_bench: no liereg binary at $LIEREG (build first or set LIEREG)" >&2; exit 2; }
mkdir -p "$D" || exit 1
for pde in burgers ks kdv ns; do
  [ -s "$D/$pde.h5" ] && continue
  echo "generating $D/$pde.h5 (32 trajectories)" >&2
  $N "$LIEREG" generate -pde $pde -n 32 -seed 1 -o "$D/$pde.h5" > "$D/generate_$pde.log" 2>&1 ||
    { echo "run_pretrain_bench: generate -pde $pde failed, see $D/generate_$pde.log" >&2; exit 1; }
done
OUT=$D/pretrain_bench.jsonl
: > "$OUT"
fail=0
# run LABEL DATA OPTS STEPS WARMUP ROUNDS [options]
run() {
  label=$1 data=$2 opts=$3 steps=$4 warmup=$5 rounds=$6
  shift 6
  if $N "$LIEREG" bench pretrain -data "$data" -options_file "$opts" -threads 2 -steps "$steps" -warmup "$warmup" \
    -rounds "$rounds" "$@" > "$D/$label.log" 2>&1 && grep -q '"bench":"pretrain"' "$D/$label.log"; then
    line=$(grep '"bench":"pretrain"' "$D/$label.log")
    echo "$line"
    echo "$label $line" >> "$OUT"
  else
    echo "run_pretrain_bench: $label failed, see $D/$label.log" >&2
    echo "$label FAILED" >> "$OUT"
    fail=1
  fi
}
S=${STEPS:-10} W=${WARMUP:-3} R=${ROUNDS:-2}
for pde in burgers ks kdv; do
  for mode in grid coords; do
    run "${pde}_$mode" "$D/$pde.h5" "$EX/pretrain_burgers.opts" "$S" "$W" "$R" -aug_mode $mode "$@"
  done
done
S=${NS_STEPS:-3} W=${NS_WARMUP:-1} R=${NS_ROUNDS:-2}
run ns_coords "$D/ns.h5" "$EX/pretrain_ns.opts" "$S" "$W" "$R" "$@"
run ns_grid_rotation "$D/ns.h5" "$EX/pretrain_ns.opts" "$S" "$W" "$R" -aug_mode grid "$@"

# value KEY LINE: a number field of a JSON line
value() { echo "$2" | sed -n "s/.*\"$1\":\([-0-9.eE+]*\).*/\1/p"; }
echo
echo "| PDE, mode | input | pipeline samples/s | network samples/s | ratio | ratio per CPU s | views ms/batch (built alone) | loader wait ms/step |"
echo "|---|---|---|---|---|---|---|---|"
while read -r label line; do
  if [ "$line" = FAILED ]; then
    echo "| $label | | failed | | | | | |"
    continue
  fi
  input=$(echo "$line" | sed -n 's/.*"input":"\([^"]*\)".*/\1/p')
  printf '| %s | %s | %.1f | %.1f | %.3f | %.3f | %.1f | %.2f |\n' "$label" "$input" \
    "$(value pipeline_samples_per_s "$line")" "$(value network_samples_per_s "$line")" "$(value ratio "$line")" \
    "$(value ratio_cpu "$line")" "$(value views_ms_per_batch "$line")" "$(value loader_wait_ms_per_step "$line")"
done < "$OUT"
exit $fail
