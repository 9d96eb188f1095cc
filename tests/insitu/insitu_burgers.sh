#!/bin/sh
# examples/insitu_burgers on $1 ranks: its in-situ representations and nu predictions equal
# `liereg embed` + `liereg probe` on the same windows, bit for bit (same backend, 1 thread,
# batch 1); the numbers compared are printed by insitu_compare.
set -u
np=$1 ex=$2
mkdir -p "$LIE_TESTDIR" && cd "$LIE_TESTDIR" || exit 1
rm -f ./*.h5 ./*.txt ./*.csv
. "$LIE_SRCDIR/tests/cli/pipeline_lib.sh"
F=$FIXTURE
expect 0 "insitu_burgers: 40 frames" "in-situ run on $np rank(s)" -- $MPI -n "$np" "$ex" -nx 64 -nu 0.08 -T 6 -liereg_ckpt $F/ckpt.h5 -liereg_probe $F/nu_ridge.h5 -liereg_dump w
grep "^insitu t0=" out.log | head -3
n=$(grep -c "^insitu t0=" out.log)
[ "$n" -eq 9 ] && ok "9 windows embedded and predicted in-situ" || bad "$n in-situ windows (want 9)"
expect 0 "9 trajectories" "liereg embed of the same windows" -- "$LIEREG" embed -ckpt $F/ckpt.h5 -data w_windows.h5 -o w_emb.h5 -threads 1 -embed_batch 1
expect 0 "probe target=nu" "liereg probe on them" -- "$LIEREG" probe -emb $F/tr_emb.h5 -probe_train_mode train -probe_test_emb w_emb.h5 -target nu -probe_log -probe_predictions w_pred.csv
if "$COMPARE" w_insitu.txt w_emb.h5 w_pred.csv; then ok "in-situ = CLI (bit for bit)"; else bad "in-situ differs from the CLI"; fi
exit $fail
