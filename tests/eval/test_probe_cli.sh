#!/bin/sh
# liereg probe on the synthetic embedding file written by test_probe (fixture probe_emb):
# result line and JSON, exit codes 2 for usage errors and 1 for a broken file, the same
# result on 2 ranks, and no overwrite of an existing -o without -force.
set -u
EMB="$LIE_TESTDIR/../probe_emb.h5"
mkdir -p "$LIE_TESTDIR"
cd "$LIE_TESTDIR" || exit 1
rm -f r.json
fail=0
check() { # check NAME EXPECTED_EXIT ACTUAL_EXIT
  if [ "$2" = "$3" ]; then echo "ok   $1 (exit $3)"; else echo "FAIL $1: exit $3, expected $2"; fail=1; fi
}

out=$("$LIEREG" probe -emb "$EMB" -target ic_mode -o r.json); check "probe ic_mode" 0 $?
echo "$out"
echo "$out" | grep -q "^probe target=ic_mode metric=nmse value=" || { echo "FAIL result line"; fail=1; }
grep -q '"metric": "nmse"' r.json && grep -q '"ntrain": 300' r.json || { echo "FAIL JSON content"; cat r.json; fail=1; }
v=$(echo "$out" | sed 's/.* value=\([^ ]*\) .*/\1/')
awk -v v="$v" 'BEGIN { exit !(v < 1e-6) }' || { echo "FAIL ic_mode NMSE $v not ~0"; fail=1; }

"$LIEREG" probe -emb "$EMB" -target ic_mode -o r.json 2>err.txt; check "existing -o without -force" 2 $?
"$LIEREG" probe -emb "$EMB" -target ic_mode -o r.json -force >/dev/null; check "-force overwrites" 0 $?
"$LIEREG" probe -emb "$EMB" -target nu -probe_log -probe_metrc nmse 2>err.txt; check "misspelt option" 2 $?
grep -q "probe_metrc" err.txt || { echo "FAIL message does not name the option"; fail=1; }
"$LIEREG" probe -emb "$EMB" -target viscosity 2>err.txt; check "unknown target" 2 $?
cat err.txt
"$LIEREG" probe -emb "$EMB" -target ic_mode -probe_test_mode nolabels 2>err.txt; check "target missing from the file" 2 $?
cat err.txt
"$LIEREG" probe -emb "$EMB" -target nu -probe_test_mode short 2>err.txt; check "embedding/label count mismatch" 1 $?
cat err.txt
"$LIEREG" probe -emb "$EMB" -target ic_mode -probe_ntrain 6 2>err.txt; check "too few samples for 5-fold CV" 2 $?
cat err.txt
"$LIEREG" probe -emb missing.h5 -target nu 2>err.txt; check "missing file" 1 $?
"$LIEREG" probe -target nu 2>err.txt; check "missing -emb" 2 $?

one=$("$LIEREG" probe -emb "$EMB" -target nu -probe_log)
two=$($MPIEXEC --oversubscribe -n 2 "$LIEREG" probe -emb "$EMB" -target nu -probe_log); check "2 ranks" 0 $?
[ "$one" = "$two" ] || { echo "FAIL 1 vs 2 ranks differ:"; echo "$one"; echo "$two"; fail=1; }
[ $fail = 0 ] && echo PASSED || echo FAILED
exit $fail
