#!/bin/bash
# Why does (or doesn't) SSL + ridge beat the supervised baseline at quickstart scale? One run of
# the ablation study of docs/EVAL_STUDY.md: pretrain -> embed -> ridge label sweep, or the
# supervised label sweep, on data made by `data` (quickstart solver settings). Prints one JSON
# line per label size. Run from a scratch folder; needs a built liereg (LIEREG, default
# build/liereg of this checkout).
#
#   bench/eval/ssl_vs_supervised.sh data burgers|ks-late|ks-early        # generate the splits once
#   bench/eval/ssl_vs_supervised.sh ssl PDE NAME UNLABELLED [pretrain options ...]
#   bench/eval/ssl_vs_supervised.sh supervised PDE NAME CKPT [supervised options ...]
#
# Fixed: 1D ResNet-18 width 8 (64-d), 16-frame crops, expander 128^3, batch 32, lr 1e-3 cosine,
# 20 epochs (override with later options); supervised lr {1e-3, 3e-4}, <= 8 epochs, patience 3,
# batch 16 (the session-1 quickstart's); default (oneDNN) backend. Label sizes 32, 64, 128, 256 x 3 subset seeds; 128 test.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
L=${LIEREG:-$here/build/liereg}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl_vader_single_copy_mechanism=none
M="mpiexec --oversubscribe -n ${RANKS:-2}"
SIZES=${SIZES:-32,64,128,256}
mkdir -p data runs

target() { case $1 in burgers) echo "-target nu -${2}_log" ;; *) echo "-target ic_mode" ;; esac; }

json_lines() { # method name pde log seconds
  grep -h "sweep" "$4" | sed -n 's/.*ntrain=\([0-9]*\) seeds=\([0-9]*\) mean=\([^ ]*\) std=\([^ ]*\).*/\1 \2 \3 \4/p' |
    while read -r n s mean std; do
      printf '{"bench": "ssl_vs_supervised", "pde": "%s", "config": "%s", "method": "%s", "ntrain": %s, "seeds": %s, "mean": %s, "std": %s, "seconds": %s}\n' \
        "$3" "$2" "$1" "$n" "$s" "$mean" "$std" "$5"
    done
}

case $1 in
data)
  case $2 in
  burgers) opts="-pde burgers -burgers_nu_min 0.03 -burgers_nu_max 0.3 -burgers_T 6 -nt 60 -save_n 48 -accuracy 1e-3" ;;
  ks-late) opts="-pde ks -accuracy 1e-4" ;;
  ks-early) opts="-pde ks -accuracy 1e-4 -save_start 0" ;;
  *) echo "unknown data set $2" >&2; exit 2 ;;
  esac
  $M "$L" generate $opts -n 1024 -mode train -seed 1 -o data/$2_unl.h5 -force
  $M "$L" generate $opts -n 384 -mode train -seed 1 -o data/$2_unl384.h5 -force # the first 384 of the above
  $M "$L" generate $opts -n 256 -mode train -seed 1 -offset 1024 -o data/$2_lab.h5 -force
  $M "$L" generate $opts -n 128 -mode test -seed 1 -o data/$2_test.h5 -force
  ;;
ssl)
  pde=$2 name=$3 unl=$4; shift 4
  t0=$(date +%s)
  $M "$L" pretrain -data "$unl" -o runs/$name.h5 -model_dims 1 -model_width 8 -model_expander 128,128,128 \
    -threads 1 -train_epochs 20 -train_batch 32 -train_lr 1e-3 -train_warmup 0 -aug_crop_t 16 \
    -train_log runs/$name.csv -force "$@" > runs/$name.pretrain.log 2>&1
  for s in lab test; do
    mode=train; [ $s = test ] && mode=test
    $M "$L" embed -ckpt runs/$name.h5 -data data/${pde}_$s.h5 -data_mode $mode -o runs/${name}_$s.h5 \
      -threads 1 -force > runs/$name.embed.log 2>&1
  done
  "$L" probe -emb runs/${name}_lab.h5 -probe_test_emb runs/${name}_test.h5 $(target "$pde" probe) \
    -probe_sweep $SIZES -probe_sweep_seeds 3 -o runs/$name.probe.json -force > runs/$name.probe.log 2>&1
  json_lines ssl+ridge "$name" "$pde" runs/$name.probe.log $(($(date +%s) - t0))
  ;;
supervised)
  pde=$2 name=$3 ckpt=$4; shift 4
  t0=$(date +%s)
  $M "$L" supervised -data data/${pde}_lab.h5 -test_data data/${pde}_test.h5 $(target "$pde" sup) \
    -sup_model_from "$ckpt" -threads 1 -sup_lr 1e-3,3e-4 -sup_epochs 8 -sup_patience 3 \
    -sup_batch 16 -sup_sweep $SIZES -sup_sweep_seeds 3 -o runs/$name.json -force "$@" > runs/$name.log 2>&1
  json_lines supervised "$name" "$pde" runs/$name.log $(($(date +%s) - t0))
  ;;
*)
  sed -n '2,16p' "$0" >&2; exit 2 ;;
esac
