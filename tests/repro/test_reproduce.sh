#!/bin/sh
# scripts/reproduce at a tiny size: every stage of the KS and Burgers presets with the sizes
# overridden, then (1) a rerun does nothing (every output exists), (2) a run killed with SIGKILL
# during pretraining resumes from its checkpoint when the same command is rerun and ends at the
# full step count, (3) usage errors exit 2. Needs LIEREG, LIE_SRCDIR, LIE_TESTDIR (ctest sets them).
set -eu
: "${LIEREG:?}" "${LIE_SRCDIR:?}" "${LIE_TESTDIR:?}"
fail() { echo "FAIL: $*" >&2; exit 1; }
R="$LIE_SRCDIR/scripts/reproduce"
D=$LIE_TESTDIR
tiny() { # pde dir [more options]
  p=$1 d=$2; shift 2
  bash "$R" "$p" -dir "$d" -bin "$LIEREG" -nice 0 -n 24 -shard 12 -valid 12 -test 16 -epochs 1 -sizes 12,24 \
    -sup_sizes 12 -curve 12 -seeds 2 -timestep_n 12 \
    -pretrain_opts "-model_width 4 -model_expander 32,32,32 -train_batch 8 -train_warmup 0 -train_ckpt_every 2" \
    -supervised_opts "-sup_epochs 2 -sup_lr 1e-3 -sup_batch 8" -sup_all "-sup_epochs 1" -trained_opts "-probe_epochs 2" \
    -timestep_opts "-step_epochs 1 -step_batch 4 -step_width 8 -step_history 4 -step_future 4 -step_lr_milestones 1 -step_bootstrap 8 -step_rollout_start 16" \
    "$@"
}
finite() { # json file, jq path
  v=$(jq -r "$2" "$1") || fail "$1: no $2"
  awk -v v="$v" 'BEGIN { exit !(v == v + 0 && v < 1e300 && v > -1e300) }' || fail "$1: $2 = '$v' is not a finite number"
}

[ "${REPRO_TEST_SKIP_FULL:-0}" = 1 ] && [ -d "$D/ks/data" ] || rm -rf "$D" && mkdir -p "$D"
# 1. every stage, both 1D presets with a target each (nu on a log scale; ic_mode)
for p in ks burgers; do
  [ "${REPRO_TEST_SKIP_FULL:-0}" = 1 ] && [ -d "$D/$p" ] && continue # development: only parts 3-4
  tiny $p "$D/$p" > "$D/$p.out" 2>&1 || { tail -20 "$D/$p.out"; fail "$p: scripts/reproduce failed"; }
  r=$D/$p/results
  for f in ${p}_ridge ${p}_trained ${p}_supervised; do finite "$r/$f.json" .value; done
  finite "$r/${p}_ridge_sweep.json" '.sweep[1].mean'
  finite "$r/${p}_supervised_sweep_n12.json" '.sweep[0].mean'
  [ "$(jq -r .epochs_max "$r/${p}_supervised.json")" = 1 ] || fail "$p: -sup_all '-sup_epochs 1' not applied to the all-label run"
  for c in none ssl truth; do finite "$r/timestep_${p}_$c.json" .rollout_nmse; done
  [ "$(wc -l < "$r/ridgeref.jsonl")" -eq 2 ] || fail "$p: ridgeref.jsonl should have 2 lines (sizes 12, 24)"
  finite "$D/$p/curve/${p}_ridge_n12.json" .value
  finite "$D/$p/seeds/${p}_ridge_s2.json" .value
  [ -f "$D/$p/report/report.md" ] || fail "$p: no report"
  grep -q "^| SSL + ridge | [0-9]" "$D/$p/summary.md" || fail "$p: summary has no SSL + ridge number"
  grep -q "^| 12 | [0-9][^|]* | [0-9]" "$D/$p/summary.md" || fail "$p: summary has no supervised sweep point at 12 labels"
  # 2. a rerun of the same command runs nothing
  n=$(wc -l < "$D/$p/logs/timing.tsv")
  tiny $p "$D/$p" -stages generate,ridgeref,pretrain,embed,probe,trained,supsweep,supervised,timestep,curve,seeds > "$D/$p.rerun" 2>&1 || fail "$p: rerun failed"
  [ "$(wc -l < "$D/$p/logs/timing.tsv")" -eq "$n" ] || fail "$p: the rerun ran stages again (timing.tsv grew)"
done

# 2b. the supervised sweep before the main pretraining: the architecture from a curve checkpoint;
# with no finished checkpoint at all, a clear error (exit 1)
E=$D/early
rm -rf "$E" && mkdir -p "$E" && cp -r "$D/ks/data" "$E/"
tiny ks "$E" -stages curve,supsweep > "$E.out" 2>&1 || { tail -20 "$E.out"; fail "curve,supsweep failed"; }
[ ! -e "$E/run/pretrain_s1.h5" ] || fail "curve,supsweep ran the main pretraining"
finite "$E/results/ks_supervised_sweep_n12.json" '.sweep[0].mean'
grep -q "sup_model_from $E/curve/pretrain_n12.h5" "$E/logs/supsweep.log" || fail "supsweep did not take the curve checkpoint's architecture"
rm -rf "$E/curve" "$E/results"
set +e
tiny ks "$E" -stages supsweep > "$E.out2" 2>&1
rc=$?
set -e
[ $rc -eq 1 ] && grep -q "need a finished pretraining checkpoint" "$E.out2" || fail "supsweep without a checkpoint: exit $rc, want 1 and a clear message"

# 3. resume: kill the whole run during pretraining (24 trajectories / batch 8 = 3 steps per
# epoch, 20 epochs = 60 steps, a checkpoint every 2), rerun the same command
K=$D/kill
rm -rf "$K" && mkdir -p "$K"
cp -r "$D/ks/data" "$K/"
rm -f "$K"/data/*.tmp
setsid bash "$R" ks -dir "$K" -bin "$LIEREG" -nice 0 -n 24 -shard 12 -valid 12 -test 16 -epochs 20 -curve 12 -timestep_n 12 -stages pretrain \
  -pretrain_opts "-model_width 8 -model_expander 32,32,32 -train_batch 8 -train_warmup 0 -train_ckpt_every 2" > "$K/first.out" 2>&1 &
pid=$!
i=0
while [ ! -f "$K/run/pretrain_s1.h5" ] && [ $i -lt 600 ]; do sleep 0.2; i=$((i + 1)); done
[ -f "$K/run/pretrain_s1.h5" ] || fail "no checkpoint after 120 s"
kill -KILL -"$pid" || fail "cannot kill the process group of the run"
wait "$pid" 2> /dev/null || true
sleep 1
[ ! -f "$K/run/pretrain_s1.h5.done" ] || fail "pretraining finished before the kill: the resume was not exercised"
if [ ! -f "$K/run/pretrain_s1.h5.done" ]; then
  bash "$R" ks -dir "$K" -bin "$LIEREG" -nice 0 -n 24 -shard 12 -valid 12 -test 16 -epochs 20 -curve 12 -timestep_n 12 -stages pretrain \
    -pretrain_opts "-model_width 8 -model_expander 32,32,32 -train_batch 8 -train_warmup 0 -train_ckpt_every 2" > "$K/second.out" 2>&1 ||
    { cat "$K/second.out"; fail "resumed run failed"; }
  grep -q "resuming pretraining from" "$K/second.out" || fail "the rerun did not resume from the checkpoint"
  ran=$(sed -n 's/.*finished at step 60 (\([0-9]*\) steps this run.*/\1/p' "$K/logs/pretrain.log")
  [ -n "$ran" ] || { tail "$K/logs/pretrain.log"; fail "resumed pretraining did not end at step 60"; }
  [ "$ran" -lt 60 ] || fail "the rerun trained all 60 steps again ($ran): not resumed"
fi
[ -f "$K/run/pretrain_s1.h5.done" ] || fail "pretraining not marked done after the rerun"

# 4. the augsearch stage, when this liereg has the command (branch augsearch): the winner's
# options file is written and pretraining reads it after the preset
if "$LIEREG" augsearch -help > /dev/null 2>&1; then
  A=$D/aug
  rm -rf "$A" && mkdir -p "$A/data"
  cp "$D/ks/data/train_shard00.h5" "$D/ks/data/train_shard01.h5" "$D/ks/data/train_24.h5" "$D/ks/data/test.h5" "$A/data/"
  bash "$R" ks -dir "$A" -bin "$LIEREG" -nice 0 -augsearch -n 24 -shard 12 -valid 50 -test 16 -epochs 1 -curve 12 -timestep_n 12 \
    -pretrain_opts "-model_width 4 -model_expander 32,32,32 -train_batch 8 -train_warmup 0" \
    -augsearch_opts "-augsearch_candidates 2 -augsearch_rungs 1 -augsearch_steps 2" -stages generate,augsearch,pretrain > "$A/out" 2>&1 ||
    { tail -20 "$A/out"; fail "augsearch stage failed"; }
  grep -q "^-aug_strengths" "$A/run/augsearch.opts" || fail "augsearch.opts has no -aug_strengths"
  grep -q "options_file $A/run/augsearch.opts" "$A/logs/pretrain.log" || fail "pretraining did not read augsearch.opts"
else
  echo "note: this liereg has no augsearch command; the augsearch stage is not tested" >&2
fi

# 5. usage errors
set +e
bash "$R" heat > /dev/null 2>&1; [ $? -eq 2 ] || fail "unknown PDE should exit 2"
bash "$R" ks -dir "$D/ks" -bin "$LIEREG" -stages pretrain,bogus > /dev/null 2>&1; [ $? -eq 2 ] || fail "unknown stage should exit 2"
bash "$R" ks -dir "$D/ks" -bin "$LIEREG" -n 25 -shard 12 > /dev/null 2>&1; [ $? -eq 2 ] || fail "-n not a multiple of -shard should exit 2"
echo "test_reproduce: ok"
