#!/bin/sh
# liereg pretrain / embed from the command line: a short run with its CSV log, refusal to
# overwrite, bad input (exit 2 with a clear message), divergence (exit 1), SIGUSR1 pre-emption
# then resume, and embed: shape, copied parameters, identical output on 1 and 2 ranks.
set -u
mkdir -p "$LIE_TESTDIR" && cd "$LIE_TESTDIR" || exit 1
rm -f ./*.h5 ./*.csv ./*.log
fail=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; fail=1; }
MPI="$MPIEXEC --oversubscribe"
TINY="-nn_backend ref -threads 1 -model_width 4 -model_expander 16,16,16 -train_batch 8 -aug_crop_t 8 -aug_crop_x 32 -train_epochs 4 -seed 7 -train_progress 2"

# expect CODE PATTERN LABEL -- command...
expect() {
  code=$1 pat=$2 label=$3
  shift 4
  "$@" > out.log 2>&1
  rc=$?
  if [ "$rc" -eq "$code" ] && grep -q -- "$pat" out.log; then ok "$label (exit $rc)"; else bad "$label (exit $rc, want $code and '$pat')"; cat out.log; fi
}

"$MKDATA" data.h5 48 20 64 3 > /dev/null || { echo "FAIL making data"; exit 1; }
"$MKDATA" test.h5 24 20 64 4 test > /dev/null || { echo "FAIL making test data"; exit 1; }

expect 2 "cannot read data file" "missing data file" -- $MPI -n 1 "$LIEREG" pretrain -data nope.h5 -o c.h5 $TINY
expect 2 "unknown option -train_batchh" "misspelt option" -- $MPI -n 1 "$LIEREG" pretrain -data data.h5 -o c.h5 $TINY -train_batchh 4
expect 2 "not divisible by the 2 MPI ranks" "batch 7 on 2 ranks" -- $MPI -n 2 "$LIEREG" pretrain -data data.h5 -o c.h5 $TINY -train_batch 7
expect 2 "larger than the trajectories" "crop larger than the data" -- $MPI -n 1 "$LIEREG" pretrain -data data.h5 -o c.h5 $TINY -aug_crop_t 64
[ ! -e c.h5 ] && ok "no output written by the failed runs" || bad "failed runs left c.h5"

expect 0 "stopped (-train_steps) at step 6" "6-step run (one epoch of 48/8) on 2 ranks" -- $MPI -n 2 "$LIEREG" pretrain -data data.h5 -o c.h5 $TINY -train_steps 6 -train_log c.csv
grep -q "step 6/6 epoch 0 loss" out.log && grep -q "samples/s" out.log && grep -q "ETA" out.log && ok "progress line with throughput and ETA" || bad "progress line"
[ "$(head -1 c.csv)" = "step,epoch,loss,inv,var,cov,lr,samples_per_s,rankme,repr_std" ] && [ "$(wc -l < c.csv)" -eq 7 ] && ok "CSV log header + 6 rows" || { bad "CSV log"; cat c.csv; }
# per-epoch diagnostics: RankMe in [1, 32] and repr std > 0 on the epoch's last step, empty before
awk -F, 'NR > 1 && NR < 7 && ($9 != "" || $10 != "") { bad = 1 } NR == 7 && !($9 >= 1 && $9 <= 32 && $10 > 0) { bad = 1 } END { exit bad }' c.csv && ok "RankMe and repr std on the last step of the epoch ($(tail -1 c.csv | cut -d, -f9,10))" || { bad "RankMe columns"; cat c.csv; }
grep -Eq "epoch 0 done: .*RankMe $(tail -1 c.csv | cut -d, -f9 | xargs printf '%.2f')" out.log && ok "CSV RankMe = the logged one" || bad "CSV RankMe differs from the log line"
sum=$(cksum < c.h5)
expect 2 "exists (use -force" "existing output refused" -- $MPI -n 1 "$LIEREG" pretrain -data data.h5 -o c.h5 $TINY -train_steps 4
[ "$(cksum < c.h5)" = "$sum" ] && ok "existing checkpoint untouched" || bad "checkpoint changed"
expect 1 "training diverged" "lr 1e30 diverges with a clear error" -- $MPI -n 1 "$LIEREG" pretrain -data data.h5 -o nan.h5 $TINY -train_steps 6 -train_lr 1e30 -train_schedule constant -train_warmup 0 -train_ckpt_every 1

# pre-emption: SIGUSR1 -> checkpoint at the next step boundary, exit 75; then resume
"$LIEREG" pretrain -data data.h5 -o sig.h5 $TINY -train_epochs 400 -train_log sig.csv > sig.log 2>&1 &
pid=$!
i=0
lines() { if [ -f "$1" ]; then wc -l < "$1"; else echo 0; fi; }
while [ "$(lines sig.csv)" -lt 4 ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
kill -USR1 $pid
wait $pid
rc=$?
grep -q "stop requested (signal)" sig.log && [ $rc -eq 75 ] && [ -f sig.h5 ] && ok "SIGUSR1: checkpoint written, exit 75" || { bad "SIGUSR1 (exit $rc)"; cat sig.log; }
k=$(tail -1 sig.csv | cut -d, -f1)
expect 0 "resumed from sig.h5 at step $k" "resume after pre-emption at step $k" -- $MPI -n 1 "$LIEREG" pretrain -data data.h5 -o sig.h5 $TINY -train_epochs 400 -train_log sig.csv -train_resume sig.h5 -train_steps $((k + 2))
[ "$(tail -1 sig.csv | cut -d, -f1)" = "$((k + 2))" ] && ok "log continues to step $((k + 2))" || bad "log after resume"
# a crash after the checkpoint: log rows past the checkpoint's step are dropped on resume; a log
# in the older 8-column format gets the new header and empty diagnostics columns
{ echo "step,epoch,loss,inv,var,cov,lr,samples_per_s"; tail -n +2 sig.csv | cut -d, -f1-8; } > old.csv && mv old.csv sig.csv
echo "$((k + 3)),0,1,1,1,1,1,1" >> sig.csv
"$LIEREG" pretrain -data data.h5 -o sig.h5 $TINY -train_epochs 400 -train_log sig.csv -train_resume sig.h5 -train_steps $((k + 3)) > /dev/null 2>&1
[ "$(cut -d, -f1 sig.csv | tail -n +2 | sort -n | uniq -d | wc -l)" -eq 0 ] && [ "$(wc -l < sig.csv)" -eq $((k + 4)) ] && ok "resumed log has each step once" || { bad "duplicate steps in the log"; cat sig.csv; }
[ "$(head -1 sig.csv)" = "step,epoch,loss,inv,var,cov,lr,samples_per_s,rankme,repr_std" ] && [ "$(awk -F, '{ print NF }' sig.csv | sort -u)" = "10" ] && ok "old-format log upgraded: new header, 10 columns on every row" || { bad "old log upgrade"; cat sig.csv; }

# embed
expect 2 "cannot read checkpoint" "embed: missing checkpoint" -- $MPI -n 1 "$LIEREG" embed -ckpt none.h5 -data data.h5 -o e.h5
expect 2 "appears in two -data files" "embed: same split twice" -- $MPI -n 1 "$LIEREG" embed -ckpt c.h5 -data data.h5,data.h5 -o e0.h5 -nn_backend ref
expect 0 "embedded test.h5:/test: 24 trajectories" "embed train + test on 1 rank" -- $MPI -n 1 "$LIEREG" embed -ckpt c.h5 -data data.h5,test.h5 -o e1.h5 -nn_backend ref -threads 1 -embed_batch 5
grep -q "embedded data.h5:/train: 48 trajectories" out.log && ok "  ... and /train from data.h5" || bad "train split not embedded"
expect 0 "embedded data.h5:/train: 48 trajectories" "embed on 2 ranks" -- $MPI -n 2 "$LIEREG" embed -ckpt c.h5 -data data.h5,test.h5 -o e2.h5 -nn_backend ref -threads 1
h5ls e1.h5/train > ls.log
grep -q "^emb *Dataset {48, 32}" ls.log && ok "emb is (48, 32) = N x 8 width" || { bad "emb shape"; cat ls.log; }
for p in L T ic_amp ic_phase ic_l seed; do grep -q "^$p " ls.log || bad "parameter $p not copied"; done
h5diff --exclude-attribute /train/seed data.h5 e1.h5 /train/seed /train/seed > /dev/null && h5diff --exclude-attribute /train/ic_amp data.h5 e1.h5 /train/ic_amp /train/ic_amp > /dev/null && ok "parameters copied exactly" || bad "parameter copies differ"
h5diff e1.h5 e2.h5 /train/emb /train/emb > diff.log && ok "embeddings identical on 1 and 2 ranks (and batch 5 vs 16)" || { bad "embeddings differ"; head diff.log; }
h5diff e1.h5 e2.h5 /test/emb /test/emb > diff.log && ok "test split identical on 1 and 2 ranks" || bad "test embeddings differ"
h5ls e1.h5/test | grep -q "^emb *Dataset {24, 32}" && ok "/test/emb is (24, 32)" || bad "/test/emb shape"
expect 0 "probe target=ic_mode" "liereg probe reads the embedding file" -- $MPI -n 1 "$LIEREG" probe -emb e1.h5 -target ic_mode -probe_bootstrap 10
# incompatible data (an embedding file has /train but no trajectories) and collapse detection
expect 1 "has no pde_<nt>-<nx> dataset" "incompatible dataset" -- $MPI -n 1 "$LIEREG" pretrain -data e1.h5 -pde ks -o bad.h5 $TINY
expect 1 "representations collapsed at epoch 0" "collapse guard (RankMe below -train_min_rankme 1000)" -- $MPI -n 1 "$LIEREG" pretrain -data data.h5 -o col.h5 $TINY -train_min_rankme 1000 -train_steps 8
[ ! -e bad.h5 ] && [ ! -e col.h5 ] && ok "no checkpoint written by either" || bad "a checkpoint was written"
exit $fail
