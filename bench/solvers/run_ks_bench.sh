#!/bin/sh
# KS benchmark, side by side in one run: liereg (C) at accuracy 1e-8 and 1e-5, LPSDA's
# method re-implemented in Python (scipy Radau, rtol=atol=1e-9) and a numpy ETDRK4, all on
# the same trajectories (L=64, T=100 without jitter, nx=256, nt=500, last 140 stored),
# each measured against the same converged reference (C ETDRK4 on 512 points, Richardson pair
# of 200/400 steps per stored interval: its own error is at the ~1e-9 rounding floor of KS).
#   bench/solvers/run_ks_bench.sh [BUILD_DIR] [NTRAJ] [NPY]   (NPY: trajectories for Python)
set -eu
BUILD=${1:-build}
NTRAJ=${2:-4}
NPY=${3:-1}
SRC=$(cd "$(dirname "$0")" && pwd)
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
echo "# $(date -u +%FT%TZ) $(uptime)"
echo "# liereg, -accuracy 1e-8 (default), reference + dump"
"$BUILD/bench/solvers/bench_solver1d" -pde ks -ks_jitter 0 -ntraj "$NTRAJ" -dump_dir "$DIR" -reference_steps 200 -reference_n 512
echo "# liereg, -accuracy 1e-5"
"$BUILD/bench/solvers/bench_solver1d" -pde ks -ks_jitter 0 -ntraj "$NTRAJ" -accuracy 1e-5 -reference_steps 200 -reference_n 512
echo "# liereg, -solver1d_method etdrk4 (Cox-Matthews ETDRK4 + Richardson), -accuracy 1e-8"
"$BUILD/bench/solvers/bench_solver1d" -pde ks -ks_jitter 0 -ntraj "$NTRAJ" -solver1d_method etdrk4 -reference_steps 200 -reference_n 512
echo "# python numpy ETDRK4, 100 steps per stored interval (h = 0.002)"
python3 "$SRC/ks_reference.py" --dir "$DIR" --method etdrk4 --ntraj "$NPY" --steps 100
echo "# python scipy Radau rtol=atol=1e-9 (LPSDA)"
python3 "$SRC/ks_reference.py" --dir "$DIR" --method radau --ntraj "$NPY"
echo "# $(date -u +%FT%TZ) $(uptime)"
