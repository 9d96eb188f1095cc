#!/bin/sh
# Strong scaling of `liereg generate`: the same N-trajectory KS dataset on 1 and 2 ranks
# (default accuracy 1e-8). Prints one JSON line per run and the speed-up: in wall time, and in
# solver CPU time (the 1-rank solver CPU over the largest rank's solver CPU in the N-rank run,
# from generate's last log line) which a loaded shared machine does not distort.
#   bench/generate/run_scaling.sh [N] [PDE]     (from the repository root, after scripts/build)
#   GEN_OPTS="-burgers_T 6 -nt 60 -save_n 48" ...   extra generate options
set -eu
N=${1:-64}
PDE=${2:-ks}
LIEREG=${LIEREG:-build/liereg}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
tmp=$(mktemp -d)
t1=0 c1=0
for np in 1 2; do
  start=$(date +%s.%N)
  mpiexec -n $np "$LIEREG" generate -pde "$PDE" -n "$N" -seed 1 ${GEN_OPTS:-} -o "$tmp/g$np.h5" -force > "$tmp/log$np" 2>&1
  end=$(date +%s.%N)
  t=$(awk "BEGIN{print $end - $start}")
  cmax=$(sed -n 's/.*max \([0-9.]*\) s, mean.*/\1/p' "$tmp/log$np")
  bal=$(sed -n 's/.*(balance \([0-9.]*\)).*/\1/p' "$tmp/log$np")
  [ "$np" -eq 1 ] && t1=$t && c1=$cmax
  awk -v pde="$PDE" -v n="$N" -v np="$np" -v t="$t" -v t1="$t1" -v c="$cmax" -v c1="$c1" -v bal="$bal" -v load="$(cut -d' ' -f1-3 /proc/loadavg)" 'BEGIN{
    printf "{\"bench\":\"generate\",\"pde\":\"%s\",\"n\":%d,\"ranks\":%d,\"seconds\":%.3f,\"s_per_traj\":%.4f,\"speedup\":%.3f,\"solver_cpu_max_rank_s\":%.3f,\"balance\":%s,\"solver_cpu_speedup\":%.3f,\"load\":\"%s\"}\n", pde, n, np, t, t / n, t1 / t, c, bal, c1 / c, load}'
done
h5diff "$tmp/g1.h5" "$tmp/g2.h5" /train /train > /dev/null && echo '{"identical_1_vs_2_ranks":true}' || echo '{"identical_1_vs_2_ranks":false}'
rm -rf "$tmp"
