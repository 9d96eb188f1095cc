#!/bin/sh
# Whole-process cost of `liereg generate` (start-up, planning, solves, HDF5 file, finalise)
# against the solver's CPU time in the same process (generate's last log line: process CPU
# spent inside lie_solver1d_solve on rank 0). CPU time, not wall time: on a shared node the
# wall time measures the other jobs. Prints JSON lines: the fixed start-up (a 1-trajectory
# file of 2 time points up to T = 0.01), then for each N one line per run and the best run.
#   bench/generate/run_overhead.sh [PDE] [REPEAT] [N...]     (default: ks 3 16 64)
#   RANKS=2 ...  runs under mpiexec -n 2 (ratios then on rank 0)
set -eu
PDE=${1:-ks}
REPEAT=${2:-3}
shift 2 2> /dev/null || shift $#
NS=${*:-16 64}
LIEREG=${LIEREG:-build/liereg}
RANKS=${RANKS:-1}
LAUNCH=""
[ "$RANKS" -gt 1 ] && LAUNCH="mpiexec -n $RANKS"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
load() { cut -d' ' -f1-3 /proc/loadavg; }
echo "# $(date -u +%FT%TZ) load $(load) ranks $RANKS"
best=0
for r in $(seq "$REPEAT"); do
  /usr/bin/time -f "%e %U %S" -o "$tmp/time" $LAUNCH "$LIEREG" generate -pde "$PDE" -n 1 -nt 2 -save_n 1 \
    -"$PDE"_T 0.01 -o "$tmp/s.h5" -force > /dev/null
  read -r w u s < "$tmp/time"
  echo "{\"bench\":\"generate_startup\",\"pde\":\"$PDE\",\"ranks\":$RANKS,\"cpu_s\":$(awk -v u="$u" -v s="$s" 'BEGIN{print u + s}'),\"wall_s\":$w,\"load\":\"$(load)\"}"
done
for n in $NS; do
  for r in $(seq "$REPEAT"); do
    /usr/bin/time -f "%e %U %S" -o "$tmp/time" $LAUNCH "$LIEREG" generate -pde "$PDE" -n "$n" -seed 1 \
      -o "$tmp/g.h5" -force > "$tmp/log"
    read -r w u s < "$tmp/time"
    solver=$(sed -n 's/.*cpu: solver \([0-9.]*\) s on rank 0.*/\1/p' "$tmp/log")
    awk -v pde="$PDE" -v n="$n" -v rk="$RANKS" -v sv="$solver" -v w="$w" -v c="$(awk -v u="$u" -v s="$s" 'BEGIN{print u + s}')" -v load="$(load)" 'BEGIN{
      printf "{\"bench\":\"generate_overhead\",\"pde\":\"%s\",\"n\":%d,\"ranks\":%d,\"solver_cpu_s_per_traj\":%.4f,\"whole_cpu_s_per_traj\":%.4f,\"whole_wall_s_per_traj\":%.4f,\"cpu_ratio\":%.3f,\"load\":\"%s\"}\n",
        pde, n, rk, sv / n * rk, c / n, w / n, c / (sv * rk), load}' | tee -a "$tmp/runs.json"
  done
  grep "\"n\":$n," "$tmp/runs.json" | sed 's/.*"cpu_ratio":\([0-9.]*\).*/\1/' | sort -n | head -1 |
    awk -v n="$n" -v pde="$PDE" '{printf "{\"bench\":\"generate_overhead_best\",\"pde\":\"%s\",\"n\":%d,\"best_cpu_ratio\":%s}\n", pde, n, $1}'
done
