#!/bin/sh
# `liereg generate` writes the same data on 1, 2 and 4 ranks (h5diff of the whole /train
# group, bit for bit), for each 1D PDE, and every file passes `liereg info`.
. "$(dirname "$0")/lib.sh"
for pde in ks kdv burgers; do
  for np in 1 2 4; do
    if $MPIEXEC --oversubscribe -n $np "$LIEREG" generate -pde $pde -n 5 -seed 3 -nt 50 -save_n 20 -${pde}_T 2 -o ${pde}_np$np.h5 -force > gen_$np.log 2>&1; then
      ok "$pde generate on $np ranks"
    else
      fail "$pde generate on $np ranks"; cat gen_$np.log
    fi
  done
  for np in 2 4; do
    if h5diff ${pde}_np1.h5 ${pde}_np$np.h5 /train /train > diff.txt 2>&1; then
      ok "$pde: file from $np ranks identical to 1 rank"
    else
      fail "$pde: $np ranks differ from 1 rank"; head -20 diff.txt
    fi
  done
  if "$LIEREG" info ${pde}_np1.h5 > info.txt; then ok "$pde: info passes"; else fail "$pde: info"; cat info.txt; fi
done
# A different seed gives different data (the comparison above can fail).
$MPIEXEC -n 1 "$LIEREG" generate -pde ks -n 5 -seed 4 -nt 50 -save_n 20 -ks_T 5 -o ks_seed4.h5 -force > /dev/null 2>&1
if h5diff -q ks_np1.h5 ks_seed4.h5 /train/pde_20-256 /train/pde_20-256 > /dev/null 2>&1; then
  fail "different seeds gave identical data"
else ok "different seeds give different data"; fi
finish
