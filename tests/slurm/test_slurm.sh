#!/bin/sh
# jobs/*.sbatch on a real single-node SLURM (tests/slurm/slurm_up.sh: slurm-wlm + munge, no
# systemd, MpiDefault=none), each submitted as its header documents, sized for a 2-core node:
#  1. generate_array.sbatch: 3 train shards + 1 test shard (2 ranks each, PMIx chosen by the
#     script), joined by `liereg merge` in a job chained with --dependency=afterok
#  2. pretrain.sbatch on the merged file, uninterrupted (the reference)
#  3. pretrain.sbatch again, `scancel --signal=USR1 -b` mid-run: liereg checkpoints and exits
#     75, the job requeues itself, resumes and finishes; final checkpoint bit-identical (h5diff)
#     to the reference; the same with `scancel --signal=USR1` (no -b)
#  4. pretrain.sbatch, plain `scancel`: the job ends CANCELLED and is not requeued
#  5. paper_eval.sbatch at tiny sizes (SIZES=8:16 through --export): every result and the report
#  6. timestep.sbatch (tiny preset): none + truth + report; USR1 -b mid-run requeues and resumes
#     to the uninterrupted results; plain scancel cancels
# liereg is found on PATH (the scripts' default). Never skipped: if SLURM cannot come up, FAIL.
. "$LIE_SRCDIR/tests/cli/lib.sh"
T0=$(date +%s)
JOBS="$LIE_SRCDIR/jobs"
elapsed() { echo $(($(date +%s) - T0)); }

if ! "$LIE_SRCDIR/tests/slurm/slurm_up.sh"; then
  echo "FAIL SLURM did not come up (see the error above); this test needs root and Debian's slurm-wlm"
  exit 1
fi
ok "SLURM up after $(elapsed) s: $(sinfo -h -N -o '%N %c CPUs %m MB %T')"
# jobs of this test (same working directory): leftovers of an earlier run, and ours at exit
cancel_ours() { squeue -h -o '%i %Z' | while read -r id dir; do [ "$dir" = "$LIE_TESTDIR" ] && scancel "$id"; done; }
cancel_ours
trap cancel_ours EXIT
rm -rf data runs ./*.out tiny_sup.opts

PATH="$(dirname "$LIEREG"):$PATH"
export PATH
L=$LIEREG
unset LIEREG
[ "$(command -v liereg)" = "$L" ] || fail "liereg is not first on PATH"

field() { scontrol -o show job "$1" 2>/dev/null | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n 1; }
# wait_gone JOBID SECONDS: until the job (all array tasks) has left the queue
wait_gone() {
  i=0
  while [ -n "$(squeue -h -j "$1" 2>/dev/null)" ]; do
    i=$((i + 1))
    [ $i -le $((2 * $2)) ] || { fail "job $1 still queued after $2 s"; scontrol show job "$1"; return 1; }
    sleep 0.5
  done
}
# wait_lines FILE N SECONDS: until FILE has at least N lines
wait_lines() {
  i=0
  until [ -f "$1" ] && [ "$(wc -l < "$1")" -ge "$2" ]; do
    i=$((i + 1))
    [ $i -le $((2 * $3)) ] || { fail "$1 has fewer than $2 lines after $3 s"; return 1; }
    sleep 0.5
  done
}
all_completed() { # every record of the job (array tasks included) COMPLETED with exit 0:0
  s=$(scontrol -o show job "$1" | tr ' ' '\n' | grep -E '^(JobState|ExitCode)=' | sort -u | tr '\n' ' ')
  [ "$s" = "ExitCode=0:0 JobState=COMPLETED " ]
}
show_log() { for f in "$@"; do echo "--- $f"; tail -n 20 "$f"; done; }

# Outside SLURM every script refuses with exit 2.
for s in generate_array pretrain paper_eval timestep; do
  env -u SLURM_JOB_ID bash "$JOBS/$s.sbatch" > outside.txt 2>&1
  rc=$?
  [ $rc -eq 2 ] && grep -q "not inside a SLURM" outside.txt && ok "$s.sbatch refuses outside SLURM" ||
    { fail "$s.sbatch outside SLURM: exit $rc"; cat outside.txt; }
done

# 1. shards (header: sbatch --array=... --ntasks=N --export=ALL,PDE=,N_PER_SHARD=,MODE=,SEED=,OUT=)
gen=$(sbatch --parsable --array=0-2 --ntasks=2 --export=ALL,PDE=ks,N_PER_SHARD=8,MODE=train,SEED=3,OUT=data/ks \
  "$JOBS/generate_array.sbatch")
gent=$(sbatch --parsable --array=0-0 --ntasks=2 --export=ALL,PDE=ks,N_PER_SHARD=8,MODE=test,SEED=3,OUT=data/ks \
  "$JOBS/generate_array.sbatch")
mrg=$(sbatch --parsable --dependency=afterok:$gen --output=merge.out \
  --wrap "liereg merge -o data/ks_train.h5 'data/ks_train_shard*.h5'")
wait_gone "$gen" 300 && wait_gone "$gent" 120 && wait_gone "$mrg" 120
if all_completed "$gen" && all_completed "$gent" && [ "$(grep -l "ranks=2" liereg-generate-*.out | wc -l)" -eq 4 ] &&
  [ "$(grep -l "passes all checks" liereg-generate-*.out | wc -l)" -eq 4 ]; then
  ok "generate_array.sbatch: 3 train + 1 test shards at 2 ranks (srun --mpi=pmix), each valid ($(elapsed) s)"
else
  fail "generate_array.sbatch"; scontrol show job "$gen"; show_log liereg-generate-*.out
fi
if all_completed "$mrg" && "$L" info data/ks_train.h5 > info.txt 2>&1 && grep -q "24 trajectories" info.txt; then
  ok "liereg merge job (afterok): data/ks_train.h5 holds 24 valid trajectories"
else
  fail "merge job"; show_log merge.out info.txt
fi

# 2.-4. pretraining. EXTRA holds commas, which --export cannot carry: it comes from the
# environment through --export=ALL (as jobs/README.md says).
export EXTRA="-nn_backend ref -model_width 4 -model_expander 16,16,16 -train_batch 8 -aug_crop_t 8 -aug_crop_x 32 -seed 7 -train_steps 2000 -train_progress 1"
PRE="--ntasks=2 --cpus-per-task=1"
ref=$(sbatch --parsable $PRE --export=ALL,DATA=data/ks_train.h5,OUT=runs/ref.h5 "$JOBS/pretrain.sbatch")
wait_gone "$ref" 300
if all_completed "$ref" && grep -q " at step 2000" "liereg-pretrain-$ref.out"; then
  ok "pretrain.sbatch: 2000 steps at 2 ranks x 1 CPU, COMPLETED ($(elapsed) s)"
else
  fail "reference pretraining"; show_log "liereg-pretrain-$ref.out"
fi

# requeue_case NAME SCANCEL-OPTIONS...: interrupt a run like the reference one with
# `scancel OPTIONS` mid-run; it must checkpoint (exit 75), requeue, resume and end COMPLETED
# with a checkpoint bit-identical to the reference
requeue_case() {
  name=$1
  shift
  rq=$(sbatch --parsable $PRE --export=ALL,DATA=data/ks_train.h5,OUT=runs/$name.h5 "$JOBS/pretrain.sbatch")
  wait_lines runs/$name.csv 12 120
  scancel "$@" "$rq"
  i=0
  until [ "$(field "$rq" Restarts)" = 1 ] || [ $i -ge 120 ]; do sleep 0.5; i=$((i + 1)); done
  # SLURM holds a requeued job for ~2 min (BeginTime) so that its old steps end first (the new
  # run reuses their step ids): wait for those here, then release the job
  i=0
  while ps -eo args | grep -q "^slurmstepd: \[$rq\." && [ $i -lt 120 ]; do sleep 0.5; i=$((i + 1)); done
  [ "$(field "$rq" JobState)" = PENDING ] && scontrol update JobId="$rq" StartTime=now
  wait_gone "$rq" 300
  log="liereg-pretrain-$rq.out"
  if all_completed "$rq" && [ "$(field "$rq" Restarts)" = 1 ] && grep -q "exit code 75" "$log" &&
    grep -q "requeueing job $rq" "$log" && grep -q "resuming from runs/$name.h5 (restart 1)" "$log" &&
    grep -q " at step 2000" "$log"; then
    ok "scancel $*: liereg exit 75 at step $(sed -n 's/.*checkpoint of step \([0-9]*\).*/\1/p' "$log"), job requeued, resumed, COMPLETED ($(elapsed) s)"
  else
    fail "scancel $*: requeue-resume"; scontrol show job "$rq"; show_log "$log"
  fi
  # every group (weights, optimizer state, training state); the root's created/options differ by design
  same=0
  for g in encoder expander optimizer train; do
    h5diff runs/ref.h5 runs/$name.h5 /$g /$g > diff.txt 2>&1 || break
    same=$((same + 1))
  done
  if [ $same -eq 4 ]; then
    ok "scancel $*: final checkpoint bit-identical to the uninterrupted run (h5diff of all 4 groups)"
  else
    fail "scancel $*: checkpoints differ"; head -n 20 diff.txt
  fi
}
requeue_case rq --signal=USR1 -b
# without -b every step gets USR1 too (srun and the ranks twice): the same outcome
requeue_case rqall --signal=USR1

export EXTRA="$EXTRA -train_steps 100000"
cx=$(sbatch --parsable $PRE --export=ALL,DATA=data/ks_train.h5,OUT=runs/cancel.h5 "$JOBS/pretrain.sbatch")
wait_lines runs/cancel.csv 4 120
scancel "$cx"
wait_gone "$cx" 120
sleep 3
if [ "$(field "$cx" JobState)" = CANCELLED ] && [ "$(field "$cx" Restarts)" = 0 ] && [ -z "$(squeue -h -j "$cx")" ] &&
  ! grep -q requeueing "liereg-pretrain-$cx.out"; then
  ok "plain scancel: job CANCELLED, not requeued"
else
  fail "plain scancel: state $(field "$cx" JobState), restarts $(field "$cx" Restarts)"; show_log "liereg-pretrain-$cx.out"
fi
unset EXTRA

# 5. paper_eval.sbatch, tiny supervised preset and label sweep (SIZES colon-separated in --export)
cat > tiny_sup.opts << 'OPTS'
-target ic_mode
-sup_aug crop
-sup_lr 1e-3
-sup_epochs 2
-sup_patience 2
-sup_batch 4
-sup_valid_frac 0.25
OPTS
ev=$(sbatch --parsable $PRE --export=ALL,PDE=ks,TRAIN=data/ks_train.h5,TEST=data/ks_test_shard0000.h5,CKPT=runs/ref.h5,OUT=runs/eval,SIZES=12:24,SEEDS=2,PRESET=tiny_sup.opts \
  "$JOBS/paper_eval.sbatch")
wait_gone "$ev" 400
missing=
for f in ks_train_emb.h5 ks_test_emb.h5 ks_probe.json ks_probe_sweep.json ks_supervised.json ks_supervised_sweep.json report/report.md; do
  [ -s "runs/eval/$f" ] || missing="$missing $f"
done
if all_completed "$ev" && [ -z "$missing" ] && grep -q '24' runs/eval/ks_probe_sweep.json &&
  grep -q '24' runs/eval/ks_supervised_sweep.json; then
  ok "paper_eval.sbatch: embeddings, probe, supervised (+ sweeps over 12:24) and report ($(elapsed) s)"
else
  fail "paper_eval.sbatch: missing:${missing:- none}"; scontrol show job "$ev"; show_log "liereg-eval-$ev.out"
fi
# 6. timestep.sbatch as its header shows (PDE, TRAIN, VALID, TEST, OUT; tiny PRESET): variants
# none and truth, then the report; USR1 -b mid-run: exit 75, requeue, resume, the same results as
# the uninterrupted run; plain scancel: CANCELLED, not requeued
cat > tiny_ts.opts << 'OPTS'
-step_model cnn
-step_history 4
-step_future 4
-step_batch 8
-step_width 8
-step_lr 1e-3
-step_epochs 12
-step_start_stride 16
-step_progress 1
OPTS
TS="--ntasks=2 --cpus-per-task=1"
ts_submit() { # ts_submit OUTDIR: the job id
  sbatch --parsable $TS --export=ALL,PDE=ks,TRAIN=data/ks_train.h5,VALID=data/ks_test_shard0000.h5,TEST=data/ks_test_shard0000.h5,OUT=$1,PRESET=tiny_ts.opts \
    "$JOBS/timestep.sbatch"
}
nmses() { for c in none truth; do sed -n 's/.*"rollout_nmse": \([^,]*\),.*/\1/p' "$1/timestep_ks_$c.json"; done | tr '\n' ' '; }
tref=$(ts_submit runs/ts_ref)
wait_gone "$tref" 400
if all_completed "$tref" && [ -s runs/ts_ref/timestep_ks_none.json ] && [ -s runs/ts_ref/timestep_ks_truth.json ] &&
  [ -s runs/ts_ref/report/report.md ]; then
  ok "timestep.sbatch: none + truth at 2 ranks, report; COMPLETED (NMSE $(nmses runs/ts_ref); $(elapsed) s)"
else
  fail "timestep.sbatch reference run"; scontrol show job "$tref"; show_log "liereg-timestep-$tref.out"
fi
trq=$(ts_submit runs/ts_rq)
wait_lines runs/ts_rq/timestep_ks_none.csv 20 200
scancel --signal=USR1 -b "$trq"
i=0
until [ "$(field "$trq" Restarts)" = 1 ] || [ $i -ge 120 ]; do sleep 0.5; i=$((i + 1)); done
i=0
while ps -eo args | grep -q "^slurmstepd: \[$trq\." && [ $i -lt 120 ]; do sleep 0.5; i=$((i + 1)); done
[ "$(field "$trq" JobState)" = PENDING ] && scontrol update JobId="$trq" StartTime=now
wait_gone "$trq" 400
log="liereg-timestep-$trq.out"
if all_completed "$trq" && [ "$(field "$trq" Restarts)" = 1 ] && grep -q "requeueing job $trq" "$log" &&
  grep -q "none: resuming from runs/ts_rq/timestep_ks_none.ckpt.h5 (restart 1)" "$log" &&
  [ -s runs/ts_rq/report/report.md ]; then
  ok "timestep.sbatch, scancel --signal=USR1 -b: exit 75, requeued, resumed, COMPLETED ($(elapsed) s)"
else
  fail "timestep.sbatch requeue-resume"; scontrol show job "$trq"; show_log "$log"
fi
a=$(nmses runs/ts_ref) b=$(nmses runs/ts_rq)
[ -n "$a" ] && [ "$a" = "$b" ] && ok "timestep.sbatch: resumed results = uninterrupted ($b)" ||
  fail "timestep.sbatch: resumed NMSE $b vs uninterrupted $a"
tcx=$(ts_submit runs/ts_cancel)
wait_lines runs/ts_cancel/timestep_ks_none.csv 4 200
scancel "$tcx"
wait_gone "$tcx" 120
sleep 3
if [ "$(field "$tcx" JobState)" = CANCELLED ] && [ "$(field "$tcx" Restarts)" = 0 ] && [ -z "$(squeue -h -j "$tcx")" ] &&
  ! grep -q requeueing "liereg-timestep-$tcx.out"; then
  ok "timestep.sbatch, plain scancel: job CANCELLED, not requeued"
else
  fail "timestep.sbatch plain scancel: state $(field "$tcx" JobState), restarts $(field "$tcx" Restarts)"
  show_log "liereg-timestep-$tcx.out"
fi
echo "test_slurm: $(elapsed) s"
finish
