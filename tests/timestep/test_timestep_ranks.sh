#!/bin/sh
# Data parallel time-stepping: 1, 2 and 4 ranks give the same training loss for 3 steps
# (global batch 8 split over the ranks, one gradient allreduce per net) to <= 1e-4 relative,
# and the same rollout NMSE on the test split (trajectories split over the ranks), for each
# stepper (cnn; fno: FFTW spectral layers; resnet: batch norm synchronised over the ranks; unet on
# 2D Navier-Stokes data, buoyancy as the truth vector).
# Then a run stopped after 5 steps and resumed from -step_ckpt ends at the same result as an
# uninterrupted one.
. "$LIE_SRCDIR/tests/cli/lib.sh"
G="-pde burgers -nx 64 -burgers_T 6 -nt 60 -save_n 24 -accuracy 1e-3"
"$LIEREG" generate $G -n 16 -o tr.h5 -force > /dev/null 2>&1 || fail "generate tr.h5"
"$LIEREG" generate $G -n 6 -o te.h5 -mode test -force > /dev/null 2>&1 || fail "generate te.h5"
T="timestep -data tr.h5 -test_data te.h5 -step_history 4 -step_future 4 -step_batch 8 -step_width 16 -step_cond truth
   -step_lr 1e-3 -threads 1 -step_progress 0 -force"

# rel A B: |A - B| / |B|
rel() { awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; if (b < 0) b = -b; printf "%.3g", d / b }'; }
# within X TOL: X <= TOL (NaN or empty fails)
within() { awk -v x="$1" -v t="$2" 'BEGIN { exit !(x != "" && x + 0 == x && x <= t) }'; }
nmse() { sed 's/.*"rollout_nmse": \([^,]*\),.*/\1/' "$1"; }

rm -f r_*.json l_*.csv straight.json resumed.json part.json ck.h5
# 2D Navier-Stokes (smoke, vx, vy on 32 x 32) for the unet
GN="-ns_nx 32 -ns_ny 32 -ns_steps 20 -ns_skip 4 -ns_pressure_pc fft"
"$LIEREG" generate -pde ns -n 8 -seed 1 -o ns_tr.h5 $GN -force > /dev/null 2>&1 || fail "generate ns_tr.h5"
"$LIEREG" generate -pde ns -n 4 -seed 1 -mode test -o ns_te.h5 $GN -force > /dev/null 2>&1 || fail "generate ns_te.h5"
TN="timestep -data ns_tr.h5 -test_data ns_te.h5 -step_history 4 -step_future 1 -step_batch 4 -step_width 8
    -step_cond truth -step_lr 1e-3 -threads 1 -step_progress 0 -force"
for m in cnn fno resnet unet; do
  for np in 1 2 4; do
    args="$T"; [ $m = unet ] && args="$TN"
    "$MPIEXEC" --oversubscribe -n $np "$LIEREG" $args -step_model $m -step_max_steps 3 -step_log l_${m}_$np.csv \
      -o r_${m}_$np.json > run_${m}_$np.txt 2>&1 || { fail "$m on $np ranks"; cat run_${m}_$np.txt; }
  done
  for np in 2 4; do
    worst=0
    for s in 1 2 3; do
      a=$(awk -F, -v s=$s '$1 == s && $3 != "" { print $3 }' l_${m}_1.csv)
      b=$(awk -F, -v s=$s '$1 == s && $3 != "" { print $3 }' l_${m}_$np.csv)
      r=$(rel "$b" "$a")
      echo "     $m step $s loss: 1 rank $a, $np ranks $b (rel $r)"
      within "$r" 1e-4 || worst=1
    done
    [ $worst -eq 0 ] && ok "$m: loss of steps 1-3 on $np ranks = 1 rank (<= 1e-4 relative)" \
      || fail "$m: loss curve on $np ranks differs from 1 rank"
    r=$(rel "$(nmse r_${m}_$np.json)" "$(nmse r_${m}_1.json)")
    within "$r" 1e-4 && ok "$m: rollout NMSE on $np ranks = 1 rank (rel $r)" \
      || fail "$m: rollout NMSE on $np ranks $(nmse r_${m}_$np.json) vs $(nmse r_${m}_1.json)"
  done
done

# resume: 2 epochs of 2 passes straight, vs stopped at step 5 (mid-epoch 2) and resumed
R="$T -step_model cnn -step_epochs 2 -step_passes 2"
rm -f ck.h5
"$LIEREG" $R -o straight.json > straight.txt 2>&1 || fail "straight run"
"$LIEREG" $R -step_ckpt ck.h5 -step_max_steps 5 -o part.json > part.txt 2>&1 || fail "run to step 5"
"$LIEREG" $R -step_ckpt ck.h5 -o resumed.json > resumed.txt 2>&1 || fail "resumed run"
grep -q "resumed from -step_ckpt" resumed.txt && ok "second run resumed from the checkpoint" || fail "no resume"
a=$(nmse straight.json); b=$(nmse resumed.json)
[ -n "$a" ] && [ "$a" = "$b" ] && ok "resumed run ends at the same rollout NMSE ($a)" \
  || fail "resumed NMSE $b vs straight $a"
"$LIEREG" $R -step_ckpt ck.h5 -step_history 3 -o x.json > x.txt 2>&1
grep -q "belongs to a run with history 4; this run has 3" x.txt && ok "a checkpoint of another configuration is refused" \
  || { fail "mismatched checkpoint accepted"; cat x.txt; }

# SIGUSR1 (SLURM pre-emption): checkpoint at the next step, exit 75 (resumable), no RESULT.json; the same
# command then resumes from that step
rm -f sig.json sig_ck.h5
S="$T -step_model cnn -step_epochs 50 -step_passes 4 -step_ckpt sig_ck.h5 -o sig.json"
"$LIEREG" $S -step_progress 1 > sig.txt 2>&1 &
pid=$!
for i in $(seq 1 300); do grep -q "^step 2/" sig.txt && break; sleep 0.2; done
kill -USR1 $pid
wait $pid
rc=$?
k=$(sed -n 's/.*stop requested (signal) at step \([0-9]*\).*/\1/p' sig.txt)
[ $rc -eq 75 ] && [ -n "$k" ] && [ -s sig_ck.h5 ] && [ ! -e sig.json ] \
  && ok "SIGUSR1: checkpoint at step $k, exit 75, no result file" || { fail "SIGUSR1 (exit $rc)"; tail -3 sig.txt; }
"$LIEREG" $S -step_max_steps $((k + 1)) > sig2.txt 2>&1
grep -q "steps $k -> $((k + 1)) of .* (resumed from -step_ckpt)" sig2.txt && ok "the same command resumed at step $k" \
  || { fail "resume after the signal"; grep timestep sig2.txt; }
finish
