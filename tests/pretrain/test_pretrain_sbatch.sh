#!/bin/sh
# jobs/pretrain.sbatch under a fake SLURM (srun -> mpiexec, scontrol records its arguments):
# refuses to run outside SLURM; USR1 to the batch shell (what --signal=B:USR1@120 sends) is
# forwarded to the ranks, which checkpoint and exit 75, and the script requeues the job; the
# requeued script resumes from the checkpoint.
set -u
mkdir -p "$LIE_TESTDIR/bin" && cd "$LIE_TESTDIR" || exit 1
rm -f ./*.h5 ./*.csv ./*.log requeued
fail=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; fail=1; }
SB="$LIE_SRCDIR/jobs/pretrain.sbatch"
cat > bin/srun <<EOS
#!/bin/sh
while [ \$# -gt 0 ] && [ "\${1#-}" != "\$1" ]; do [ "\$1" = -c ] && shift; shift; done
exec $MPIEXEC --oversubscribe -n \$SLURM_NTASKS "\$@"
EOS
cat > bin/scontrol <<EOS
#!/bin/sh
echo "\$@" > $LIE_TESTDIR/requeued
EOS
chmod +x bin/srun bin/scontrol
"$MKDATA" data.h5 48 20 64 3 > /dev/null || { echo "FAIL making data"; exit 1; }
TINY="-nn_backend ref -model_width 4 -model_expander 16,16,16 -train_batch 8 -aug_crop_t 8 -aug_crop_x 32 -seed 7 -train_epochs 400"

env -u SLURM_JOB_ID DATA=data.h5 OUT=run.h5 bash "$SB" > out.log 2>&1
rc=$?
[ $rc -eq 2 ] && grep -q "not inside a SLURM job" out.log && ok "refuses to run outside SLURM" || bad "outside SLURM (exit $rc)"

export PATH="$LIE_TESTDIR/bin:$PATH" SLURM_JOB_ID=4242 SLURM_NTASKS=2 SLURM_CPUS_PER_TASK=1 DATA=data.h5 OUT=run.h5 LIEREG
EXTRA="$TINY" bash "$SB" > job1.log 2>&1 &
pid=$!
lines() { if [ -f "$1" ]; then wc -l < "$1"; else echo 0; fi; }
i=0
while [ "$(lines run.csv)" -lt 4 ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
kill -USR1 $pid
wait $pid
rc=$?
grep -q "stop requested (signal)" job1.log && [ $rc -eq 0 ] && [ -f run.h5 ] && ok "USR1: ranks checkpoint, script requeues and exits 0" || { bad "USR1 (exit $rc)"; cat job1.log; }
[ "$(cat requeued 2>/dev/null)" = "requeue 4242" ] && ok "job requeued (scontrol requeue 4242)" || bad "no requeue"
k=$(tail -1 run.csv | cut -d, -f1)
EXTRA="$TINY -train_steps $((k + 2))" bash "$SB" > job2.log 2>&1
rc=$?
grep -q "resuming from run.h5" job2.log && grep -q "resumed from run.h5 at step $k" job2.log && [ $rc -eq 0 ] && ok "requeued job resumes at step $k" || { bad "resume (exit $rc)"; cat job2.log; }
[ "$(tail -1 run.csv | cut -d, -f1)" = "$((k + 2))" ] && ok "and continues the log to step $((k + 2))" || bad "log after resume"
exit $fail
