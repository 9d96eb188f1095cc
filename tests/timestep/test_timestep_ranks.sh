#!/bin/sh
# Data parallel time-stepping: 1, 2 and 4 ranks give the same training loss for 3 steps
# (global batch 8 split over the ranks, one gradient allreduce per net) to <= 1e-4 relative,
# and the same rollout NMSE on the test split (trajectories split over the ranks), for each
# stepper (cnn; fno: FFTW spectral layers; resnet: batch norm synchronised over the ranks).
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

for m in cnn fno resnet; do
  for np in 1 2 4; do
    "$MPIEXEC" --oversubscribe -n $np "$LIEREG" $T -step_model $m -step_max_steps 3 -step_log l_${m}_$np.csv \
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
finish
