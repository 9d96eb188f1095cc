#!/bin/sh
# The paper-scale presets examples/paper_timestep_{ks,kdv,burgers,ns}.opts parse (no unknown
# or bad option) and run one training step + the rollout on small files (KS 60 frames x 64
# points for the 1D presets, NS 32 x 32 for the unet preset).
. "$LIE_SRCDIR/tests/cli/lib.sh"
K="-pde ks -nx 64 -nt 80 -save_n 60 -accuracy 1e-3"
"$LIEREG" generate $K -n 4 -o ks.h5 -force > /dev/null 2>&1 || fail "generate ks.h5"
"$LIEREG" generate $K -n 2 -mode test -o kst.h5 -force > /dev/null 2>&1 || fail "generate kst.h5"
GN="-ns_nx 32 -ns_ny 32 -ns_steps 20 -ns_skip 4 -ns_pressure_pc fft"
"$LIEREG" generate -pde ns -n 4 -seed 1 -o ns.h5 $GN -force > /dev/null 2>&1 || fail "generate ns.h5"
"$LIEREG" generate -pde ns -n 2 -seed 1 -mode test -o nst.h5 $GN -force > /dev/null 2>&1 || fail "generate nst.h5"
for p in ks kdv burgers ns; do
  tr=ks.h5 te=kst.h5
  [ $p = ns ] && tr=ns.h5 te=nst.h5
  rm -f p_$p.json
  "$LIEREG" timestep -options_file "$LIE_SRCDIR/examples/paper_timestep_$p.opts" -data $tr -test_data $te \
    -step_max_steps 1 -step_batch 4 -threads 1 -o p_$p.json > p_$p.txt 2>&1
  rc=$?
  [ $rc -eq 0 ] && grep -q '"rollout_nmse": [0-9]' p_$p.json && ok "paper_timestep_$p.opts: one step and the rollout" \
    || { fail "paper_timestep_$p.opts (exit $rc)"; tail -3 p_$p.txt; }
done
finish
