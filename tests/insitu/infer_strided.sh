#!/bin/sh
# A checkpoint pretrained with a strided crop (-aug_crop_dt): the inference API reads its stride
# (lie_encoder_info.crop_dt), takes frames 0, crop_dt, ... of a window and gives exactly
# `liereg embed`'s representations (coords mode: the t/t_end channel of those frames); a window
# shorter than the crop's span is refused.
set -u
mkdir -p "$LIE_TESTDIR" && cd "$LIE_TESTDIR" || exit 1
rm -f ./*.h5
. "$LIE_SRCDIR/tests/cli/pipeline_lib.sh"
GEN="-nx 64 -burgers_nu_min 0.03 -burgers_nu_max 0.3 -burgers_T 6 -nt 40 -save_n 24 -accuracy 1e-3"
expect 0 "done=12/12" "generate 12 Burgers trajectories (24 frames)" -- $MPI -n 1 "$LIEREG" generate -pde burgers -n 12 -seed 1 -o b.h5 $GEN
expect 0 "stopped (-train_steps) at step 2" "pretrain 2 steps, 5 frames 4 apart, coords mode" -- $MPI -n 1 "$LIEREG" pretrain -data b.h5 -o s_ckpt.h5 -nn_backend ref -threads 1 -model_dims 1 -model_width 4 -model_expander 16,16,16 -train_batch 4 -aug_crop_t 5 -aug_crop_dt 4 -aug_mode coords -aug_strengths 0.4,3.14,0.2,0.1,0.01 -train_steps 2 -seed 7
expect 0 "12 trajectories" "embed (1 thread, batch 1)" -- "$LIEREG" embed -ckpt s_ckpt.h5 -data b.h5 -o s_emb.h5 -threads 1 -embed_batch 1
"$CHECK" 1d s_ckpt.h5 b.h5 train s_emb.h5 | tee check.log || fail=1
grep -q "crop_t 5, crop_dt 4, 24 frames" check.log && ok "info: crop_dt 4" || bad "info crop_dt"
exit $fail
