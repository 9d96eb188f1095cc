#!/bin/sh
# Whole-process cost of `liereg generate` (one rank: start-up, planning, solves, HDF5 file)
# against the solver's own CPU time on the same trajectories (bench_solver1d, -reference 0),
# in one run. Prints JSON lines: the fixed start-up (a 1-trajectory file of 2 time points),
# then for each N the whole-process CPU and wall per trajectory (best of REPEAT) and the
# ratio to the solver's CPU per trajectory.
#   bench/generate/run_overhead.sh [PDE] [REPEAT] [N...]     (default: ks 3 16 64)
set -eu
PDE=${1:-ks}
REPEAT=${2:-3}
shift 2 2> /dev/null || shift $#
NS=${*:-16 64}
BUILD=${BUILD:-build}
LIEREG=$BUILD/liereg
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
load() { cut -d' ' -f1-3 /proc/loadavg; }
# best (smallest) CPU and wall of REPEAT runs of "$@"; prints "cpu wall"
best() {
  bc=0 bw=0
  for r in $(seq "$REPEAT"); do
    /usr/bin/time -f "%e %U %S" -o "$tmp/time" "$@" > /dev/null
    read -r w u s < "$tmp/time"
    bc=$(awk -v a="$bc" -v u="$u" -v s="$s" 'BEGIN{b = u + s; print (a == 0 || b < a) ? b : a}')
    bw=$(awk -v a="$bw" -v b="$w" 'BEGIN{print (a == 0 || b < a) ? b : a}')
  done
  echo "$bc $bw"
}
echo "# $(date -u +%FT%TZ) load $(load)"
read -r sc sw << EOF
$(best "$LIEREG" generate -pde "$PDE" -n 1 -nt 2 -save_n 1 -"${PDE}"_T 0.01 -o "$tmp/s.h5" -force)
EOF
echo "{\"bench\":\"generate_startup\",\"pde\":\"$PDE\",\"cpu_s\":$sc,\"wall_s\":$sw,\"load\":\"$(load)\"}"
for n in $NS; do
  "$BUILD/bench/solvers/bench_solver1d" -pde "$PDE" -ntraj "$n" -seed 1 -reference 0 > "$tmp/solver.json"
  solver=$(awk -F'"cpu_s":' '{split($2, a, ","); s += a[1]} END{print s}' "$tmp/solver.json")
  read -r gc gw << EOF
$(best "$LIEREG" generate -pde "$PDE" -n "$n" -seed 1 -o "$tmp/g.h5" -force)
EOF
  awk -v pde="$PDE" -v n="$n" -v s="$solver" -v c="$gc" -v w="$gw" -v sc="$sc" -v load="$(load)" 'BEGIN{
    printf "{\"bench\":\"generate_overhead\",\"pde\":\"%s\",\"n\":%d,\"solver_cpu_s_per_traj\":%.4f,\"whole_cpu_s_per_traj\":%.4f,\"whole_wall_s_per_traj\":%.4f,\"cpu_ratio\":%.3f,\"wall_ratio\":%.3f,\"startup_share\":%.3f,\"load\":\"%s\"}\n",
      pde, n, s / n, c / n, w / n, c / s, w / s, sc / c, load}'
done
