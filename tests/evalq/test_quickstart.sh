#!/bin/sh
# liereg quickstart at the tiny scale on 2 ranks: every stage reports progress, the report holds
# SSL + ridge, SSL + trained head and the supervised baseline for Burgers nu and KS ic_mode with finite numbers and
# label-size curves, and the Burgers time-stepping table (none / ssl / truth) and figure; an existing folder is refused without -force, too long a name too;
# the validation split is written and the augsearch commands that chose the strengths run on the
# quickstart's files without its labelled and test files (and are the ones docs/AUGSEARCH.md shows).
set -u
mkdir -p "$LIE_TESTDIR" && cd "$LIE_TESTDIR" || exit 1
rm -rf qs
fail=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; fail=1; }
$MPIEXEC --oversubscribe -n 2 "$LIEREG" quickstart -quickstart_dir qs -quickstart_scale tiny > qs.log 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q "quickstart done in .* report in qs/report/report.md" qs.log && ok "quickstart finished (exit 0)" || { bad "quickstart (exit $rc)"; tail -20 qs.log; }
n=$(grep -c "^quickstart \[[0-9]*/12, [0-9]* s\]" qs.log)
[ "$n" -eq 12 ] && ok "12 progress lines" || bad "progress lines ($n)"
md=qs/report/report.md
for pde in "burgers | nu" "ks | ic_mode"; do
  for m in "ssl+ridge" "ssl+trained" "supervised"; do
    line=$(grep -F "| $pde | $m |" "$md" | head -1)
    v=$(echo "$line" | awk -F'|' '{ v = $8; gsub(/ /, "", v); print v }')
    echo "$v" | grep -Eq '^-?[0-9.]+(e[-+]?[0-9]+)?$' && ok "$pde $m: value $v" || bad "$pde $m: '$line'"
  done
  p=$(echo "$pde" | cut -d' ' -f1)
  t=$(echo "$pde" | cut -d' ' -f3)
  [ -s "qs/report/sweep_${p}_${t}.png" ] && ok "label-size curve $p" || bad "label-size curve $p"
done
for f in qs/run/*.json; do # the quickstart's result files are strict JSON too
  python3 -m json.tool "$f" > /dev/null && ok "$f passes python3 -m json.tool" || bad "$f is not valid JSON"
done
[ ! -e qs/report.tmp ] && ok "no report.tmp left" || bad "qs/report.tmp left"
# time-stepping stage: the report's table has a Burgers row with none / ssl / truth numbers, and the figure
line=$(grep -F "| burgers | cnn |" "$md" | head -1)
nv=$(echo "$line" | awk -F'|' '{ n = 0; for (i = 4; i <= 6; i++) if ($i ~ /[0-9] ± [0-9]/) n++; print n }')
[ "$nv" = 3 ] && ok "time-stepping table: burgers none / ssl / truth ($line)" || bad "time-stepping row: '$line'"
[ -s qs/report/timestep_burgers.png ] && ok "NMSE-per-step figure" || bad "no timestep_burgers.png"
# the validation split, and the augsearch that chose the strengths run on the quickstart's own
# files with its labelled and test files moved away (it reads neither); the small scale's
# commands are the ones docs/AUGSEARCH.md records
for p in burgers ks; do
  [ -s qs/data/${p}_valid.h5 ] && ok "$p validation split written" || bad "no qs/data/${p}_valid.h5"
done
$MPIEXEC --oversubscribe -n 1 "$LIEREG" quickstart -quickstart_augsearch_cmd -quickstart_dir qs -quickstart_scale tiny > search_cmds.txt 2>&1
[ "$(grep -c '^mpiexec -n 2 liereg augsearch ' search_cmds.txt)" = 2 ] && ok "two augsearch commands printed" ||
  { bad "augsearch commands"; cat search_cmds.txt; }
rm -rf hidden && mkdir hidden && mv qs/data/*_labelled.h5 qs/data/*_test.h5 hidden/
while read -r line; do
  p=$(echo "$line" | sed 's|.* -data qs/data/\([a-z]*\)_unlabelled.h5 .*|\1|')
  $MPIEXEC --oversubscribe -n 2 "$LIEREG" ${line#mpiexec -n 2 liereg } < /dev/null > search_$p.log 2>&1
  rc=$?
  [ $rc -eq 0 ] && grep -q "^augsearch winner=" search_$p.log && [ -s qs/${p}_augsearch.opts ] &&
    ok "$p: augsearch on the quickstart's unlabelled + validation files, no labelled or test file present" ||
    { bad "$p augsearch (exit $rc)"; tail -5 search_$p.log; }
done << EOF
$(grep '^mpiexec -n 2 liereg augsearch ' search_cmds.txt)
EOF
mv hidden/* qs/data/
$MPIEXEC --oversubscribe -n 1 "$LIEREG" quickstart -quickstart_augsearch_cmd -quickstart_dir DIR > doc_cmds.txt 2>&1
[ "$(grep -c '^mpiexec -n 2 liereg augsearch ' doc_cmds.txt)" = 2 ] || { bad "small-scale commands"; cat doc_cmds.txt; }
while read -r line; do
  grep -qF -- "$line" "$LIE_SRCDIR/docs/AUGSEARCH.md" && ok "docs/AUGSEARCH.md records: ${line%% -threads*} ..." ||
    bad "docs/AUGSEARCH.md lacks: $line"
done << EOF
$(grep '^mpiexec -n 2 liereg augsearch ' doc_cmds.txt)
EOF
$MPIEXEC --oversubscribe -n 1 "$LIEREG" quickstart -quickstart_dir qs -quickstart_scale tiny > again.log 2>&1
[ $? -eq 2 ] && grep -q "qs exists (use -force" again.log && ok "existing folder refused (exit 2)" || { bad "existing folder"; cat again.log; }
long=$(printf 'd%.0s' $(seq 1 1000))
$MPIEXEC --oversubscribe -n 1 "$LIEREG" quickstart -quickstart_dir "$long" -quickstart_scale tiny > long.log 2>&1
[ $? -eq 2 ] && grep -q "quickstart_dir is longer than 960" long.log && [ ! -e "$long" ] && ok "too long a folder name refused (exit 2)" || { bad "long folder"; cat long.log; }
exit $fail
