#!/bin/sh
# liereg timestep on bad input: one clear stderr line, exit 2 (usage) or 1 (runtime), and
# nothing at -o. Cases of issue 13: a file too short for history + future, a pretraining
# checkpoint of another PDE or grid width for -step_cond ssl, a missing parameter for
# -step_cond truth, NaN in the data; plus option errors.
. "$LIE_SRCDIR/tests/cli/lib.sh"
POISON="$(dirname "$LIE_TESTDIR")/ts_poison"
G="-pde burgers -nx 64 -burgers_T 6 -nt 60 -save_n 24 -accuracy 1e-3"
"$LIEREG" generate $G -n 8 -o tr.h5 -force > /dev/null 2>&1 || fail "generate tr.h5"
"$LIEREG" generate $G -n 4 -o te.h5 -mode test -force > /dev/null 2>&1 || fail "generate te.h5"
"$LIEREG" generate -pde burgers -nx 64 -burgers_T 6 -nt 60 -save_n 10 -accuracy 1e-3 -n 4 -o short.h5 -force \
  > /dev/null 2>&1 || fail "generate short.h5"
rm -f r.json r.json.tmp
T="$LIEREG timestep -test_data te.h5 -o r.json -step_model tiny -step_history 4 -step_future 4 -step_epochs 1 -step_passes 1 -step_batch 4"

expect_error 2 "short.h5 has 10 frames: too short for -step_history 8 + -step_future 8 (needs at least 16)" \
  $T -data short.h5 -step_history 8 -step_future 8
expect_error 2 "te.h5 has 24 frames: too short for a rollout from frame 12" $T -data tr.h5 -step_history 12 -step_future 12
expect_error 2 "step_cond must be none, ssl or truth (got 'true')" $T -data tr.h5 -step_cond true
expect_error 2 "step_cond ssl needs -step_cond_ckpt" $T -data tr.h5 -step_cond ssl
expect_error 2 "step_model must be cnn, fno, resnet, unet or tiny\|unknown time-stepping model 'cnnn'" \
  $T -data tr.h5 -step_model cnnn
expect_error 2 "unknown option -step_histroy" $T -data tr.h5 -step_histroy 3
expect_error 2 "step_history must be >= 1" $T -data tr.h5 -step_history 0
expect_error 2 "step_cond_pca must be in 0..1024 (got -1)" $T -data tr.h5 -step_cond_pca -1
expect_error 2 "step_cond_noise must be in \[0, 100\] (got -0.5)" $T -data tr.h5 -step_cond_noise -0.5

# -step_cond truth on a file without nu (an LPSDA-style file: field, x, t only)
for d in pde_24-64 x t; do h5copy -p -i tr.h5 -o nonu.h5 -s /train/$d -d /train/$d 2> /dev/null; done
expect_error 2 "needs the per-trajectory dataset /train/nu in nonu.h5" $T -data nonu.h5 -step_cond truth

# NaN in the training data
cp tr.h5 nan.h5 && "$POISON" nan.h5 /train/pde_24-64 || fail "poison nan.h5"
expect_error 1 "nan.h5:/train: trajectory 0 has a non-finite value" $T -data nan.h5

# -step_cond ssl with a checkpoint of another PDE, and of another grid width
"$LIEREG" generate -pde ks -nx 64 -ks_T 10 -nt 60 -save_n 24 -accuracy 1e-3 -n 8 -o ks.h5 -force > /dev/null 2>&1 \
  || fail "generate ks.h5"
P="-model_width 4 -train_batch 4 -train_steps 1 -aug_crop_t 8 -train_min_rankme 0 -train_progress 0"
"$LIEREG" pretrain -data ks.h5 -o ks_ck.h5 $P -force > /dev/null 2>&1 || fail "pretrain ks_ck.h5"
expect_error 2 "ks_ck.h5 was pretrained on ks data; tr.h5 holds burgers data" \
  $T -data tr.h5 -step_cond ssl -step_cond_ckpt ks_ck.h5
"$LIEREG" generate $G -nx 128 -n 8 -o wide.h5 -force > /dev/null 2>&1 || fail "generate wide.h5"
"$LIEREG" pretrain -data wide.h5 -o wide_ck.h5 $P -force > /dev/null 2>&1 || fail "pretrain wide_ck.h5"
expect_error 2 "wide_ck.h5 takes 128 points per frame; tr.h5 has 64" \
  $T -data tr.h5 -step_cond ssl -step_cond_ckpt wide_ck.h5
expect_error 2 "step_cond_ckpt is only used with -step_cond ssl" $T -data tr.h5 -step_cond_ckpt wide_ck.h5

n=$("$LIEREG" timestep -help 2>&1 | grep -c "^  -step_")
[ "$n" -ge 20 ] && ok "-help lists the $n -step_ options" || fail "-help lists $n -step_ options"

[ ! -e r.json ] && [ ! -e r.json.tmp ] && ok "nothing at -o after the failures" || fail "r.json exists after failures"
$T -data tr.h5 > run.txt 2>&1 && [ -s r.json ] && ok "the same command on good data writes r.json" \
  || { fail "good run"; cat run.txt; }
finish
