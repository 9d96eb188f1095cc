#!/bin/sh
# Navier-Stokes through the SSL pipeline from the command line at tiny sizes (32 x 32 grid,
# 16 stored frames): generate -> pretrain on 1 and 2 ranks (the first steps' losses agree to
# float rounding) -> embed (same on 1 and 2 ranks, buo_y carried) -> probe buo_y (finite MSE)
# -> supervised buo_y from the checkpoint's encoder (finite, training loss decreases); coords
# mode; bad input (exit 2 with a clear message).
set -u
mkdir -p "$LIE_TESTDIR" && cd "$LIE_TESTDIR" || exit 1
rm -f ./*.h5 ./*.csv ./*.log ./*.json
. "$LIE_SRCDIR/tests/cli/pipeline_lib.sh"
GEN="-ns_nx 32 -ns_ny 32 -ns_steps 20 -ns_skip 4 -ns_pressure_pc fft"
TINY="-nn_backend ref -threads 1 -model_width 4 -model_expander 16,16,16 -train_batch 8 -aug_crop_t 4 -train_epochs 2 -seed 7 -train_progress 1"

expect 0 '"done":24' "generate 24 NS trajectories (32 x 32)" -- $MPI -n 2 "$LIEREG" generate -pde ns -n 24 -seed 1 -o tr.h5 $GEN
expect 0 '"done":8' "generate 8 test trajectories" -- $MPI -n 2 "$LIEREG" generate -pde ns -n 8 -seed 1 -mode test -o te.h5 $GEN

expect 0 "input 12x32x32" "pretrain 3 steps on 1 rank (3 fields x 4 frames, 32 x 32)" -- $MPI -n 1 "$LIEREG" pretrain -data tr.h5 -o c1.h5 $TINY -train_steps 3 -train_log c1.csv
expect 0 "stopped (-train_steps) at step 3" "pretrain 3 steps on 2 ranks" -- $MPI -n 2 "$LIEREG" pretrain -data tr.h5 -o c2.h5 $TINY -train_steps 3 -train_log c2.csv
# losses of steps 1..3: relative difference <= 1e-5 (float summation order differs with P)
cmp=$(paste -d, c1.csv c2.csv | awk -F, 'NR > 1 { d = $3 - $(NF / 2 + 3); if (d < 0) d = -d; r = d / ($3 > 0 ? $3 : -$3); if (r > m) m = r; n++ } END { printf "%d %.3g", n, m }')
set -- $cmp
[ "$1" -eq 3 ] && awk -v m="$2" 'BEGIN { exit !(m <= 1e-5) }' && ok "1- and 2-rank losses agree (max rel. diff $2 over $1 steps)" || { bad "1 vs 2 ranks ($cmp)"; paste c1.csv c2.csv; }
awk -F, 'NR > 1 && !($3 > 0 && $3 < 1e6) { exit 1 }' c1.csv && ok "losses finite and positive" || bad "non-finite loss"
h5dump -a /train/crop_y c2.h5 2>/dev/null | grep -q "(0): 32" && h5dump -a /train/norm_fields c2.h5 2>/dev/null | grep -q "(0): 3" && ok "checkpoint stores crop_y 32 and 3 normalised fields" || bad "checkpoint NS attributes"
# resume (2 steps on 2 ranks, checkpoint, 1 more on 1 rank) continues the same curve
"$MPIEXEC" --oversubscribe -n 2 "$LIEREG" pretrain -data tr.h5 -o r.h5 $TINY -train_steps 2 -train_log r.csv > /dev/null 2>&1
expect 0 "resumed from r.h5 at step 2" "resume an NS run on 1 rank" -- $MPI -n 1 "$LIEREG" pretrain -data tr.h5 -o r.h5 $TINY -train_steps 3 -train_log r.csv -train_resume r.h5
a=$(sed -n 4p c1.csv | cut -d, -f3) b=$(sed -n 4p r.csv | cut -d, -f3)
awk -v a="$a" -v b="$b" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a != "" && d <= 1e-5 * a) }' && ok "step 3 after resume = uninterrupted run ($b vs $a)" || bad "resume step 3: $b vs $a"
expect 0 "stopped (-train_steps) at step 2" "coords mode (6 channels per frame) on 2 ranks" -- $MPI -n 2 "$LIEREG" pretrain -data tr.h5 -o cc.h5 $TINY -aug_mode coords -train_steps 2
grep -q "input 24x32x32" out.log && ok "  ... input 24x32x32" || bad "coords input layout"

expect 0 "embedded te.h5:/test: 8 trajectories" "embed train + test on 2 ranks" -- $MPI -n 2 "$LIEREG" embed -ckpt c2.h5 -data tr.h5,te.h5 -o e2.h5 -nn_backend ref -threads 1
expect 0 "embedded tr.h5:/train: 24 trajectories" "embed on 1 rank, batch 5" -- $MPI -n 1 "$LIEREG" embed -ckpt c2.h5 -data tr.h5,te.h5 -o e1.h5 -nn_backend ref -threads 1 -embed_batch 5
h5diff e1.h5 e2.h5 /train/emb /train/emb > /dev/null && h5diff e1.h5 e2.h5 /test/emb /test/emb > /dev/null && ok "embeddings identical on 1 and 2 ranks" || bad "embeddings differ"
h5ls e1.h5/train | grep -q "^emb *Dataset {24, 32}" && ok "emb is (24, 32)" || bad "emb shape"
h5diff tr.h5 e1.h5 /train/buo_y /train/buo_y > /dev/null && ok "buo_y carried exactly" || bad "buo_y not carried"
expect 0 "probe target=buo_y metric=mse" "probe buo_y on 2 ranks" -- $MPI -n 2 "$LIEREG" probe -emb e1.h5 -probe_test_emb e1.h5 -target buo_y -probe_bootstrap 20 -o probe.json
v=$(sed -n 's/.*probe target=buo_y metric=mse value=\([^ ]*\).*/\1/p' out.log)
awk -v v="$v" 'BEGIN { exit !(v + 0 >= 0 && v + 0 < 0.1) }' && ok "probe MSE finite ($v; buo_y in [0.2, 0.5))" || bad "probe MSE '$v'"

# the trained linear head (Adam on the frozen NS encoder) on buo_y
expect 0 "probe mode=trained target=buo_y metric=mse" "trained probe buo_y on 2 ranks" -- $MPI -n 2 "$LIEREG" probe -probe_mode trained -ckpt c2.h5 -data tr.h5 -probe_test_data te.h5 -target buo_y -nn_backend ref -threads 1 -probe_epochs 20 -probe_bootstrap 20
v=$(sed -n 's/.*probe mode=trained target=buo_y metric=mse value=\([^ ]*\).*/\1/p' out.log)
awk -v v="$v" 'BEGIN { exit !(v + 0 >= 0 && v + 0 < 0.1) }' && ok "trained probe MSE finite ($v)" || bad "trained probe MSE '$v'"

SUP="-data tr.h5 -test_data te.h5 -target buo_y -sup_model_from c2.h5 -nn_backend ref -threads 1 -sup_lr 1e-3 -sup_epochs 3 -sup_batch 8"
expect 0 "supervised target=buo_y metric=mse" "supervised buo_y on 2 ranks" -- $MPI -n 2 "$LIEREG" supervised $SUP -o sup.json
grep -q "model 2D width 4 input 3x4x32x32" out.log && ok "supervised uses the checkpoint's NS encoder" || bad "supervised model"
line=$(grep "supervised target=buo_y" out.log)
val=$(echo "$line" | sed -n 's/.* value=\([^ ]*\).*/\1/p')
fl=$(echo "$line" | sed -n 's/.*first_loss=\([^ ]*\).*/\1/p')
ll=$(echo "$line" | sed -n 's/.*last_loss=\([^ ]*\).*/\1/p')
awk -v v="$val" 'BEGIN { exit !(v + 0 >= 0 && v + 0 < 0.1) }' && ok "supervised test MSE finite ($val)" || bad "supervised MSE '$val'"
awk -v a="$fl" -v b="$ll" 'BEGIN { exit !(b + 0 < a + 0) }' && ok "training loss decreases ($fl -> $ll)" || bad "training loss $fl -> $ll"

# the paper-scale presets parse (every option known) and run with the sizes overridden
expect 0 "stopped (-train_steps) at step 1" "examples/pretrain_ns.opts (sizes overridden)" -- $MPI -n 1 "$LIEREG" pretrain -options_file "$LIE_SRCDIR/examples/pretrain_ns.opts" -data tr.h5 -o preset.h5 $TINY -train_steps 1
grep -q "input 24x32x32" out.log && ok "  ... coords mode from the preset" || bad "preset mode"
expect 0 "supervised target=buo_y metric=mse" "examples/paper_ns.opts (sizes overridden)" -- $MPI -n 1 "$LIEREG" supervised -options_file "$LIE_SRCDIR/examples/paper_ns.opts" $SUP -sup_lr 1e-3 -sup_epochs 1 -sup_batch 8 -sup_progress 0

# bad input
expect 0 "done=4/4" "a small 1D file" -- $MPI -n 1 "$LIEREG" generate -pde burgers -n 4 -seed 1 -o b1d.h5 -nx 64 -nt 40 -save_n 24 -burgers_T 6 -accuracy 1e-3
expect 2 "b1d.h5 holds burgers data but the checkpoint was trained on ns" "embed of 1D data with an NS checkpoint" -- $MPI -n 1 "$LIEREG" embed -ckpt c2.h5 -data b1d.h5 -o bad.h5 -nn_backend ref
expect 2 "was pretrained on ns data" "trained probe of 1D data with an NS checkpoint" -- $MPI -n 1 "$LIEREG" probe -probe_mode trained -ckpt c2.h5 -data b1d.h5 -probe_test_data b1d.h5 -probe_test_mode train -target nu
expect 2 "larger than the trajectories" "crop of 17 frames on 16-frame data" -- $MPI -n 1 "$LIEREG" pretrain -data tr.h5 -o bad.h5 $TINY -aug_crop_t 17
expect 2 "need the 2D ResNet" "-model_dims 1 on NS" -- $MPI -n 1 "$LIEREG" pretrain -data tr.h5 -o bad.h5 $TINY -model_dims 1
expect 2 "has no group '/valid'" "missing split" -- $MPI -n 1 "$LIEREG" pretrain -data tr.h5 -data_mode valid -o bad.h5 $TINY
[ ! -e bad.h5 ] && ok "no checkpoint written by the failed runs" || bad "bad.h5 written"
exit $fail
