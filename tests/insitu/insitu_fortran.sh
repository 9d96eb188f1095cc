#!/bin/sh
# examples/insitu_burgers.f90 on $1 ranks: each rank's nu (17 digits) and first
# representation values equal those of the C API on the same window (fortran_ref).
set -u
np=$1 ex=$2 ref=$3
mkdir -p "$LIE_TESTDIR" && cd "$LIE_TESTDIR" || exit 1
. "$LIE_SRCDIR/tests/cli/pipeline_lib.sh"
F=$FIXTURE
expect 0 "fortran rank 0: repr 32 nu_pred=" "Fortran example on $np rank(s)" -- $MPI -n "$np" "$ex" $F/ckpt.h5 $F/nu_ridge.h5
grep "^fortran rank" out.log
n=$(grep -c "^fortran rank" out.log)
[ "$n" -eq "$np" ] && ok "$np rank(s) printed a prediction" || bad "$n prediction lines (want $np)"
"$ref" $F/ckpt.h5 $F/nu_ridge.h5 > ref.txt || bad "C reference failed"
echo "C API: $(cat ref.txt)"
grep "^fortran rank" out.log | sed 's/.*nu_pred= *//; s/ z(1:4)=/ /' > f.txt
awk 'NR == FNR { for (i = 1; i <= 5; i++) r[i] = $i; next }
     { if ($1 + 0 != r[1] + 0) bad = 1
       for (i = 2; i <= 5; i++) { d = $i - r[i]; if (d < 0) d = -d; if (!(d <= 1e-6 * (r[i] < 0 ? -r[i] : r[i]) + 1e-12)) bad = 1 }
       n++ }
     END { printf "compared %d rank(s): nu exact, 4 representation values to print precision\n", n; exit bad || n == 0 }' ref.txt f.txt \
  && ok "Fortran = C API" || bad "Fortran output differs from the C API"
exit $fail
