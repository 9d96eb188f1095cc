#!/bin/sh
# KS generation side by side in one run: `liereg generate` as a whole process (start-up, solve,
# HDF5 file) against LPSDA's own generator (scipy Radau, rtol = atol = 1e-9) on the same
# trajectories (lpsda_generate.py feeds it the parameters stored in liereg's file). Prints JSON
# lines and the speed-up per trajectory, on CPU time (robust on a shared machine) and wall time.
#   bench/generate/run_vs_lpsda.sh [LPSDA_DIR] [N] [K] [REPEAT]
# N trajectories for liereg (best of REPEAT runs), the first K of them for LPSDA (one run, ~1
# CPU minute each). LPSDA_DIR: a checkout of github.com/brandstetter-johannes/LPSDA (cloned
# into a temporary directory when not given). Needs /usr/bin/python3 with numpy, scipy, h5py,
# torch (Debian: python3-numpy python3-scipy python3-h5py python3-torch).
set -eu
LPSDA=${1:-}
N=${2:-16}
K=${3:-2}
REPEAT=${4:-3}
LIEREG=${LIEREG:-build/liereg}
SRC=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ -z "$LPSDA" ]; then
  git clone -q --depth 1 https://github.com/brandstetter-johannes/LPSDA "$tmp/LPSDA"
  LPSDA=$tmp/LPSDA
fi
load() { cut -d' ' -f1-3 /proc/loadavg; }
echo "# $(date -u +%FT%TZ) load $(load)"
best_cpu=0 best_wall=0
for r in $(seq "$REPEAT"); do
  /usr/bin/time -f "%e %U %S" -o "$tmp/time" "$LIEREG" generate -pde ks -n "$N" -seed 1 -o "$tmp/ks.h5" -force \
    > /dev/null
  read -r wall user sys < "$tmp/time"
  awk -v n="$N" -v w="$wall" -v u="$user" -v s="$sys" -v load="$(load)" 'BEGIN{
    printf "{\"bench\":\"liereg_generate\",\"pde\":\"ks\",\"n\":%d,\"wall_s\":%.3f,\"cpu_s\":%.3f,\"cpu_s_per_traj\":%.4f,\"wall_s_per_traj\":%.4f,\"load\":\"%s\"}\n", n, w, u + s, (u + s) / n, w / n, load}'
  best_cpu=$(awk -v a="$best_cpu" -v b="$(awk -v u="$user" -v s="$sys" 'BEGIN{print u + s}')" 'BEGIN{print (a == 0 || b < a) ? b : a}')
  best_wall=$(awk -v a="$best_wall" -v b="$wall" 'BEGIN{print (a == 0 || b < a) ? b : a}')
done
/usr/bin/time -f "%e %U %S" -o "$tmp/ptime" /usr/bin/python3 "$SRC/lpsda_generate.py" "$LPSDA" "$tmp/ks.h5" "$K" \
  > "$tmp/lpsda.json"
cat "$tmp/lpsda.json"
read -r pwall puser psys < "$tmp/ptime"
awk -v n="$N" -v k="$K" -v bc="$best_cpu" -v bw="$best_wall" -v pw="$pwall" -v pu="$puser" -v ps="$psys" \
  -v j="$(cat "$tmp/lpsda.json")" -v load="$(load)" 'BEGIN{
  match(j, /"cpu_s": [0-9.]+/); lc = substr(j, RSTART + 9, RLENGTH - 9) / k
  match(j, /"wall_s": [0-9.]+/); lw = substr(j, RSTART + 10, RLENGTH - 10) / k
  printf "{\"bench\":\"ks_generate_speedup\",\"liereg_whole_process_cpu_s_per_traj\":%.4f,\"liereg_whole_process_wall_s_per_traj\":%.4f,\"lpsda_cpu_s_per_traj\":%.2f,\"lpsda_wall_s_per_traj\":%.2f,\"lpsda_whole_process_cpu_s\":%.2f,\"speedup_cpu\":%.0f,\"speedup_wall\":%.0f,\"load\":\"%s\"}\n", bc / n, bw / n, lc, lw, pu + ps, lc / (bc / n), lw / (bw / n), load}'
