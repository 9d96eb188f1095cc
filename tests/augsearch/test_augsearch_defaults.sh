#!/bin/sh
# liereg augsearch with no -augsearch_ option (8 candidates, 3 rungs, 100..400 steps): the product
# is its defaults, so they must run (here with a tiny encoder; minutes, label slow).
. "$(dirname "$0")/common.sh"
make_data
# the product: no -augsearch_ option at all (8 candidates, 3 rungs, 100..400 steps)
"$LIEREG" augsearch -data data.h5 -o def.opts $TINY > def.log 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q "^-aug_strengths" def.opts && grep -q "rung 3 of 3 (400 steps)" def.log && ok "defaults: -data F -o best.opts" || { bad "defaults: exit $rc"; tail -5 def.log; }
grep "augsearch cost" def.log
exit $fail
