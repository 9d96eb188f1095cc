#!/bin/sh
# liereg plot and report at the command line: plot on 2 ranks returns (rank 0 reads through
# MPI_COMM_SELF), bad -field/-frames/-index are usage errors (exit 2) that leave no output
# and no .tmp; liereg probe's JSON for a path with a quote passes python3 -m json.tool.
set -u
D="$LIE_TESTDIR"
rm -rf "$D" && mkdir -p "$D" && cd "$D" || exit 1
MPI="$MPIEXEC --oversubscribe"
fail=0
check() { # check NAME EXPECTED_EXIT ACTUAL_EXIT
  if [ "$2" = "$3" ]; then echo "ok   $1 (exit $3)"; else echo "FAIL $1: exit $3, expected $2"; fail=1; fi
}
"$LIEREG" generate -pde kdv -n 2 -nx 64 -nt 20 -save_n 20 -o k.h5 > gen.log 2>&1; check "generate a small KdV file" 0 $?

timeout 120 $MPI -n 2 "$LIEREG" plot -i k.h5 -index 1 -o p2.png -views -aug_crop_t 10 -aug_crop_x 32 > p2.log 2>&1
check "plot on 2 ranks returns" 0 $?
head -c 8 p2.png | od -An -c | grep -q "P   N   G" && echo "ok   p2.png is a PNG" || { echo "FAIL p2.png"; fail=1; }
for bad in "-field zz" "-field vx" "-frames 0" "-frames -5" "-index 7" "-index -1" "2 ranks: -index 9"; do
  run="timeout 60"
  case "$bad" in "2 ranks: "*) bad=${bad#2 ranks: } run="timeout 60 $MPI -n 2" ;; esac
  # shellcheck disable=SC2086
  $run "$LIEREG" plot -i k.h5 -o bad.png $bad 2> err.txt
  check "plot $bad" 2 $?
  # rank 0 names the problem once (other ranks' lines: main.c's error agreement across ranks)
  [ "$(grep -c '^\[0\].*error' err.txt)" = 1 ] || { echo "FAIL plot $bad: not one error line on rank 0"; cat err.txt; fail=1; }
  [ ! -e bad.png ] && [ ! -e bad.png.tmp ] || { echo "FAIL plot $bad left a file"; ls; fail=1; }
done

# JSON of liereg probe for paths holding a quote (the synthetic embedding file of test_probe)
EMB="$LIE_TESTDIR/../../eval/probe_emb.h5"
if [ -r "$EMB" ]; then
  mkdir -p 'q"dir' && cp "$EMB" 'q"dir/e.h5'
  "$LIEREG" probe -emb 'q"dir/e.h5' -target nu -o 'q"dir/r.json' > /dev/null; check "probe with a quote in the path" 0 $?
  python3 -m json.tool 'q"dir/r.json' > /dev/null; check "its JSON passes python3 -m json.tool" 0 $?
  "$LIEREG" probe -emb 'q"dir/e.h5' -target nu -probe_sweep 16,64 -o 'q"dir/s.json' > /dev/null
  python3 -m json.tool 'q"dir/s.json' > /dev/null; check "sweep JSON passes python3 -m json.tool" 0 $?
  "$LIEREG" report -dir 'q"dir' -o rep > /dev/null; check "report of that directory" 0 $?
  [ -s rep/report.md ] && [ ! -e rep.tmp ] && echo "ok   rep/report.md written, no rep.tmp" || { echo "FAIL report"; fail=1; }
  echo '{"target": "nu", "metric": nan}' > 'q"dir/broken.json'
  "$LIEREG" report -dir 'q"dir' -o rep3 2> err.txt; check "report of a directory with invalid JSON" 1 $?
  [ ! -e rep3 ] && [ ! -e rep3.tmp ] && echo "ok   no partial report directory" || { echo "FAIL partial report left"; fail=1; }
else
  echo "skip probe JSON checks: $EMB missing (run test_probe first)"
fi
exit $fail
