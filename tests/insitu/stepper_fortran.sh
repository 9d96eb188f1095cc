#!/bin/sh
# The Fortran stepper binding (liereg_stepper_*) on test_infer_stepper's checkpoint: the
# Fortran program's prediction equals the C API's on the same window (sum and 4 values, to
# 1e-12 relative; both run the same fp32 forward, so they should agree to print precision).
set -u
ex=$1 ref=$2
mkdir -p "$LIE_TESTDIR" && cd "$LIE_TESTDIR" || exit 1
. "$LIE_SRCDIR/tests/cli/pipeline_lib.sh"
ck=$STEPPER_CKPT
expect 0 "fortran stepper H 4 F 4 nx 64 cond 1 sum=" "Fortran stepper binding" -- "$ex" "$ck"
"$ref" "$ck" > ref.txt || bad "C reference failed"
echo "C API:   $(cat ref.txt)"
grep "^fortran stepper" out.log | sed 's/.*sum= *//' > f.txt
echo "Fortran: $(cat f.txt)"
awk 'NR == FNR { for (i = 1; i <= 5; i++) r[i] = $i; next }
     { for (i = 1; i <= 5; i++) { d = $i - r[i]; if (d < 0) d = -d; a = r[i] < 0 ? -r[i] : r[i]
                                  if (!(d <= 1e-12 * a + 1e-15)) bad = 1 }
       n++ }
     END { printf "compared sum and 4 predicted values: %s\n", bad ? "DIFFER" : "equal"; exit bad || n != 1 }' ref.txt f.txt \
  && ok "Fortran stepper = C API" || bad "Fortran stepper output differs from the C API"
exit $fail
