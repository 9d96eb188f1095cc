#!/bin/sh
# liereg augsearch on one rank: the winner is at least as good as the defaults at the same budget
# (table), the options file runs pretrain, the test split is never opened (HDF5 trap, with a
# negative control showing the trap fires), a search stopped (test hook, then SIGTERM) and
# restarted gives the same table byte for byte, and bad options exit 2 with one line.
. "$(dirname "$0")/common.sh"
make_data

"$LIEREG" augsearch -data data.h5 -o best.opts -augsearch_table T.json $TINY $SEARCH > a.log 2>&1
rc=$?
[ $rc -eq 0 ] && [ -f best.opts ] && [ -f T.json ] && ok "search on train+valid (test split trapped): exit 0" || { bad "search: exit $rc"; cat a.log; }
grep "augsearch winner" a.log
python3 - T.json << 'PY' && ok "table: winner <= defaults at the final rung's steps" || bad "table check"
import json, sys
t = json.load(open(sys.argv[1]))
c, last = t["candidates"], len(t["rung_steps"]) - 1
w, d = c[t["winner"]], c[0]
assert d["defaults"] and d["rung"] == last and w["rung"] == last, (d, w)
assert w["steps"] == d["steps"] == t["rung_steps"][last], (w, d)
assert isinstance(w["score"], float) and isinstance(d["score"], float) and w["score"] <= d["score"], (w, d)
assert len(c) == 4 and all(len(x["strengths"]) == len(t["generators"]) == 5 for x in c)
assert t["metric"] == "relerr" and t["target"] == "nu" and t["valid_mode"] == "valid"
assert abs(t["cost_vs_final_run"] - t["total_steps"] / t["rung_steps"][last]) < 1e-12
PY

crop=$(sed -n 's/^-aug_crop_t //p' best.opts)
"$LIEREG" pretrain -options_file best.opts -data data.h5 -o p.h5 $TINY -train_steps 1 > p.log 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q "input ${crop}x1x64" p.log && ok "pretrain -options_file best.opts runs (crop $crop)" || { bad "pretrain -options_file: exit $rc"; cat best.opts p.log; }

"$LIEREG" embed -ckpt best.opts.d/cand000.h5 -data data.h5 -o e.h5 > e.log 2>&1
rc=$?
[ $rc -ne 0 ] && grep -q "embedded data.h5:/valid" e.log && ! grep -q "embedded data.h5:/test" e.log && ok "control: reading the trapped test split fails (embed of every split, exit $rc)" || { bad "the test-split trap did not fire: exit $rc"; cat e.log; }

# stopped by the test hook before its 3rd training, then twice more, then to the end
"$LIEREG" augsearch -data data.h5 -o r.opts -augsearch_table R.json $TINY $SEARCH -augsearch_stop_after 2 > r1.log 2>&1
rc1=$?
"$LIEREG" augsearch -data data.h5 -o r.opts -augsearch_table R.json $TINY $SEARCH -augsearch_stop_after 3 > r2.log 2>&1
rc2=$?
"$LIEREG" augsearch -data data.h5 -o r.opts -augsearch_table R.json $TINY $SEARCH > r3.log 2>&1
rc3=$?
[ $rc1 -eq 75 ] && [ $rc2 -eq 75 ] && [ $rc3 -eq 0 ] && grep -q "continuing the search" r3.log && cmp -s R.json T.json && same_opts r.opts best.opts &&
  ok "stopped twice (exit 75) and restarted: the same table and options" || { bad "resume: exits $rc1 $rc2 $rc3"; cat r1.log r3.log; diff R.json T.json; }

# SIGTERM in the middle of a training
"$LIEREG" augsearch -data data.h5 -o s.opts -augsearch_table S.json $TINY $SEARCH -verbose 2 > s1.log 2>&1 &
pid=$!
i=0
while ! grep -q "candidate 0, 3 steps" s1.log 2> /dev/null && [ $i -lt 3000 ]; do sleep 0.01; i=$((i + 1)); done
while ! grep -q "^pretraining" s1.log 2> /dev/null && [ $i -lt 6000 ]; do i=$((i + 1)); done
kill -TERM $pid
wait $pid
rc1=$?
"$LIEREG" augsearch -data data.h5 -o s.opts -augsearch_table S.json $TINY $SEARCH > s2.log 2>&1
rc2=$?
[ $rc1 -eq 75 ] && [ $rc2 -eq 0 ] && cmp -s S.json T.json && ok "SIGTERM (exit 75), restart: the same table" || { bad "SIGTERM: exits $rc1 $rc2"; tail -5 s1.log; diff S.json T.json; }

# bad options: exit 2, one line on stderr naming the option
for opt in "-augsearch_eta 1" "-augsearch_candidates abc" "-augsearch_valid_mode test" "-train_steps 5" \
  "-augsearch_range 0.5" "-augsearch_rungs 0" "-augsearch_bogus 1" "-augsearch_valid_data nosuch.h5" \
  "-augsearch_target velocity" "-augsearch_valid_mode train2" "-train_batch 64"; do
  "$LIEREG" augsearch -data data.h5 -o bad.opts $TINY $SEARCH $opt > bad.out 2> bad.err
  rc=$?
  n=$(wc -l < bad.err)
  name=${opt%% *}
  [ $rc -eq 2 ] && [ "$n" -eq 1 ] && grep -q -- "${name#-}" bad.err && [ ! -f bad.opts ] && ok "$opt: exit 2, one line" || { bad "$opt: exit $rc, $n lines"; cat bad.err; }
done
"$LIEREG" augsearch -data data.h5 -o best.opts $TINY $SEARCH > bad.out 2> bad.err
[ $? -eq 2 ] && grep -q "exists" bad.err && ok "an existing -o is not overwritten without -force" || bad "existing -o"

exit $fail
