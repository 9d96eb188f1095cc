#!/bin/sh
# liereg bench pretrain: one JSON line with the whole-step and network-only rates of the same
# model and batch, their ratio, and the main-thread cost of a batch of views; on 1 and 2 ranks,
# with 0, 1 and 3 loader threads; a missing -data is a usage error.
set -u
mkdir -p "$LIE_TESTDIR" && cd "$LIE_TESTDIR" || exit 1
rm -f ./*.h5 ./*.log
fail=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; fail=1; }
MPI="$MPIEXEC --oversubscribe"
TINY="-nn_backend ref -threads 1 -model_width 4 -model_expander 16,16,16 -train_batch 8 -aug_crop_t 8 -aug_crop_x 32 -steps 3 -warmup 1 -rounds 2"
"$MKDATA" data.h5 48 20 64 3 > /dev/null || { echo "FAIL making data"; exit 1; }

# check NAME RANKS LOADERS: the JSON line has positive, finite rates and a ratio that matches them
check() {
  $MPI -n "$2" "$LIEREG" bench pretrain -data data.h5 $TINY -pretrain_loader_threads "$3" > "$1.log" 2>&1
  rc=$?
  line=$(grep '"bench":"pretrain"' "$1.log")
  if [ $rc -ne 0 ] || [ -z "$line" ]; then bad "$1: exit $rc"; cat "$1.log"; return; fi
  echo "$line" | python3 -c '
import json, math, sys
r = json.loads(sys.stdin.read())
need = ["pipeline_samples_per_s", "network_samples_per_s", "ratio", "views_ms_per_batch", "network_ms_per_step",
        "pipeline_samples_per_cpu_s", "network_samples_per_cpu_s", "ratio_cpu"]
assert all(math.isfinite(r[k]) and r[k] > 0 for k in need), r
assert abs(r["ratio"] - r["pipeline_samples_per_s"] / r["network_samples_per_s"]) <= 1e-6 * r["ratio"], r
cr = r["pipeline_samples_per_cpu_s"] / r["network_samples_per_cpu_s"]
assert abs(r["ratio_cpu"] - cr) <= 1e-6 * cr, r
assert r["batch"] == 8 and r["ranks"] == int(sys.argv[1]) and r["loader_threads"] == int(sys.argv[2]), r
assert r["steps"] == 6 and r["input"] == "1x8x32", r
w = r["loader_wait_ms_per_step"]  # no loader thread: the main thread builds, nothing to wait for
assert math.isfinite(w) and w >= 0 and (w == 0 or int(sys.argv[2]) > 0), r
' "$2" "$3" && ok "$1: $(echo "$line" | cut -c1-200)" || { bad "$1: fields"; echo "$line"; }
}
check np1_loader0 1 0
check np1_loader1 1 1
check np1_loader3 1 3
check np2_loader1 2 1

$MPI -n 1 "$LIEREG" bench pretrain $TINY > usage.log 2>&1
rc=$?
[ $rc -eq 2 ] && grep -q "missing -data" usage.log && ok "no -data: exit 2" || { bad "no -data: exit $rc"; cat usage.log; }
exit $fail
