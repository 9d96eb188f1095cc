#!/bin/sh
# Fixture of the insitu tests: tiny Burgers data (nx 64, dt 6/39, nu in [0.03, 0.3]), a
# 6-step 1D width-4 checkpoint (crop 8 frames), its embeddings (1 thread, batch 1: the
# in-situ settings) and the ridge and trained-head probes of nu saved with -probe_save.
set -u
mkdir -p "$FIXTURE" && cd "$FIXTURE" || exit 1
rm -f ./*.h5 ./*.csv ./*.tmp
. "$LIE_SRCDIR/tests/cli/pipeline_lib.sh"
GEN="-nx 64 -burgers_nu_min 0.03 -burgers_nu_max 0.3 -burgers_T 6 -nt 40 -save_n 24 -accuracy 1e-3"
expect 0 "done=32/32" "generate train" -- $MPI -n 2 "$LIEREG" generate -pde burgers -n 32 -seed 1 -o tr.h5 $GEN
expect 0 "stopped (-train_steps) at step 6" "pretrain 6 steps" -- $MPI -n 2 "$LIEREG" pretrain -data tr.h5 -o ckpt.h5 -nn_backend ref -threads 1 -model_dims 1 -model_width 4 -aug_crop_t 8 -seed 3 -model_expander 16,16,16 -train_batch 8 -train_epochs 3 -train_steps 6 -train_min_rankme 1.0
expect 0 "32 trajectories" "embed train (1 thread, batch 1)" -- $MPI -n 2 "$LIEREG" embed -ckpt ckpt.h5 -data tr.h5 -o tr_emb.h5 -threads 1 -embed_batch 1
expect 0 "probe target=nu" "ridge probe saved" -- "$LIEREG" probe -emb tr_emb.h5 -probe_test_mode train -target nu -probe_log -probe_save nu_ridge.h5 -probe_predictions ridge.csv
expect 0 "probe mode=trained target=nu" "trained head saved" -- "$LIEREG" probe -probe_mode trained -ckpt ckpt.h5 -data tr.h5 -probe_test_mode train -target nu -probe_log -threads 1 -probe_epochs 20 -probe_save nu_trained.h5 -probe_predictions trained.csv
# the saved probes predict what liereg probe predicted (test split = the 32 training rows)
"$CHECK" probe tr_emb.h5 train nu_ridge.h5 ridge.csv || fail=1
"$CHECK" probe tr_emb.h5 train nu_trained.h5 trained.csv || fail=1
expect 2 "not with -probe_sweep" "-probe_save with a sweep is refused" -- "$LIEREG" probe -emb tr_emb.h5 -probe_test_mode train -target nu -probe_sweep 8,16 -probe_save x.h5
# liereg embed refuses data on another grid than the checkpoint's (recorded in /train/grid)
"$LIEREG" generate -pde burgers -n 2 -o nx128.h5 -nx 128 -burgers_T 6 -nt 40 -save_n 24 -accuracy 1e-3 > /dev/null 2>&1
"$LIEREG" generate -pde burgers -n 2 -o L3.h5 -burgers_L 3 $GEN > /dev/null 2>&1
expect 2 "nx128.h5:/train has 128 points per frame but ckpt.h5 was trained on 64" "embed: another nx is refused" -- "$LIEREG" embed -ckpt ckpt.h5 -data nx128.h5 -o bad.h5
expect 2 "L3.h5:/train has domain length L in \[3, 3\] but ckpt.h5 was trained on L in \[6.28" "embed: another L (dx) is refused" -- "$LIEREG" embed -ckpt ckpt.h5 -data L3.h5 -o bad.h5
[ ! -e bad.h5 ] && ok "  ... and nothing written" || bad "embed wrote bad.h5"
for f in ckpt.h5 tr_emb.h5 nu_ridge.h5 nu_trained.h5; do [ -s $f ] && ok "fixture $f" || bad "fixture $f missing"; done
exit $fail
