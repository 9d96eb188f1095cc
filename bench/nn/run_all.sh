#!/bin/sh
# The NN training-step table of docs/BENCHMARKS.md in one command: the machine, its load,
# the FMA peak (bench_peak) and liereg vs PyTorch on the four shapes and the stepper CNN (e), best of ROUNDS runs.
#   [ONLY=abcde] bench/nn/run_all.sh [build-dir] [rounds] [threads]     (defaults: build 3 2)
# Needs Debian's python3-torch. Run it on a quiet machine for absolute numbers.
set -eu
cd "$(dirname "$0")/../.."
BUILD=${1:-build}
ROUNDS=${2:-3}
THREADS=${3:-2}
cmake --build "$BUILD" --target liereg_cli bench_peak bench_stepper > /dev/null
echo "# $(date -u '+%Y-%m-%d %H:%M UTC') $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; load: $(cut -d' ' -f1-3 /proc/loadavg); OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-default}"
echo "# git $(git rev-parse --short HEAD 2>/dev/null || echo '?'); oneDNN ISA: $(ONEDNN_VERBOSE=1 "$BUILD/liereg" bench train -model resnet18_1d -input 16x64 -batch 2 -width 8 -steps 1 -warmup 0 -nn_backend dnnl 2>/dev/null | sed -n 's/^onednn_verbose,info,cpu,isa://p' | head -1)"
/usr/bin/python3 bench/nn/compare.py "$BUILD/liereg" --peak "$BUILD/bench/peak/bench_peak" \
  --threads "$THREADS" --steps 3 --warmup 1 --rounds "$ROUNDS" --only "${ONLY:-abcde}"
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
