#!/bin/sh
# The file written by test_ns2d_generate_np1 passes `liereg info` (schema, shapes, NaN/Inf,
# parameter ranges) and is reported with the PDEArena NS layout.
set -e
f="$(dirname "$LIE_TESTDIR")/ns2d_gen_np1_P1_mg.h5.tmp"
out=$($LIEREG info "$f")
echo "$out"
echo "$out" | grep -q "layout ns (PDEArena)"
echo "$out" | grep -q "passes all checks"
