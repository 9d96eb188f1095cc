#!/bin/sh
# The downstream pipeline from the command line at tiny sizes: generate (Burgers, varying nu)
# -> pretrain -> embed -> probe -> supervised -> report; the report's tables parse and hold
# finite numbers, its figures exist; bad input gives clear errors (exit 2).
set -u
mkdir -p "$LIE_TESTDIR" && cd "$LIE_TESTDIR" || exit 1
rm -rf ./*.h5 ./*.json ./*.csv ./*.log run rep empty
. "$LIE_SRCDIR/tests/cli/pipeline_lib.sh"
GEN="-nx 64 -burgers_nu_min 0.03 -burgers_nu_max 0.3 -burgers_T 6 -nt 40 -save_n 24 -accuracy 1e-3"
NN="-nn_backend ref -threads 1 -model_dims 1 -model_width 4 -aug_crop_t 8 -seed 3"

# exactly one line from liereg (mpiexec adds its own notice about the exit code)
one_error() { n=$(grep -c 'liereg: ' out.log); [ "$n" -eq 1 ] && grep -q 'liereg: error: ' out.log && ok "  ... one error line: $(grep 'liereg: ' out.log | cut -c1-90)" || { bad "  ... $n lines from liereg"; cat out.log; }; }

mkdir -p run
expect 0 "done=32/32" "generate train" -- $MPI -n 2 "$LIEREG" generate -pde burgers -n 32 -seed 1 -o tr.h5 $GEN
expect 0 "done=16/16" "generate test" -- $MPI -n 2 "$LIEREG" generate -pde burgers -n 16 -seed 1 -mode test -o te.h5 $GEN
expect 0 "stopped (-train_steps) at step 6" "pretrain 6 steps on 2 ranks" -- $MPI -n 2 "$LIEREG" pretrain -data tr.h5 -o run/ckpt.h5 $NN -model_expander 16,16,16 -train_batch 8 -train_epochs 3 -train_steps 6 -train_log run/pretrain.csv -train_min_rankme 1.0
expect 0 "32 trajectories" "embed train" -- $MPI -n 2 "$LIEREG" embed -ckpt run/ckpt.h5 -data tr.h5 -o run/tr_emb.h5 -nn_backend ref
expect 0 "16 trajectories" "embed test" -- $MPI -n 2 "$LIEREG" embed -ckpt run/ckpt.h5 -data te.h5 -o run/te_emb.h5 -nn_backend ref
expect 0 "probe target=nu metric=relerr" "probe" -- $MPI -n 2 "$LIEREG" probe -emb run/tr_emb.h5 -probe_test_emb run/te_emb.h5 -target nu -probe_log -o run/probe.json -probe_predictions run/probe.csv
expect 0 "sweep target=nu metric=relerr ntrain=16" "probe sweep" -- $MPI -n 1 "$LIEREG" probe -emb run/tr_emb.h5 -probe_test_emb run/te_emb.h5 -target nu -probe_log -probe_sweep 12,16 -probe_sweep_seeds 2 -o run/probe_sweep.json
PT="-probe_mode trained -ckpt run/ckpt.h5 -data tr.h5 -probe_test_data te.h5 -target nu -probe_log -nn_backend ref -threads 1 -probe_epochs 30"
expect 0 "probe mode=trained target=nu metric=relerr" "trained probe on 2 ranks" -- $MPI -n 2 "$LIEREG" probe $PT -o run/trained.json -probe_predictions run/trained.csv
grep -q "frozen 1D width 4 encoder (repr 32, input 1x8x64), random crops" out.log && ok "trained probe: the checkpoint's encoder and crop" || bad "trained probe model"
expect 0 "sweep mode=trained target=nu metric=relerr ntrain=16" "trained probe sweep" -- $MPI -n 1 "$LIEREG" probe $PT -probe_sweep 12,16 -probe_sweep_seeds 2 -o run/trained_sweep.json
SUP="-data tr.h5 -test_data te.h5 -target nu -sup_log -sup_model_from run/ckpt.h5 -nn_backend ref -threads 1 -sup_lr 1e-3 -sup_epochs 3 -sup_batch 8"
expect 0 "supervised target=nu metric=relerr" "supervised on 2 ranks" -- $MPI -n 2 "$LIEREG" supervised $SUP -o run/sup.json -sup_predictions run/sup.csv
grep -q "model 1D width 4 input 1x8x64" out.log && ok "supervised uses the checkpoint's encoder and crop" || bad "supervised model from checkpoint"
expect 0 "sweep method=supervised target=nu metric=relerr ntrain=16" "supervised sweep" -- $MPI -n 1 "$LIEREG" supervised $SUP -sup_sweep 12,16 -sup_sweep_seeds 2 -o run/sup_sweep.json
expect 0 "report of 6 result files" "report" -- $MPI -n 2 "$LIEREG" report -dir run -o rep

# the report: tables parse, every number finite
md=rep/report.md
rows=$(awk -F'|' 'NF == 11 && /^\| burgers \| nu \| (ssl\+ridge|supervised|ssl\+trained) \| [0-9]+ \| [0-9]+ \| relerr \|/ { print }' "$md" | wc -l)
[ "$rows" -eq 3 ] && ok "results table: 3 rows (ridge probe, trained probe, supervised)" || { bad "results table ($rows rows)"; cat "$md"; }
nonfinite=$(awk -F'|' '/^\| burgers \| nu \|/ { for (i = 8; i <= 9; i++) { v = $i; gsub(/ /, "", v); if (v !~ /^-?[0-9.]+(e[-+]?[0-9]+)?$/) print "bad cell: " v } }' "$md")
[ -z "$nonfinite" ] && ok "value and error columns numeric and finite" || { bad "table cells: $nonfinite"; }
sweeps=$(awk -F'|' '/^\| burgers \| nu \| (ssl\+ridge|supervised|ssl\+trained) \| (12|16) \| 2 \| relerr \|/ { print }' "$md" | wc -l)
[ "$sweeps" -eq 6 ] && ok "sweep table: 2 sizes x 3 methods" || { bad "sweep table ($sweeps rows)"; }
grep -Eq '^\| burgers \| relerr \| 1.18 \| 0.97 \| [0-9.]+ ± [0-9.e-]+ \| [0-9.]+ ± [0-9.e-]+ \| [0-9.]+ ± [0-9.e-]+ \|$' "$md" && ok "paper table row for burgers with our numbers (supervised, ridge, trained head)" || { bad "paper table"; grep burgers "$md"; }
grep -q "as recalled, not verified" "$md" && ok "paper numbers labelled as recalled" || bad "paper label"
grep -Eq '^\| pretrain.csv \| 6 \|' "$md" && ok "pretraining log table" || bad "pretraining table"
# RankMe over training: 32 trajectories / batch 8 = 4 steps per epoch -> one finished epoch in 6 steps
grep -Eq '^\| pretrain.csv \| 6 \| .* \| 1 \| [0-9.]+ → [0-9.]+ \| [0-9.e-]+ → [0-9.e-]+ \|$' "$md" && ok "pretraining table: RankMe and repr std of the epoch" || { bad "RankMe in the pretraining table"; grep pretrain.csv "$md"; }
awk -F, 'NR > 1 && $9 != "" { n++; if (!($9 >= 1 && $9 <= 32)) bad = 1 } END { exit (bad || n != 1) }' run/pretrain.csv && ok "log: one finite RankMe in [1, 32] (step 4)" || { bad "RankMe column of the log"; cat run/pretrain.csv; }
grep -Eq '^\| tr_emb.h5 \| train \| 32 \| 32 \| [0-9.]+ \|' "$md" && ok "RankMe table" || bad "RankMe table"
for f in scatter_probe.png scatter_sup.png scatter_trained.png sweep_burgers_nu.png pretrain_pretrain.png rankme_pretrain.png; do
  [ -s "rep/$f" ] && [ "$(head -c 4 "rep/$f" | od -An -c | tr -d ' ')" = "211PNG" ] && ok "figure $f" || bad "figure $f"
  grep -q "($f)" "$md" || bad "report does not link $f"
done
grep -q '"best_lr": 0.001' run/sup.json && grep -q '"best_epoch": [1-3]' run/sup.json && ok "lr and epoch choice recorded" || bad "selection in JSON"
grep -q '"mode": "trained"' run/trained.json && grep -Eq '"best_lr": (0.03|0.01|0.003), "best_epoch": [0-9]+' run/trained.json && grep -q '"lr_grid": \[{"lr": 0.03' run/trained.json && ok "trained probe JSON: mode, lr and epoch choice" || { bad "trained probe JSON"; cat run/trained.json; }
for f in run/*.json; do # every result file is strict JSON (docs/EVAL.md "Result files")
  python3 -m json.tool "$f" > /dev/null && ok "$f passes python3 -m json.tool" || bad "$f is not valid JSON"
done

# bad input
expect 2 "has no dataset 'buo_y'" "supervised: target missing from the file" -- $MPI -n 1 "$LIEREG" supervised $SUP -target buo_y
expect 2 "too few labelled trajectories" "supervised: too few labels" -- $MPI -n 1 "$LIEREG" supervised $SUP -sup_ntrain 3
expect 2 "unknown target" "supervised: unknown target" -- $MPI -n 1 "$LIEREG" supervised $SUP -target viscosity
expect 2 "cannot read data file -test_data" "supervised: missing test file" -- $MPI -n 1 "$LIEREG" supervised $SUP -test_data none.h5
expect 2 "exists (use -force" "supervised: existing output refused" -- $MPI -n 1 "$LIEREG" supervised $SUP -o run/sup.json
expect 2 "needs -ckpt CKPT.h5" "trained probe: missing -ckpt" -- $MPI -n 1 "$LIEREG" probe -probe_mode trained -data tr.h5 -target nu
one_error
expect 2 "has no dataset 'buo_y'" "trained probe: target missing from the file" -- $MPI -n 1 "$LIEREG" probe $PT -target buo_y
one_error
expect 0 "done=4/4" "generate 6-frame trajectories" -- $MPI -n 1 "$LIEREG" generate -pde burgers -n 4 -seed 2 -o short.h5 $GEN -save_n 6
expect 2 "larger than the trajectories" "trained probe: crop larger than the data" -- $MPI -n 1 "$LIEREG" probe $PT -data short.h5 -probe_test_data short.h5 -probe_test_mode train
one_error
expect 2 "is the ridge probe's input" "trained probe: -emb refused" -- $MPI -n 1 "$LIEREG" probe $PT -emb run/tr_emb.h5
expect 2 "are for -probe_mode trained" "ridge probe: -ckpt refused" -- $MPI -n 1 "$LIEREG" probe -emb run/tr_emb.h5 -target nu -ckpt run/ckpt.h5
mkdir -p empty
expect 2 "has no result files" "report: empty run directory" -- $MPI -n 1 "$LIEREG" report -dir empty -o rep2
expect 2 "cannot read run directory" "report: missing run directory" -- $MPI -n 1 "$LIEREG" report -dir nowhere -o rep2
# the cluster script refuses to run outside SLURM
env -u SLURM_JOB_ID -u SLURM_NTASKS bash "$LIE_SRCDIR/jobs/paper_eval.sbatch" > sb.log 2>&1
[ $? -eq 2 ] && grep -q "not inside a SLURM job" sb.log && ok "paper_eval.sbatch refuses outside SLURM" || { bad "sbatch refusal"; cat sb.log; }
exit $fail
