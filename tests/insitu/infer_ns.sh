#!/bin/sh
# lie_encoder_embed_ns on the trajectories of a tiny NS file (32 x 32, coords mode: the
# X/Lx, Y/Ly, T/T_end channels) gives exactly `liereg embed`'s representations.
set -u
mkdir -p "$LIE_TESTDIR" && cd "$LIE_TESTDIR" || exit 1
rm -f ./*.h5
. "$LIE_SRCDIR/tests/cli/pipeline_lib.sh"
GEN="-ns_nx 32 -ns_ny 32 -ns_steps 12 -ns_skip 4 -ns_pressure_pc fft"
expect 0 '"done":8' "generate 8 NS trajectories (32 x 32)" -- $MPI -n 2 "$LIEREG" generate -pde ns -n 8 -seed 1 -o ns.h5 $GEN
expect 0 "stopped (-train_steps) at step 1" "pretrain 1 step, coords mode" -- $MPI -n 1 "$LIEREG" pretrain -data ns.h5 -o ns_ckpt.h5 -nn_backend ref -threads 1 -model_width 4 -model_expander 16,16,16 -train_batch 8 -aug_crop_t 4 -aug_mode coords -train_steps 1 -seed 7
expect 0 "8 trajectories" "embed (1 thread, batch 1)" -- "$LIEREG" embed -ckpt ns_ckpt.h5 -data ns.h5 -o ns_emb.h5 -threads 1 -embed_batch 1
"$CHECK" ns ns_ckpt.h5 ns.h5 ns_emb.h5 || fail=1
exit $fail
