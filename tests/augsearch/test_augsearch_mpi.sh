#!/bin/sh
# liereg augsearch on 2 MPI ranks in groups of 1: two candidates train at once (one per group),
# and the table is the one-rank search's, byte for byte (each candidate's training and score do
# not depend on which group ran it).
. "$(dirname "$0")/common.sh"
make_data
"$LIEREG" augsearch -data data.h5 -o one.opts -augsearch_table one.json $TINY $SEARCH > one.log 2>&1 || { bad "1 rank"; cat one.log; }
"$MPIEXEC" --oversubscribe -n 2 "$LIEREG" augsearch -data data.h5 -o two.opts -augsearch_table two.json $TINY $SEARCH -augsearch_group_size 1 > two.log 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q "2 group(s) of 1 rank(s)" two.log && grep -q "group 1: candidate 1," two.log && grep -q "group 0: candidate 0," two.log &&
  ok "2 ranks, groups of 1: candidates 0 and 1 on groups 0 and 1" || { bad "2 ranks: exit $rc"; cat two.log; }
cmp -s one.json two.json && same_opts one.opts two.opts && ok "the same table and options as on 1 rank" || { bad "tables differ"; diff one.json two.json; }
"$MPIEXEC" --oversubscribe -n 2 "$LIEREG" augsearch -data data.h5 -o bad.opts $TINY $SEARCH -augsearch_group_size 3 > bad.out 2> bad.err
rc=$?
[ $rc -eq 2 ] && [ "$(grep -c "liereg: error" bad.err)" -eq 1 ] && grep -q "augsearch_group_size 3" bad.err && ok "group size not dividing the ranks: exit 2, one line" || { bad "group size 3: exit $rc"; cat bad.err; }
exit $fail
