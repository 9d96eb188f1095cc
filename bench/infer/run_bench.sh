#!/bin/sh
# In-situ inference cost at the Burgers paper setting: a ResNet-18 (width 64) checkpoint with
# the shipped Burgers preset's model and crop after a few pretraining steps (the cost does
# not depend on training), a ridge probe of nu saved from it, then bench_infer.
#   sh bench/infer/run_bench.sh BUILD_DIR [WORKDIR]      (prints JSON lines; see docs/BENCHMARKS.md)
set -eu
build=$(realpath "$1") work=${2:-/tmp/liereg_bench_infer}
src=$(cd "$(dirname "$0")/../.." && pwd)
L=$build/liereg
mkdir -p "$work" && cd "$work"
[ -s tr.h5 ] || "$L" generate -pde burgers -n 32 -seed 1 -o tr.h5 > gen.log
[ -s ckpt.h5 ] || "$L" pretrain -data tr.h5 -o ckpt.h5 -options_file "$src/examples/pretrain_burgers.opts" -train_batch 8 -train_steps 2 -threads 2 > pretrain.log
[ -s emb.h5 ] || "$L" embed -ckpt ckpt.h5 -data tr.h5 -o emb.h5 > embed.log
[ -s nu.h5 ] || "$L" probe -emb emb.h5 -probe_test_mode train -target nu -probe_log -probe_save nu.h5 > probe.log
uptime
"$build/bench/infer/bench_infer" ckpt.h5 nu.h5 50 1 8
"$build/bench/infer/bench_infer" ckpt.h5 nu.h5 20 2 8
uptime
