#!/bin/sh
# Bad input: one clear stderr line naming the culprit, exit 2 (usage) or 1 (runtime),
# and no file left under the final name.
. "$(dirname "$0")/lib.sh"
rm -f x.h5 x.h5.tmp
expect_error 2 "unknown command 'generat'" "$LIEREG" generat -pde ks -n 2 -o x.h5
expect_error 2 "unknown PDE 'heat'" "$LIEREG" generate -pde heat -n 2 -o x.h5
expect_error 2 "-n must be a positive" "$LIEREG" generate -pde ks -n 0 -o x.h5
expect_error 2 "-n must be a positive" "$LIEREG" generate -pde ks -n -3 -o x.h5
expect_error 2 "unknown option -sed" "$LIEREG" generate -pde ks -n 2 -o x.h5 -sed 3
expect_error 2 "unknown mode 'training'" "$LIEREG" generate -pde ks -n 2 -o x.h5 -mode training
expect_error 2 "missing output file" "$LIEREG" generate -pde ks -n 2
expect_error 1 "cannot write /nonexistent/dir/x.h5: directory /nonexistent/dir does not exist" "$LIEREG" generate -pde ks -n 1 -o /nonexistent/dir/x.h5
[ ! -e x.h5 ] && ok "no output file after failures" || fail "x.h5 exists after failed runs"
"$LIEREG" generate -pde ks -n 1 -nt 50 -save_n 10 -ks_T 5 -o x.h5 > /dev/null 2>&1 || fail "generate -n 1"
expect_error 2 "x.h5 exists (use -force" "$LIEREG" generate -pde ks -n 1 -ks_T 5 -o x.h5
head -c 4000 x.h5 > truncated.h5
expect_error 1 "truncated.h5 is not a valid HDF5 file" "$LIEREG" info truncated.h5
expect_error 1 "cannot open missing.h5" "$LIEREG" info missing.h5
echo "not hdf5" > text.h5
expect_error 1 "text.h5 is not a valid HDF5 file" "$LIEREG" info text.h5
expect_error 2 "info takes exactly one file" "$LIEREG" info
expect_error 2 "-expect_ranks 3 but this run has 1" "$LIEREG" info x.h5 -expect_ranks 3
finish
