#!/bin/sh
# Collective error agreement: every command at 2 ranks with a path that is good on rank 0 and
# bad on rank 1 (or the other way round) — `mpiexec -n 1 -wdir A ... : -n 1 -wdir B ...`, as
# with node-local paths. Each run must end (timeout), exit 1 or 2 on both ranks, print exactly
# one "liereg: error" line naming the failing rank, and no MPI_ABORT banner.
. "$LIE_SRCDIR/tests/cli/lib.sh"
rm -rf A B && mkdir -p A B
LIMIT=60
TINY="-nn_backend ref -threads 1 -model_width 4 -model_expander 8,8,8 -train_batch 4 -aug_crop_t 8 -aug_crop_x 32"
(cd A && "$LIEREG" generate -pde ks -n 8 -nx 64 -nt 60 -save_n 20 -o ks.h5 > /dev/null 2>&1 &&
  "$LIEREG" pretrain -data ks.h5 -o c.h5 $TINY -train_steps 1 > /dev/null 2>&1 &&
  "$LIEREG" embed -ckpt c.h5 -data ks.h5 -o e.h5 -nn_backend ref > /dev/null 2>&1 &&
  mkdir -p out run qs && cp e.h5 run/) || { echo "FAIL making the inputs in A"; exit 1; }

# two RANK CMD...: RANK runs in B (which lacks the inputs), the other in A; that rank must be
# the one named (FAILS_IN_A=1: an existing path is the failure, so the other rank is named)
two() {
  inb=$1; shift
  if [ "$inb" = 1 ]; then w0=A w1=B; else w0=B w1=A; fi
  bad=$inb
  [ "${FAILS_IN_A:-0}" = 1 ] && bad=$((1 - inb))
  timeout $LIMIT "$MPIEXEC" --oversubscribe -n 1 -wdir "$w0" "$LIEREG" "$@" : -n 1 -wdir "$w1" "$LIEREG" "$@" \
    > out.txt 2> err.txt
  rc=$?
  n=$(grep -c "liereg: error" err.txt)
  if [ $rc -eq 124 ]; then
    fail "$*: hangs (killed after $LIMIT s)"
  elif { [ $rc -eq 1 ] || [ $rc -eq 2 ]; } && [ "$n" -eq 1 ] && grep -q "^\[$bad\] .*liereg: error" err.txt &&
    ! grep -q "MPI_ABORT" err.txt; then
    ok "$* (rank $bad fails): exit $rc, $(grep 'liereg: error' err.txt)"
  else
    fail "$* (rank $bad fails): exit $rc, $n error line(s):"
    cat err.txt
  fi
}
two 1 info ks.h5
two 1 generate -pde ks -n 2 -nx 64 -nt 60 -save_n 20 -o out/g.h5
two 1 augment -i ks.h5 -o out/a.h5 -aug_group x_shift -aug_eps 1
two 1 pretrain -data ks.h5 -o out/p.h5 $TINY -train_steps 1
two 1 embed -ckpt c.h5 -data ks.h5 -o out/e.h5 -nn_backend ref
two 1 probe -emb e.h5 -target ic_mode
two 1 probe -probe_mode trained -ckpt c.h5 -data ks.h5 -target ic_mode -nn_backend ref
# supervised has no expander and its own batch size: $TINY without those (unknown options come first)
two 1 supervised -data ks.h5 -test_data ks.h5 -target ic_mode $(echo "$TINY" | sed 's/-model_expander [^ ]*//; s/-train_batch [^ ]*//') -sup_epochs 1
two 1 report -dir run -o out/report
FAILS_IN_A=1 two 1 quickstart -quickstart_dir qs -quickstart_scale tiny
cp A/ks.h5 B/ # the output exists on one rank only
FAILS_IN_A=1 two 1 pretrain -data ks.h5 -o c.h5 $TINY -train_steps 1
FAILS_IN_A=1 echo "one-rank failures: $((FAILS)) failed"
finish
