#!/bin/sh
# Exit status of a run stopped by a signal: 75 (EX_TEMPFAIL, "stopped, resumable") on every rank
# and from mpiexec, 0 when the run finished. Covers SIGTERM, SIGINT and SIGUSR1 (forwarded by
# mpiexec to 2 ranks), and a signal during start-up (before the data is open / the network
# built), which must still end in a resumable checkpoint, not PETSc's abort.
set -u
mkdir -p "$LIE_TESTDIR" && cd "$LIE_TESTDIR" || exit 1
rm -f ./*.h5 ./*.csv ./*.log
fail=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; fail=1; }
TINY="-nn_backend ref -threads 1 -model_width 4 -model_expander 16,16,16 -train_batch 8 -aug_crop_t 8 -aug_crop_x 32 -seed 7"
"$MKDATA" data.h5 48 20 64 3 > /dev/null || { echo "FAIL making data"; exit 1; }
lines() { if [ -f "$1" ]; then wc -l < "$1"; else echo 0; fi; }

# stop SIG LAUNCHER...: start a long run, wait for 3 logged steps, send SIG to the launcher,
# print the exit status
stop_run() {
  sig=$1 out=$2
  shift 2
  rm -f "$out.h5" "$out.csv"
  "$@" pretrain -data data.h5 -o "$out.h5" $TINY -train_epochs 400 -train_log "$out.csv" > "$out.log" 2>&1 &
  pid=$!
  i=0
  while [ "$(lines "$out.csv")" -lt 4 ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
  kill -"$sig" $pid
  wait $pid
  echo $?
}
for sig in TERM INT USR1; do
  rc=$(stop_run $sig s$sig "$LIEREG")
  [ "$rc" -eq 75 ] && grep -q "stop requested (signal)" s$sig.log && [ -f s$sig.h5 ] && ok "SIG$sig on 1 rank: checkpoint, exit 75" || { bad "SIG$sig: exit $rc"; cat s$sig.log; }
done
rc=$(stop_run USR1 mpi "$MPIEXEC" --oversubscribe -n 2 "$LIEREG")
[ "$rc" -eq 75 ] && [ -f mpi.h5 ] && ok "SIGUSR1 to mpiexec -n 2: mpiexec exits 75" || { bad "mpiexec -n 2: exit $rc"; cat mpi.log; }
k=$(tail -1 mpi.csv | cut -d, -f1)
"$MPIEXEC" --oversubscribe -n 2 "$LIEREG" pretrain -data data.h5 -o mpi.h5 $TINY -train_epochs 400 -train_resume mpi.h5 -train_steps $((k + 1)) > resume.log 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q "resumed from mpi.h5 at step $k" resume.log && ok "resumed run that finishes exits 0" || { bad "resume: exit $rc"; cat resume.log; }

# during start-up: the default-sized network (width 64, expander 512) takes a while to build
"$LIEREG" pretrain -data data.h5 -o early.h5 -nn_backend ref -threads 1 -train_batch 8 -aug_crop_t 8 -aug_crop_x 32 -verbose 2 > early.log 2>&1 &
pid=$!
i=0
while ! grep -q "start-up: opening" early.log 2> /dev/null && [ $i -lt 200000 ]; do i=$((i + 1)); done
kill -TERM $pid
wait $pid
rc=$?
grep -q "^pretraining" early.log && started=1 || started=0
[ $rc -eq 75 ] && [ -f early.h5 ] && grep -q "checkpoint of step 0 written" early.log && ok "SIGTERM during start-up: step-0 checkpoint, exit 75" || { bad "signal during start-up: exit $rc"; cat early.log; }
exit $fail
