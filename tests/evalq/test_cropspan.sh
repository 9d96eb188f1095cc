#!/bin/sh
# Strided crops (-aug_crop_dt) and the plain training crop of the trained head / supervised
# baseline (-probe_train_crop, -sup_train_crop) from the command line at tiny sizes: the stride
# is stored in the checkpoint and used by embed, the trained head and `supervised
# -sup_model_from`; a stride-1 checkpoint keeps the old layout (no attribute); spans longer than
# the data and bad values are usage errors naming the option (exit 2).
set -u
mkdir -p "$LIE_TESTDIR" && cd "$LIE_TESTDIR" || exit 1
rm -rf ./*.h5 ./*.json ./*.csv ./*.log
. "$LIE_SRCDIR/tests/cli/pipeline_lib.sh"
GEN="-nx 64 -burgers_nu_min 0.03 -burgers_nu_max 0.3 -burgers_T 6 -nt 40 -save_n 24 -accuracy 1e-3"
NN="-nn_backend ref -threads 1 -model_dims 1 -model_width 4 -model_expander 16,16,16 -train_batch 8 -train_epochs 2 -train_steps 4 -train_min_rankme 1.0 -seed 3"
attr() { h5dump -a "$2" "$1" 2> /dev/null | sed -n 's/^ *(0): *//p' | head -1; }

expect 0 "done=32/32" "generate train" -- $MPI -n 2 "$LIEREG" generate -pde burgers -n 32 -seed 1 -o tr.h5 $GEN
expect 0 "done=16/16" "generate test" -- $MPI -n 1 "$LIEREG" generate -pde burgers -n 16 -seed 1 -mode test -o te.h5 $GEN

# 24 stored frames: 5 frames 4 apart span 17 (the default Burgers time shift takes <= 7 frames)
expect 0 "stopped (-train_steps) at step 4" "pretrain, 5 frames 4 apart, 2 ranks" -- $MPI -n 2 "$LIEREG" pretrain -data tr.h5 -o dt4.h5 $NN -aug_crop_t 5 -aug_crop_dt 4
[ "$(attr dt4.h5 /train/crop_dt)" = 4 ] && ok "checkpoint attribute train/crop_dt = 4" || bad "train/crop_dt of dt4.h5: '$(attr dt4.h5 /train/crop_dt)'"
expect 0 "stopped (-train_steps) at step 4" "pretrain, consecutive frames" -- $MPI -n 1 "$LIEREG" pretrain -data tr.h5 -o dt1.h5 $NN -aug_crop_t 5
h5dump -A dt1.h5 | grep -q crop_dt && bad "stride-1 checkpoint has a crop_dt attribute" || ok "stride-1 checkpoint: no crop_dt attribute (the old layout; absent reads as 1)"
expect 2 "-aug_crop_dt 4: 8 frames 4 apart" "span 29 of 24 frames: usage error" -- $MPI -n 1 "$LIEREG" pretrain -data tr.h5 -o bad.h5 $NN -aug_crop_t 8 -aug_crop_dt 4
[ ! -e bad.h5 ] && ok "  ... no checkpoint written" || bad "  ... bad.h5 exists"
# span 21 fits the 24 frames, but not after the default Burgers time shift (up to 1.0 = 7 frames
# of dt 0.154): refused before training, not at the first view that draws a long shift
expect 2 "the time crop spans 21 frames (-aug_crop_t 5, -aug_crop_dt 5), but a time shift of up to 1" "span + largest time shift > frames: usage error" -- $MPI -n 1 "$LIEREG" pretrain -data tr.h5 -o bad.h5 $NN -aug_crop_t 5 -aug_crop_dt 5
expect 0 "stopped (-train_steps) at step 4" "  ... the same crop with shifts of up to 0.4 (3 frames) trains" -- $MPI -n 1 "$LIEREG" pretrain -data tr.h5 -o dt5.h5 $NN -aug_crop_t 5 -aug_crop_dt 5 -aug_strengths 0.4,3.14,0.2,0.1,0.01
expect 2 "different model" "resume with another stride: refused" -- $MPI -n 1 "$LIEREG" pretrain -data tr.h5 -o dt4.h5 $NN -aug_crop_t 5 -aug_crop_dt 2 -train_resume dt4.h5 -train_steps 6

# embed takes the checkpoint's frames 0, 4, ..., 16
expect 0 "16 trajectories" "embed the strided encoder" -- $MPI -n 2 "$LIEREG" embed -ckpt dt4.h5 -data te.h5 -o emb4.h5 -nn_backend ref
[ "$(attr emb4.h5 /test/emb/crop_dt)" = 4 ] && ok "embedding attribute crop_dt = 4" || bad "emb crop_dt '$(attr emb4.h5 /test/emb/crop_dt)'"
h5dump -a /test/emb/crop_policy emb4.h5 | grep -q "frames 0,crop_dt,...,(crop_t-1)\*crop_dt" && ok "crop_policy names the stride" || bad "crop_policy"
expect 0 "16 trajectories" "embed the stride-1 encoder" -- $MPI -n 1 "$LIEREG" embed -ckpt dt1.h5 -data te.h5 -o emb1.h5 -nn_backend ref
h5dump -a /test/emb/crop_policy emb1.h5 | grep -q "frames \[0,crop_t)" && ok "stride 1: the old crop_policy" || bad "stride-1 crop_policy"

# the trained head: the checkpoint's stride; random (default) or first training crops
PT="-probe_mode trained -ckpt dt4.h5 -data tr.h5 -probe_test_data te.h5 -target nu -probe_log -nn_backend ref -threads 1 -probe_epochs 3"
expect 0 "input 1x5x64, frames 4 apart), random crops" "trained head on the strided encoder (random crops)" -- $MPI -n 2 "$LIEREG" probe $PT -o pt_random.json
grep -q '"train_crop": "random"' pt_random.json && ok "  ... JSON train_crop random" || bad "  ... JSON train_crop"
expect 0 "frames 4 apart), first crop" "trained head, -probe_train_crop first" -- $MPI -n 2 "$LIEREG" probe $PT -probe_train_crop first -o pt_first.json
grep -q '"train_crop": "first"' pt_first.json && ok "  ... JSON train_crop first" || bad "  ... JSON train_crop"
expect 2 "-probe_train_crop must be first or random (got middle)" "bad -probe_train_crop" -- $MPI -n 1 "$LIEREG" probe $PT -probe_train_crop middle -o x.json

# supervised: the stride from -sup_model_from or from its own -aug_crop_dt (default 1)
SUP="-data tr.h5 -test_data te.h5 -target nu -sup_log -nn_backend ref -threads 1 -sup_lr 1e-3 -sup_epochs 2 -sup_batch 8"
expect 0 "input 1x5x64 (frames 4 apart), random crops" "supervised -sup_model_from the strided checkpoint" -- $MPI -n 2 "$LIEREG" supervised $SUP -sup_model_from dt4.h5 -o sup4.json
expect 0 "input 1x5x64 (frames 3 apart), first crop" "supervised -aug_crop_dt 3 -sup_train_crop first" -- $MPI -n 1 "$LIEREG" supervised $SUP -model_dims 1 -model_width 4 -aug_crop_t 5 -aug_crop_dt 3 -sup_train_crop first -o sup3.json
grep -q '"train_crop": "first"' sup3.json && ok "  ... JSON train_crop first" || bad "  ... JSON train_crop"
expect 0 "input 1x5x64, random crops" "supervised default: consecutive frames" -- $MPI -n 1 "$LIEREG" supervised $SUP -model_dims 1 -model_width 4 -aug_crop_t 5 -o sup1.json
expect 2 "-sup_train_crop must be first or random (got middle)" "bad -sup_train_crop" -- $MPI -n 1 "$LIEREG" supervised $SUP -sup_model_from dt4.h5 -sup_train_crop middle -o x.json
expect 2 "-aug_crop_dt 9: 5 frames 9 apart" "supervised span 37 of 24 frames: usage error" -- $MPI -n 1 "$LIEREG" supervised $SUP -model_dims 1 -model_width 4 -aug_crop_t 5 -aug_crop_dt 9 -o x.json
for f in pt_random.json pt_first.json sup4.json sup3.json; do
  python3 -m json.tool "$f" > /dev/null && ok "$f is valid JSON" || bad "$f is not valid JSON"
done
exit $fail
