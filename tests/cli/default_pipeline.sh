#!/bin/sh
# Every command runs on defaults (issue 11 item 1): generate -> pretrain -> embed -> probe for
# ks, kdv, burgers and ns with no option but sizes (-n, -train_steps) and the files
# themselves. Before, pretrain's default crops did not match its model ("view is 140 x 256,
# model expects 70 x 256"), the default batch of 32 did not fit a small file and probe needed
# -target.
. "$(dirname "$0")/lib.sh"
MPI="$MPIEXEC --oversubscribe -n 2"
for pde in ks kdv burgers ns; do
  rm -f "$pde"_*.h5
  if $MPI "$LIEREG" generate -pde $pde -n 10 -o ${pde}_train.h5 > gen.log 2>&1 &&
    $MPI "$LIEREG" generate -pde $pde -n 10 -mode test -o ${pde}_test.h5 >> gen.log 2>&1; then
    ok "$pde: generate train (10) and test (10)"
  else
    fail "$pde: generate"; cat gen.log; continue
  fi
  if "$LIEREG" pretrain -data ${pde}_train.h5 -o ${pde}_c.h5 -train_steps 1 > pre.log 2>&1; then
    ok "$pde: pretrain on defaults: $(grep '^pretraining' pre.log | sed 's/.*steps\/epoch, //')"
  else
    fail "$pde: pretrain"; cat pre.log; continue
  fi
  if "$LIEREG" embed -ckpt ${pde}_c.h5 -data ${pde}_train.h5,${pde}_test.h5 -o ${pde}_e.h5 > emb.log 2>&1; then
    ok "$pde: embed"
  else
    fail "$pde: embed"; cat emb.log; continue
  fi
  if "$LIEREG" probe -emb ${pde}_e.h5 > probe.log 2>&1 && grep -q "metric" probe.log; then
    ok "$pde: probe: $(grep -m1 'target=' probe.log)"
  else
    fail "$pde: probe"; cat probe.log
  fi
done
finish
