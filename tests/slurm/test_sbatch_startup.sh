#!/bin/sh
# jobs/pretrain.sbatch under a fake SLURM, the signal cases a real SLURM cannot time:
#  - USR1 while the script is still starting (here: inside `scontrol show config`) is not lost
#    and does not kill the job: the script requeues at once, without starting liereg;
#  - TERM while starting (scancel): the script exits without requeueing;
#  - liereg exiting 75 (stopped, resumable) makes the script requeue; exit 0 does not;
#    any other status is passed on.
. "$LIE_SRCDIR/tests/cli/lib.sh"
rm -rf bin ./*.log requeued started
mkdir -p bin
SB="$LIE_SRCDIR/jobs/pretrain.sbatch"
# scontrol: `show config` is slow (the window for the start-up signal); requeue is recorded
cat > bin/scontrol << EOS
#!/bin/sh
if [ "\$1" = show ]; then sleep \${SLOW_CONFIG:-0}; echo "MpiDefault              = none"; exit 0; fi
echo "\$@" > "$LIE_TESTDIR/requeued"
EOS
# srun: --mpi=list offers pmix; otherwise a fake liereg that exits with \$FAKE_RC
cat > bin/srun << EOS
#!/bin/sh
case "\$*" in *--mpi=list*) echo "srun: MPI types are..."; echo "	pmix"; exit 0 ;; esac
echo "\$*" > "$LIE_TESTDIR/started"
exit \${FAKE_RC:-0}
EOS
cat > bin/liereg << 'EOS'
#!/bin/sh
exit 0
EOS
chmod +x bin/*
export PATH="$LIE_TESTDIR/bin:$PATH" SLURM_JOB_ID=77 SLURM_NTASKS=2 SLURM_CPUS_PER_TASK=3 DATA=d.h5 OUT=run/c.h5
unset LIEREG

SLOW_CONFIG=2 bash "$SB" > usr1.log 2>&1 &
pid=$!
sleep 0.7
kill -USR1 $pid
wait $pid
rc=$?
if [ $rc -eq 0 ] && [ "$(cat requeued 2>/dev/null)" = "requeue 77" ] && [ ! -e started ] &&
  grep -q "stop requested before training started; requeueing job 77" usr1.log; then
  ok "USR1 during start-up: requeued at once, liereg not started"
else
  fail "USR1 during start-up (exit $rc)"; cat usr1.log
fi

rm -f requeued started
SLOW_CONFIG=2 bash "$SB" > term.log 2>&1 &
pid=$!
sleep 0.7
kill -TERM $pid
wait $pid
rc=$?
[ $rc -ne 0 ] && [ ! -e requeued ] && [ ! -e started ] && ok "TERM during start-up: exit $rc, no requeue, no run" ||
  { fail "TERM during start-up (exit $rc)"; cat term.log; }

for case in "75 requeue" "0 done" "1 fail"; do
  set -- $case
  rm -f requeued started
  FAKE_RC=$1 bash "$SB" > rc$1.log 2>&1
  rc=$?
  args=$(cat started 2>/dev/null)
  case $2 in
    requeue) [ $rc -eq 0 ] && [ "$(cat requeued 2>/dev/null)" = "requeue 77" ] ;;
    done) [ $rc -eq 0 ] && [ ! -e requeued ] ;;
    fail) [ $rc -eq 1 ] && [ ! -e requeued ] ;;
  esac && ok "liereg exit $1: script exit $rc, $2" || { fail "liereg exit $1: script exit $rc"; cat rc$1.log; }
done
# the srun line: -c from --cpus-per-task, --mpi=pmix (MpiDefault none), liereg from PATH, -threads
case "$args" in
  "--mpi=pmix -c 3 --kill-on-bad-exit=1 $LIE_TESTDIR/bin/liereg pretrain -data d.h5 -o run/c.h5 "*"-threads 3 -expect_ranks 2"*)
    ok "srun --mpi=pmix -c 3 ... liereg (from PATH) ... -threads 3 -expect_ranks 2" ;;
  *) fail "srun arguments: $args" ;;
esac
finish
