#!/bin/sh
# Training state that must never be lost or poisoned (issue 11 items 4, 5): a diverging run
# keeps a checkpoint with finite weights only; -train_lr inf is a usage error; the output may
# not be the input (-o X -force, also spelt ./X or through a symlink); a huge time shift in
# `augment` is a usage error (was labs(LONG_MIN) and exit 0).
set -u
mkdir -p "$LIE_TESTDIR" && cd "$LIE_TESTDIR" || exit 1
rm -rf ./*.h5 ./*.log link.h5
fail=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; fail=1; }
TINY="-nn_backend ref -threads 1 -model_width 4 -model_expander 16,16,16 -train_batch 8 -aug_crop_t 8 -aug_crop_x 32 -seed 7"
"$MKDATA" data.h5 48 20 64 3 > /dev/null || { echo "FAIL making data"; exit 1; }
expect() { # CODE PATTERN LABEL -- cmd...
  code=$1 pat=$2 label=$3
  shift 4
  "$@" > out.log 2>&1
  rc=$?
  if [ "$rc" -eq "$code" ] && grep -q -- "$pat" out.log; then ok "$label (exit $rc)"; else bad "$label (exit $rc, want $code and '$pat')"; cat out.log; fi
}
expect 1 "training diverged" "lr 1e30 diverges" -- "$LIEREG" pretrain -data data.h5 -o div.h5 $TINY -train_steps 6 -train_lr 1e30 -train_schedule constant -train_warmup 0 -train_ckpt_every 1
if [ -f div.h5 ]; then
  n=$(h5dump div.h5 2> /dev/null | grep -ciwE "nan|-?inf")
  [ "$n" -eq 0 ] && ok "the kept checkpoint holds finite values only" || bad "kept checkpoint has $n lines with NaN/Inf"
  expect 0 "embedded" "embed accepts the kept checkpoint" -- "$LIEREG" embed -ckpt div.h5 -data data.h5 -o e.h5 -nn_backend ref
else
  ok "no checkpoint kept (diverged before the first save)"
fi
expect 2 "-train_lr inf: must be finite" "-train_lr inf" -- "$LIEREG" pretrain -data data.h5 -o inf.h5 $TINY -train_steps 1 -train_lr inf
sum=$(cksum < data.h5)
expect 2 "is the input -data" "-o X -force with X = -data" -- "$LIEREG" pretrain -data data.h5 -o data.h5 -force $TINY -train_steps 1
expect 2 "is the input -data" "-o ./X (other spelling)" -- "$LIEREG" pretrain -data data.h5 -o ./data.h5 -force $TINY -train_steps 1
ln -s data.h5 link.h5
expect 2 "is the input -data" "-o through a symlink" -- "$LIEREG" pretrain -data link.h5 -o "$PWD/data.h5" -force $TINY -train_steps 1
"$LIEREG" pretrain -data data.h5 -o c.h5 $TINY -train_steps 1 > /dev/null 2>&1 || bad "short run"
expect 2 "is the input -ckpt" "embed -o the checkpoint" -- "$LIEREG" embed -ckpt c.h5 -data data.h5 -o ./c.h5 -force -nn_backend ref
expect 2 "is the input -i" "augment -o the input" -- "$LIEREG" augment -i data.h5 -o data.h5 -force -pde ks -aug_group x_shift -aug_eps 1
[ "$(cksum < data.h5)" = "$sum" ] && ok "the data file is untouched" || bad "data.h5 changed"
# checkpoints with planted attributes: refused before any conversion or allocation
for a in "crop_t 1e30 is not an integer" "crop_t nan is not an integer" "step 1e30 is not an integer" \
  "model_width -5 is not an integer" "norm_std 0 normalisation" "norm_std nan normalisation"; do
  set -- $a
  cp c.h5 bad_$1.h5 && "$SETATTR" bad_$1.h5 "$1" "$2" || bad "planting $1 = $2"
  expect 1 "$3" "embed refuses train/$1 = $2" -- "$LIEREG" embed -ckpt bad_$1.h5 -data data.h5 -o e_bad.h5 -nn_backend ref
done
cp c.h5 big.h5 && "$SETATTR" big.h5 crop_t 1000000 && "$SETATTR" big.h5 crop_x 256
expect 2 "GB of memory per rank" "embed refuses a checkpoint with crop_t 1e6 (memory estimate)" -- "$LIEREG" embed -ckpt big.h5 -data data.h5 -o e_big.h5 -nn_backend ref
expect 2 "aug_eps 1e+300 shifts by" "augment -aug_eps 1e300 time shift" -- "$LIEREG" augment -i data.h5 -o sh.h5 -pde ks -aug_group t_shift -aug_eps 1e300
expect 2 "aug_eps -1e+300 shifts by" "augment -aug_eps -1e300 time shift" -- "$LIEREG" augment -i data.h5 -o sh.h5 -pde ks -aug_group t_shift -aug_eps -1e300
[ ! -e sh.h5 ] && ok "no output from the refused shifts" || bad "sh.h5 written"
# a PDE mismatch is an error: -pde against the file's record, data against the checkpoint's PDE
"$LIEREG" generate -pde burgers -n 4 -nx 64 -nt 40 -save_n 20 -accuracy 1e-5 -o burgers.h5 > /dev/null 2>&1 || bad "making burgers.h5"
expect 2 "-pde ks, but burgers.h5 holds burgers data" "pretrain -pde ks on Burgers data" -- "$LIEREG" pretrain -data burgers.h5 -pde ks -o pk.h5 $TINY -train_batch 4 -train_steps 1
expect 2 "burgers.h5 holds burgers data but the checkpoint was trained on ks" "embed: Burgers data through a KS checkpoint" -- "$LIEREG" embed -ckpt c.h5 -data burgers.h5 -o eb.h5 -nn_backend ref
exit $fail
