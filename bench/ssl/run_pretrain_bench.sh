#!/bin/sh
# liereg bench pretrain for every PDE x mode at the presets' shapes (docs/BENCHMARKS.md):
# 1D: ResNet-18 1D width 64, 16 x 256 crops, batch 32 (examples/pretrain_burgers.opts with the
# PDE's data and -aug_mode grid|coords); NS: examples/pretrain_ns.opts (coords, 16 frames of
# 128^2), and grid mode with the full group (rotation included). One JSON line per case.
#   bench/ssl/run_pretrain_bench.sh DATADIR [extra options]   (DATADIR holds burgers.h5 ks.h5
#   kdv.h5 ns.h5 from `liereg generate -pde P -n N`, N >= 64 for 1D, >= 32 for NS)
set -eu
D=$1
shift
LIEREG=${LIEREG:-$(dirname "$0")/../../build/liereg}
EX=$(dirname "$0")/../../examples
RUN="nice -n 10 $LIEREG bench pretrain -threads 2 -steps ${STEPS:-8} -warmup ${WARMUP:-2} -rounds ${ROUNDS:-2}"
for pde in burgers ks kdv; do
  for mode in grid coords; do
    $RUN -data "$D/$pde.h5" -options_file "$EX/pretrain_burgers.opts" -aug_mode $mode "$@" | grep '"bench"'
  done
done
$RUN -data "$D/ns.h5" -options_file "$EX/pretrain_ns.opts" "$@" | grep '"bench"'
$RUN -data "$D/ns.h5" -options_file "$EX/pretrain_ns.opts" -aug_mode grid "$@" | grep '"bench"'
