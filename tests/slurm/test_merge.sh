#!/bin/sh
# liereg merge: shards of one dataset merged into one file equal the dataset generated in one
# run (every dataset, seeds and success included: h5diff of the split group), for KS (2 and 3
# shards, at 1 and 2 ranks, inputs as a quoted glob or after -o) and NS; root attributes kept;
# mismatched inputs (PDE, grid, the same shard twice) rejected with one line and exit 2;
# no output and no .tmp after a failure.
. "$LIE_SRCDIR/tests/cli/lib.sh"
rm -rf ./*.h5 ./*.tmp nodeA nodeB
L=$LIEREG
MPI="$MPIEXEC --oversubscribe -n 2"
# expect_mpi_error CODE PATTERN cmd...: an MPI run ends in time with exit CODE and exactly one
# "liereg: error" line matching PATTERN (mpiexec adds its own notes), no MPI_ABORT
expect_mpi_error() {
  code=$1 pattern=$2
  shift 2
  timeout 60 "$@" > out.txt 2> err.txt
  rc=$?
  n=$(grep -c "liereg: error" err.txt)
  if [ $rc -eq "$code" ] && [ "$n" -eq 1 ] && grep "liereg: error" err.txt | grep -q -- "$pattern" &&
    ! grep -q MPI_ABORT err.txt; then
    ok "exit $rc, one error line: $(grep 'liereg: error' err.txt)"
  else
    fail "expected exit $code and one error line matching '$pattern' from: $*; got exit $rc:"
    cat err.txt
  fi
}
gen() { "$L" generate -force "$@" > /dev/null 2>&1 || fail "generate $*"; }

gen -pde ks -n 4 -seed 3 -o full.h5
gen -pde ks -n 2 -seed 3 -o ks_train_shard0000.h5
gen -pde ks -n 2 -seed 3 -offset 2 -o ks_train_shard0001.h5
if $MPI "$L" merge 'ks_train_shard*.h5' -o m2.h5 > log.txt 2>&1 && h5diff full.h5 m2.h5 /train /train; then
  ok "2 shards (quoted glob, 2 ranks) = one run of n=4: data, seeds, success identical"
else
  fail "2-shard merge differs"; cat log.txt
fi
[ "$(h5dump -a /pde m2.h5 | grep -c '"ks"')" -eq 1 ] && h5dump -a /generator m2.h5 > /dev/null 2>&1 &&
  [ "$(h5dump -a /merged_from m2.h5 | grep -c shard)" -eq 2 ] && ok "root attributes kept, merged_from lists both shards" ||
  fail "root attributes"
"$L" info m2.h5 > info.txt 2>&1 && ok "liereg info accepts the merged file" || { fail "info on merged file"; cat info.txt; }

gen -pde ks -n 1 -seed 3 -o a.h5
gen -pde ks -n 2 -seed 3 -offset 1 -o b.h5
gen -pde ks -n 1 -seed 3 -offset 3 -o c.h5
"$L" merge -o m3.h5 a.h5 b.h5 c.h5 > log.txt 2>&1 && h5diff full.h5 m3.h5 /train /train &&
  ok "3 uneven shards (inputs after -o, 1 rank) = one run" || { fail "3-shard merge"; cat log.txt; }
# 300 kB per round = one 287 kB trajectory: several rounds per input, ranks idle in some
$MPIEXEC --oversubscribe -n 3 "$L" merge a.h5 b.h5 c.h5 -o m4.h5 -merge_block_kb 300 > log.txt 2>&1 &&
  h5diff full.h5 m4.h5 /train /train && ok "row by row over 3 ranks (-merge_block_kb 300) = one run" ||
  { fail "multi-round merge"; cat log.txt; }

NS="-pde ns -ns_nx 16 -ns_ny 16 -ns_steps 12 -ns_skip 2 -seed 5"
gen $NS -n 3 -o nsfull.h5
gen $NS -n 2 -o ns0.h5
gen $NS -n 1 -offset 2 -o ns1.h5
$MPI "$L" merge ns0.h5 ns1.h5 -o nsm.h5 > log.txt 2>&1 && h5diff nsfull.h5 nsm.h5 /train /train &&
  ok "NS: 2 shards (2 ranks) = one run of n=3" || { fail "NS merge"; cat log.txt; }

gen -pde burgers -n 2 -o burgers.h5
gen -pde ks -n 2 -nx 128 -seed 3 -offset 4 -o ks128.h5
expect_error 2 "attribute pde of the root group is 'ks' vs 'burgers'" "$L" merge a.h5 burgers.h5 -o bad.h5
expect_error 2 "dataset /train/pde_140-256 vs /train/pde_140-128" "$L" merge a.h5 ks128.h5 -o bad.h5
expect_error 2 "is in both a.h5 and a.h5" "$L" merge a.h5 a.h5 -o bad.h5
expect_error 2 "is in both b.h5 and full.h5" "$L" merge a.h5 b.h5 full.h5 -o bad.h5
expect_error 2 "attribute pde of the root group is 'ks' vs 'ns'" "$L" merge a.h5 nsfull.h5 -o bad.h5
expect_mpi_error 2 "is in both b.h5 and full.h5" $MPI "$L" merge a.h5 b.h5 full.h5 -o bad.h5
# an input present on one rank's node only: every rank stops with one error line (no hang)
mkdir -p nodeA nodeB && cp a.h5 b.h5 nodeA/ && cp a.h5 nodeB/
expect_mpi_error 1 "\[1\] .*cannot open b.h5" $MPIEXEC --oversubscribe -n 1 -wdir nodeA "$L" merge a.h5 b.h5 -o m.h5 : \
  -n 1 -wdir nodeB "$L" merge a.h5 b.h5 -o m.h5
if [ -e nodeA/m.h5 ] || [ -e nodeA/m.h5.tmp ] || [ -e nodeB/m.h5.tmp ]; then fail "one-rank failure left a file"; fi
expect_error 2 "exists" "$L" merge a.h5 b.h5 -o m3.h5
expect_error 2 "also an input" "$L" merge a.h5 m3.h5 -o m3.h5 -force
expect_error 2 "-force takes no file" "$L" merge -o x.h5 -force a.h5
expect_error 2 "no file matches" "$L" merge 'nothing*.h5' -o bad.h5
expect_error 1 "cannot open missing.h5" "$L" merge a.h5 missing.h5 -o bad.h5
expect_error 2 "needs input files" "$L" merge -o bad.h5
printf 'not hdf5' > junk.h5
expect_error 1 "junk.h5" "$L" merge a.h5 junk.h5 -o bad.h5
if [ -e bad.h5 ] || ls ./*.tmp > /dev/null 2>&1; then fail "a failed merge left bad.h5 or a .tmp"; else ok "no output or .tmp after failures"; fi
finish
