#!/bin/sh
# liereg generate -pde ns end to end on 2 ranks (two groups of one): the file appears under
# its final name with its XDMF sidecar and no .tmp left, passes `liereg info`; a misspelt
# -ns_ option or a bad -ns_bc value is a usage error (exit 2, one line) that leaves no file.
set -e
mkdir -p "$LIE_TESTDIR"
cd "$LIE_TESTDIR"
rm -f ns.h5 ns.h5.tmp ns.xmf bad.h5 bad.h5.tmp
$MPIEXEC --oversubscribe -n 2 "$LIEREG" generate -pde ns -n 3 -o ns.h5 -mode test -seed 5 \
  -ns_nx 32 -ns_ny 32 -ns_steps 6 -ns_skip 2
test -f ns.h5
test -f ns.xmf
test ! -e ns.h5.tmp
grep -q 'ns.h5:/test/u' ns.xmf
"$LIEREG" info ns.h5 | tee info.txt
grep -q "layout ns (PDEArena)" info.txt
grep -q "passes all checks" info.txt
set +e
"$LIEREG" generate -pde ns -n 1 -o bad.h5 -ns_nxx 32 2> err.txt
rc=$?
set -e
cat err.txt
test "$rc" -eq 2
grep -q "ns_nxx" err.txt
test ! -e bad.h5 && test ! -e bad.h5.tmp
set +e
"$LIEREG" generate -pde ns -n 1 -o bad.h5 -ns_bc wall 2> err2.txt
rc=$?
set -e
cat err2.txt
test "$rc" -eq 2
grep -q -- "-ns_bc" err2.txt
test "$(wc -l < err2.txt)" -eq 1
echo "1 passed, 0 failed"
