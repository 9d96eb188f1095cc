#!/bin/sh
# lie_stepper_load/predict on a `liereg timestep -step_ckpt` checkpoint (tiny model, Burgers,
# truth conditioning log nu, batch 4 on 1 rank): rolling out the test file with the API gives
# the rollout NMSE that liereg timestep reported.
set -u
mkdir -p "$LIE_TESTDIR" && cd "$LIE_TESTDIR" || exit 1
rm -f ./*.h5 ./*.json
. "$LIE_SRCDIR/tests/cli/pipeline_lib.sh"
G="-pde burgers -nx 64 -burgers_nu_min 0.02 -burgers_nu_max 0.2 -burgers_T 4 -nt 30 -save_n 24 -accuracy 1e-3"
expect 0 "done=16/16" "generate train" -- "$LIEREG" generate $G -n 16 -o tr.h5
expect 0 "done=8/8" "generate valid" -- "$LIEREG" generate $G -n 8 -mode valid -o va.h5
expect 0 "done=6/6" "generate test" -- "$LIEREG" generate $G -n 6 -mode test -o te.h5
expect 0 "timestep pde" "liereg timestep (tiny, truth, -step_ckpt)" -- "$LIEREG" timestep -data tr.h5 -valid_data va.h5 -test_data te.h5 -step_model tiny -step_width 8 -step_cond truth -step_history 4 -step_future 4 -step_epochs 2 -step_passes 2 -step_batch 4 -threads 1 -seed 3 -step_ckpt s.h5 -o r.json
"$CHECK" stepper s.h5 4 te.h5 r.json || fail=1
exit $fail
