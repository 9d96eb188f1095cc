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

"$LIEREG" probe -emb "$EMB" -target ic_mode -probe_predictions pred.csv -force >/dev/null; check "predictions CSV" 0 $?
[ "$(head -1 pred.csv)" = "row,output,true,pred" ] && [ "$(wc -l < pred.csv)" = 201 ] || { echo "FAIL pred.csv (header + 100 rows x 2 outputs)"; fail=1; }
awk -F, 'NR > 1 { d = $3 - $4; if (d < 0) d = -d; if (d > 1e-6) bad = 1 } END { exit bad }' pred.csv || { echo "FAIL predictions differ from truth"; fail=1; }
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

out=$("$LIEREG" probe -emb "$EMB" -target nu -probe_sweep 16,64,256 -probe_sweep_seeds 3 -o sweep.json -force)
check "label-size sweep" 0 $?
echo "$out"
[ "$(echo "$out" | grep -c '^sweep target=nu metric=relerr ntrain=.* seeds=3 mean=')" = 3 ] || { echo "FAIL 3 sweep lines"; fail=1; }
grep -q '"sweep": \[{"ntrain": 16, "seeds": 3' sweep.json || { echo "FAIL sweep JSON"; cat sweep.json; fail=1; }
"$LIEREG" probe -emb "$EMB" -target nu -probe_sweep 2>err.txt; check "-probe_sweep without sizes" 2 $?
# -probe_subset_seed from the command line: the sweep's entry (64 labels, seed 2) is that single run
one=$("$LIEREG" probe -emb "$EMB" -target nu -probe_ntrain 64 -probe_subset_seed 2 -o seed2.json -force); check "-probe_subset_seed on the command line" 0 $?
v2=$(echo "$one" | sed 's/.* value=\([^ ]*\) .*/\1/')
grep -q "\"ntrain\": 64, \"seeds\": 3, .*\"values\": \[[^,]*, $(grep -o '"value": [^,]*' seed2.json | cut -d' ' -f2)," sweep.json && echo "ok   sweep seed 2 at 64 labels = -probe_subset_seed 2 ($v2)" || { echo "FAIL subset seed 2 differs from the sweep's entry"; cat seed2.json sweep.json; fail=1; }
rm -f scatter.png curve.png
"$LIEREG" probe -emb "$EMB" -target ic_mode -probe_plot scatter.png >/dev/null; check "predicted-vs-true PNG" 0 $?
"$LIEREG" probe -emb "$EMB" -target nu -probe_sweep 16,64 -probe_plot curve.png >/dev/null; check "sweep PNG" 0 $?
for f in scatter.png curve.png; do
  [ "$(head -c 4 $f | od -An -c | tr -d ' ')" = "211PNG" ] || { echo "FAIL $f is not a PNG"; fail=1; }
done
"$LIEREG" probe -emb "$EMB" -target nu -probe_plot curve.png 2>err.txt; check "existing PNG without -force" 2 $?

one=$("$LIEREG" probe -emb "$EMB" -target nu -probe_log)
two=$($MPIEXEC --oversubscribe -n 2 "$LIEREG" probe -emb "$EMB" -target nu -probe_log); check "2 ranks" 0 $?
[ "$one" = "$two" ] || { echo "FAIL 1 vs 2 ranks differ:"; echo "$one"; echo "$two"; fail=1; }
[ $fail = 0 ] && echo PASSED || echo FAILED
exit $fail
