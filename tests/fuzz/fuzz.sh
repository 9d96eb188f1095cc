#!/bin/sh
# Fuzz suite (issue 11): bad options for every command, generated bad files for every reader,
# faults (kill -9 and SIGTERM mid-write, a full disk on a small tmpfs, one-rank failures at 2
# ranks). Every case must end with exit 1 or 2 (75 where a clean signal stop is documented),
# at most 3 stderr lines, no signal death, no sanitizer report, no file at the output path, no
# .tmp left, within its time limit. Prints how many cases ran and failed.
# Cases listed in KNOWN_FAILING (empty now; LIE_FUZZ_KNOWN_FAILING sets it) run and are printed
# as KNOWN (and FIXED when they pass), but do not fail the test.
# Multi-rank cases run `mpiexec -q`: without it mpiexec adds its own 6-line "exited with non-zero
# status" banner whenever a rank exits non-zero, which no program can avoid. The ranks agree on
# the error and all exit with its code; an MPI_ABORT banner (they did not agree) fails a case.
set -u
mkdir -p "$LIE_TESTDIR" && cd "$LIE_TESTDIR" || exit 1
[ -d full ] && umount full 2> /dev/null
rm -rf ./* 2> /dev/null
MPI="$MPIEXEC --oversubscribe -q"
L="$LIEREG"
RAN=0 FAILED=0 KNOWNF=0
KNOWN_FAILING="${LIE_FUZZ_KNOWN_FAILING-}"

known() { case " $(echo $KNOWN_FAILING) " in *" $1 "*) return 0 ;; esac; return 1; }

# fuzz NAME OUTPUT LIMIT CODES -- command...: OUTPUT must not exist afterwards ("-": none);
# CODES: allowed exit codes, e.g. "1 2".
fuzz() {
  name=$1 out=$2 limit=$3 codes=$4
  shift 5
  RAN=$((RAN + 1))
  [ "$out" != - ] && rm -f "$out"
  timeout -k 5 "$limit" "$@" > fz.out 2> fz.err
  rc=$?
  check "$name" "$out" "$rc" "$codes" "$limit" "$*"
}

check() {
  name=$1 out=$2 rc=$3 codes=$4 limit=$5 cmd=$6
  # Open MPI's OMPIO prints one line per failed write ("mca_fbtl_posix_pwritev: error in ...")
  # itself; liereg cannot silence it (OMPI_MCA_io=romio321 does): not counted.
  lines=$(grep -c -v '^mca_fbtl_posix_pwritev: ' fz.err)
  why=""
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then why="hung: killed after ${limit}s"; fi
  if [ -z "$why" ] && grep -q 'AddressSanitizer\|LeakSanitizer\|runtime error:' fz.err fz.out; then why="sanitizer report"; fi
  if [ -z "$why" ] && [ "$rc" -gt 128 ]; then why="died by signal $((rc - 128))"; fi
  if [ -z "$why" ] && grep -qi 'MPI_ABORT' fz.err; then why="MPI_Abort (the ranks did not agree on the error)"; fi
  if [ -z "$why" ] && ! echo " $codes " | grep -q " $rc "; then why="exit $rc, want one of: $codes"; fi
  if [ -z "$why" ] && [ "$lines" -gt 3 ]; then why="$lines stderr lines (at most 3)"; fi
  if [ -z "$why" ] && [ "$out" != - ] && [ -e "$out" ]; then why="output $out exists"; fi
  tmps=$(find . -name '*.tmp' 2> /dev/null | head -3)
  if [ -z "$why" ] && [ -n "$tmps" ]; then why=".tmp left: $tmps"; fi
  if [ -z "$why" ]; then
    known "$name" && echo "FIXED $name: passes now (remove it from KNOWN_FAILING)"
    echo "ok    $name: exit $rc: $(head -1 fz.err | cut -c1-160)"
  elif known "$name"; then
    KNOWNF=$((KNOWNF + 1))
    echo "KNOWN $name: $why"
  else
    FAILED=$((FAILED + 1))
    echo "FAIL  $name: $why"
    echo "      command: $cmd"
    sed 's/^/      | /' fz.err | head -8
  fi
  rm -f ./*.tmp
  [ "$out" != - ] && rm -f "$out"
}

# ------------------------------------------------------------ inputs
"$FUZZ_MKFILES" . > files.txt || { echo "FAIL making the bad files"; exit 1; }
"$L" generate -pde ks -n 16 -nx 32 -o data.h5 > /dev/null 2>&1 || { echo "FAIL generate data.h5"; exit 1; }
"$L" generate -pde ks -n 8 -nx 32 -mode test -seed 3 -o test.h5 > /dev/null 2>&1 || { echo "FAIL generate test.h5"; exit 1; }
TINY="-nn_backend ref -threads 1 -model_width 4 -model_expander 8,8,8 -train_batch 8 -aug_crop_t 8 -aug_crop_x 32 -train_epochs 1"
"$L" pretrain -data data.h5 -o ckpt.h5 $TINY > /dev/null 2>&1 || { echo "FAIL pretrain ckpt.h5"; exit 1; }
"$L" embed -ckpt ckpt.h5 -data data.h5,test.h5 -o emb.h5 -nn_backend ref -threads 1 > /dev/null 2>&1 || { echo "FAIL embed"; exit 1; }
head -c 3000 data.h5 > truncated.h5
head -c 20000 /dev/urandom > random.h5
: > empty.h5
echo "not hdf5" > text.h5
mkdir -p adir
LONG=$(printf 'p%.0s' $(seq 1 300))
LONGDIR=deep/$(printf 'd%.0s' $(seq 1 200))/$(printf 'e%.0s' $(seq 1 40))
mkdir -p "$LONGDIR"
GOOD="good1d goodns 1d_lpsda_valid"
# Defects of values (not of shapes): info must reject them; other readers may use such files
# (exit 0 allowed: e.g. augment copies failed trajectories), but must not crash.
VALUES="1d_nan_field 1d_inf_dt 1d_dt_zero 1d_t_decreasing 1d_failed_traj ns_nan_vx ns_buo_zero"
BAD=$(grep -v '^good\|^1d_lpsda_valid' files.txt | grep -v -x -F "$(echo $VALUES | tr ' ' '\n')")
# controls: the good files pass info (so the bad ones fail for their defect)
for f in $GOOD; do
  "$L" info "$f.h5" > /dev/null 2> fz.err && echo "ok    control: info $f.h5 passes" || {
    echo "FAIL  control: info $f.h5: $(cat fz.err)"
    FAILED=$((FAILED + 1))
  }
done

# ------------------------------------------------------------ bad files x readers
for f in $BAD truncated random empty text adir missing; do
  fuzz "info_$f" - 30 "1 2" -- "$L" info "$f.h5"
  fuzz "aug_$f" o.h5 30 "1 2" -- "$L" augment -i "$f.h5" -o o.h5 -aug_group x_shift -aug_eps 0.5 -pde ks
done
for f in $VALUES; do
  fuzz "info_$f" - 30 "1" -- "$L" info "$f.h5"
  fuzz "aug_$f" - 30 "0 1 2" -- "$L" augment -i "$f.h5" -o "o_$f.h5" -aug_group x_shift -aug_eps 0.5 -pde ks
done
for f in 1d_seed2d 1d_nt0 1d_grid1x1 1d_x_wrong 1d_t_missing 1d_field_int 1d_huge_nx 1d_schema_array 1d_schema_newer \
  ns_vx_wrong ns_vy_missing ns_buo_y_n3 ns_t_wrong ns_x_wrong ns_grid1x1 ns_nt0 ns_u_rank3 truncated random; do
  fuzz "plot_$f" o.png 30 "1 2" -- "$L" plot -i "$f.h5" -o o.png
done
for f in 1d_seed2d 1d_nt0 1d_grid1x1 1d_x_wrong 1d_t_missing 1d_field_int 1d_huge_nx 1d_schema_array ns_vx_wrong \
  ns_buo_y_n3 ns_grid1x1 ns_nt0 truncated random; do
  fuzz "pre_$f" o.h5 60 "1 2" -- "$L" pretrain -data "$f.h5" -o o.h5 $TINY
  fuzz "emb_$f" o.h5 60 "1 2" -- "$L" embed -ckpt ckpt.h5 -data "$f.h5" -o o.h5 -nn_backend ref
done
for f in good1d truncated random 1d_schema_array; do
  fuzz "emb_ckpt_$f" o.h5 60 "1 2" -- "$L" embed -ckpt "$f.h5" -data data.h5 -o o.h5 -nn_backend ref
  fuzz "probe_emb_$f" o.json 60 "1 2" -- "$L" probe -emb "$f.h5" -target ic_mode -o o.json
  fuzz "sup_$f" o.json 60 "1 2" -- "$L" supervised -data "$f.h5" -target ic_mode -o o.json
done

# ------------------------------------------------------------ bad options
G="$L generate -pde ks -nx 32 -nt 50 -save_n 10 -ks_T 5"
fuzz gen_n_abc o.h5 30 2 -- $G -n abc -o o.h5
fuzz gen_n_frac o.h5 30 2 -- $G -n 2.5 -o o.h5
fuzz gen_n_neg o.h5 30 2 -- $G -n -1 -o o.h5
fuzz gen_n_zero o.h5 30 2 -- $G -n 0 -o o.h5
fuzz gen_n_wrap o.h5 30 2 -- $G -n 4294967297 -o o.h5
fuzz gen_n_huge o.h5 30 2 -- $G -n 99999999999999999999 -o o.h5
fuzz gen_nx_sci o.h5 30 2 -- $G -n 2 -nx 6e1 -o o.h5
fuzz gen_nx_huge o.h5 10 "1 2" -- $G -n 2 -nx 1000000000 -o o.h5
fuzz gen_seed_abc o.h5 30 2 -- $G -n 2 -seed abc -o o.h5
fuzz gen_seed_neg o.h5 30 2 -- $G -n 2 -seed -4 -o o.h5
fuzz gen_pde_bad o.h5 30 2 -- $G -n 2 -pde heat -o o.h5
fuzz gen_mode_bad o.h5 30 2 -- $G -n 2 -mode training -o o.h5
fuzz gen_typo o.h5 30 2 -- $G -n 2 -sed 3 -o o.h5
fuzz gen_no_o - 30 2 -- $G -n 2
fuzz gen_o_missing_dir nodir/o.h5 30 "1 2" -- $G -n 2 -o nodir/o.h5
fuzz gen_o_unwritable /proc/liereg_fuzz.h5 30 "1 2" -- $G -n 2 -o /proc/liereg_fuzz.h5
fuzz gen_o_is_dir - 30 "1 2" -- $G -n 2 -o adir
fuzz gen_o_exists - 30 2 -- $G -n 2 -o data.h5
fuzz gen_o_long_name "$LONG.h5" 30 "1 2" -- $G -n 2 -o "$LONG.h5"
fuzz gen_o_long_path "$LONGDIR/$LONG.h5" 30 "1 2" -- $G -n 2 -o "$LONGDIR/$LONG.h5"
fuzz gen_ks_L_inf o.h5 30 2 -- $G -n 2 -ks_L inf -o o.h5
fuzz gen_ks_L_nan o.h5 30 2 -- $G -n 2 -ks_L nan -o o.h5
fuzz gen_burgers_nu_inf o.h5 30 2 -- "$L" generate -pde burgers -n 2 -nx 32 -burgers_nu_max inf -o o.h5
fuzz gen_options_file_missing o.h5 30 2 -- $G -n 2 -o o.h5 -options_file nope.txt
fuzz info_two_files - 30 2 -- "$L" info data.h5 test.h5
fuzz info_no_file - 30 2 -- "$L" info
fuzz cmd_unknown - 30 2 -- "$L" generat
A="$L augment -i data.h5 -o o.h5 -aug_group x_shift"
fuzz aug_eps_nan o.h5 30 2 -- $A -aug_eps nan
fuzz aug_eps_inf o.h5 30 2 -- $A -aug_eps inf
fuzz aug_eps_abc o.h5 30 2 -- $A -aug_eps abc
fuzz aug_eps_missing o.h5 30 2 -- $A
fuzz aug_tshift_huge o.h5 30 "1 2" -- "$L" augment -i data.h5 -o o.h5 -aug_group t_shift -aug_eps 1e300
fuzz aug_group_bad o.h5 30 2 -- "$L" augment -i data.h5 -o o.h5 -aug_group zz -aug_eps 1
fuzz aug_in_is_out - 30 2 -- "$L" augment -i data.h5 -o data.h5 -force -aug_group x_shift -aug_eps 1
fuzz aug_o_long "$LONG.h5" 30 "1 2" -- "$L" augment -i data.h5 -o "$LONG.h5" -aug_group x_shift -aug_eps 1
P="$L pretrain -data data.h5 -o o.h5 $TINY"
fuzz pre_lr_inf o.h5 60 "1 2" -- $P -train_lr inf
fuzz pre_lr_nan o.h5 60 "1 2" -- $P -train_lr nan
fuzz pre_batch_negative o.h5 30 2 -- $P -train_batch -1
fuzz pre_batch_abc o.h5 30 2 -- $P -train_batch abc
fuzz pre_expander_abc o.h5 30 2 -- $P -model_expander a,b
fuzz pre_crop_huge o.h5 30 2 -- $P -aug_crop_t 1000000
fuzz pre_crop_dt_span o.h5 30 2 -- $P -aug_crop_dt 1000
fuzz pre_crop_dt_zero o.h5 30 2 -- $P -aug_crop_dt 0
fuzz pre_crop_dt_abc o.h5 30 2 -- $P -aug_crop_dt abc
fuzz pre_crop_dt_huge o.h5 30 2 -- $P -aug_crop_dt 1048576 # the largest stride: a span of 7.3e6 frames, refused
fuzz pre_data_is_out - 30 2 -- "$L" pretrain -data data.h5 -o data.h5 -force $TINY
fuzz pre_no_data o.h5 30 2 -- "$L" pretrain -o o.h5 $TINY
fuzz emb_out_is_data - 60 2 -- "$L" embed -ckpt ckpt.h5 -data data.h5 -o data.h5 -force -nn_backend ref
fuzz emb_batch_zero o.h5 30 2 -- "$L" embed -ckpt ckpt.h5 -data data.h5 -o o.h5 -embed_batch 0
# issue 11 items 2(c) and 5: a checkpoint asking for crop_t 1e6 is refused before any allocation;
# one holding NaN weights is refused; -train_lr inf for one step leaves no checkpoint
cp ckpt.h5 ckpt_crop_huge.h5 && "$FUZZ_MKFILES" --attr ckpt_crop_huge.h5 /train crop_t 1e6 || echo "FAIL making ckpt_crop_huge.h5"
cp ckpt.h5 ckpt_nan.h5 && "$FUZZ_MKFILES" --nan ckpt_nan.h5 /encoder/conv1.weight || echo "FAIL making ckpt_nan.h5"
fuzz emb_ckpt_crop_huge o.h5 30 "1 2" -- "$L" embed -ckpt ckpt_crop_huge.h5 -data data.h5 -o o.h5 -nn_backend ref
# a strided crop whose span exceeds the data's frames, and a stride out of range
cp ckpt.h5 ckpt_crop_dt.h5 && "$FUZZ_MKFILES" --attr ckpt_crop_dt.h5 /train crop_dt 50 || echo "FAIL making ckpt_crop_dt.h5"
cp ckpt.h5 ckpt_crop_dt0.h5 && "$FUZZ_MKFILES" --attr ckpt_crop_dt0.h5 /train crop_dt 0 || echo "FAIL making ckpt_crop_dt0.h5"
fuzz emb_ckpt_crop_dt_span o.h5 30 "1 2" -- "$L" embed -ckpt ckpt_crop_dt.h5 -data data.h5 -o o.h5 -nn_backend ref
fuzz emb_ckpt_crop_dt_zero o.h5 30 "1 2" -- "$L" embed -ckpt ckpt_crop_dt0.h5 -data data.h5 -o o.h5 -nn_backend ref
cp ckpt.h5 ckpt_crop_dt_big.h5 && "$FUZZ_MKFILES" --attr ckpt_crop_dt_big.h5 /train crop_dt 1048576 || echo "FAIL making ckpt_crop_dt_big.h5"
fuzz emb_ckpt_crop_dt_overflow o.h5 30 "1 2" -- "$L" embed -ckpt ckpt_crop_dt_big.h5 -data data.h5 -o o.h5 -nn_backend ref
fuzz emb_ckpt_nan o.h5 30 "1 2" -- "$L" embed -ckpt ckpt_nan.h5 -data data.h5 -o o.h5 -nn_backend ref
cp ckpt.h5 ckpt_std0.h5 && "$FUZZ_MKFILES" --attr ckpt_std0.h5 /train norm_std 0 || echo "FAIL making ckpt_std0.h5"
fuzz emb_ckpt_norm_std_zero o.h5 30 "1 2" -- "$L" embed -ckpt ckpt_std0.h5 -data data.h5 -o o.h5 -nn_backend ref
fuzz pre_lr_inf_one_step o.h5 60 "1 2" -- $P -train_lr inf -train_steps 1
fuzz probe_target_bad o.json 30 "1 2" -- "$L" probe -emb emb.h5 -target zz -o o.json
fuzz probe_bootstrap_huge o.json 30 "1 2" -- "$L" probe -emb emb.h5 -target ic_mode -probe_bootstrap 2000000000 -o o.json
fuzz probe_no_emb o.json 30 "1 2" -- "$L" probe -emb missing.h5 -target ic_mode -o o.json
fuzz plot_field_zz o.png 30 2 -- "$L" plot -i data.h5 -o o.png -field zz
fuzz plot_index_big o.png 30 "1 2" -- "$L" plot -i data.h5 -o o.png -index 99
fuzz plot_index_neg o.png 30 "1 2" -- "$L" plot -i data.h5 -o o.png -index -1
fuzz report_missing_dir - 30 "1 2" -- "$L" report -dir nodir -o rep
fuzz quickstart_long_dir - 30 "1 2" -- "$L" quickstart -quickstart_dir "$LONGDIR/$LONG"

# ------------------------------------------------------------ faults
# kill -9 mid-write: no file under the final name (a .tmp may stay: nothing runs after SIGKILL)
RAN=$((RAN + 1))
"$L" generate -pde ks -n 64 -nx 64 -o k.h5 > /dev/null 2>&1 &
pid=$!
sleep 3
kill -9 $pid 2> /dev/null
wait $pid 2> /dev/null
if [ -e k.h5 ]; then FAILED=$((FAILED + 1)); echo "FAIL  kill9_generate: k.h5 exists"; else echo "ok    kill9_generate: no k.h5"; fi
rm -f k.h5.tmp
# SIGTERM mid-write: a clean stop (generate: exit 1 with one line, it cannot resume; see
# docs/DESIGN.md), temporary file removed; at 1 rank, and at 2 with the signal sent to every
# rank as SLURM's scancel does (mpiexec itself, signalled, kills its ranks soon after)
sigterm_case() {
  name=$1
  shift
  rm -f fz.out # not the last case's: the redirection below happens in the background job
  "$@" > fz.out 2> fz.err &
  pid=$!
  targets=$pid
  # once it has started generating (its first line), so the signal lands mid-write
  i=0
  until grep -q '^generate:' fz.out 2> /dev/null || [ $i -ge 600 ]; do sleep 0.1; i=$((i + 1)); done
  sleep 1
  case $name in *_np2) targets=$(pgrep -P $pid) ;; esac
  kill -TERM $targets 2> /dev/null
  wait $pid
  rc=$?
  RAN=$((RAN + 1))
  check "$name" k.h5 $rc "1" 0 "$*, SIGTERM 1 s into generation"
}
sigterm_case sigterm_generate "$L" generate -pde ks -n 4000 -nx 64 -o k.h5
sigterm_case sigterm_generate_np2 $MPI -n 2 "$L" generate -pde ks -n 4000 -nx 64 -o k.h5
sigterm_case sigterm_generate_ns "$L" generate -pde ns -n 200 -ns_nx 32 -ns_ny 32 -o k.h5
# a full disk (a 1 MB tmpfs; needs root, else skipped and said so)
mkdir -p full
if mount -t tmpfs -o size=1m tmpfs full 2> /dev/null; then
  head -c 600000 /dev/zero > full/filler # what is left is smaller than each output
  fuzz full_generate_np1 full/o.h5 60 1 -- "$L" generate -pde ks -n 16 -nx 64 -o full/o.h5
  fuzz full_generate_np2 full/o.h5 60 1 -- $MPI -n 2 "$L" generate -pde ks -n 16 -nx 64 -o full/o.h5
  fuzz full_generate_ns full/o.h5 120 1 -- "$L" generate -pde ns -n 2 -ns_nx 32 -ns_ny 32 -o full/o.h5
  fuzz full_augment full/o.h5 60 1 -- "$L" augment -i data.h5 -o full/o.h5 -aug_group x_shift -aug_eps 1
  head -c 1040000 /dev/zero >> full/filler 2> /dev/null # now completely full
  fuzz full_embed full/o.h5 60 1 -- "$L" embed -ckpt ckpt.h5 -data data.h5 -o full/o.h5 -nn_backend ref
  fuzz full_checkpoint full/o.h5 60 1 -- "$L" pretrain -data data.h5 -o full/o.h5 $TINY
  ls full | grep -q '\.tmp' && { FAILED=$((FAILED + 1)); echo "FAIL  .tmp left on the full disk: $(ls full)"; }
  umount full
else
  echo "skip  full-disk cases: cannot mount a tmpfs here (not root?)"
fi
# one rank fails where the other does not (node-local paths): same clean error, no hang
mkdir -p ra rb
cp data.h5 ra/data.h5
fuzz rank_local_missing_input - 60 "1 2" -- $MPI -n 1 -wdir ra "$L" info data.h5 : -n 1 -wdir rb "$L" info data.h5
fuzz rank_local_missing_outdir - 60 "1 2" -- $MPI -n 1 -wdir ra "$L" generate -pde ks -n 2 -nx 32 -o sub/o.h5 : -n 1 -wdir rb "$L" generate -pde ks -n 2 -nx 32 -o sub/o.h5
fuzz np2_bad_file_info - 60 "1 2" -- $MPI -n 2 "$L" info ns_vx_wrong.h5
# Every command with one rank given a bad path (issue 11): two ranks in different working
# directories, as on nodes with node-local disks. In: the inputs exist on rank 0's side only
# (ia, not ib). Out: the output directory sub/ exists on rank 1's side only (oa, not ob).
"$L" generate -pde ks -n 8 -nx 32 -seed 9 -o shard2.h5 > /dev/null 2>&1 || echo "FAIL generate shard2.h5"
"$L" generate -pde ks -n 8 -nx 32 -mode valid -seed 4 -o valid.h5 > /dev/null 2>&1 || echo "FAIL generate valid.h5"
"$L" probe -emb emb.h5 -target ic_mode -o probe.json > /dev/null 2>&1 || echo "FAIL probe probe.json"
mkdir -p ia ib oa/sub ob
for d in ia oa ob; do
  cp data.h5 test.h5 valid.h5 shard2.h5 ckpt.h5 emb.h5 $d/ && mkdir -p $d/run && cp probe.json $d/run/
  echo "-n 2" > $d/gen.opts
  echo "-verbose 1" > $d/qs.opts
done
two_dirs() { # two_dirs NAME DIR0 DIR1 OUTPUT -- liereg arguments
  td_name=$1 td_d0=$2 td_d1=$3 td_out=$4
  shift 5
  fuzz "$td_name" "$td_out" 60 "1 2" -- $MPI -n 1 -wdir "$td_d0" "$L" "$@" : -n 1 -wdir "$td_d1" "$L" "$@"
}
TWO_TINY="-nn_backend ref -threads 1 -model_width 4 -model_expander 8,8,8 -train_batch 8 -aug_crop_t 8 -aug_crop_x 32"
in_out() { # in_out COMMAND OUT -- liereg arguments, @OUT@ standing for the output path (OUT "-": none)
  io_cmd=$1 io_out=$2
  shift 3
  if [ "$io_out" = - ]; then
    two_dirs "rank_local_in_$io_cmd" ia ib - -- "$@"
    return
  fi
  io_args=$(echo "$@" | sed "s#@OUT@#$io_out#g")
  two_dirs "rank_local_in_$io_cmd" ia ib "ia/$io_out" -- $io_args
  io_args=$(echo "$@" | sed "s#@OUT@#sub/$io_out#g")
  two_dirs "rank_local_outdir_$io_cmd" ob oa "oa/sub/$io_out" -- $io_args
}
in_out augment o.h5 -- augment -i data.h5 -o @OUT@ -aug_group x_shift -aug_eps 0.5
in_out augsearch o.opts -- augsearch -data data.h5 -augsearch_valid_data valid.h5 -o @OUT@ $TWO_TINY -train_min_rankme 0 -augsearch_candidates 2 -augsearch_steps 1 -augsearch_rungs 1 -probe_folds 2
in_out bench - -- bench pretrain -data data.h5 $TWO_TINY -train_steps 1
in_out embed o.h5 -- embed -ckpt ckpt.h5 -data data.h5 -o @OUT@ -nn_backend ref -threads 1
in_out generate o.h5 -- generate -pde ks -nx 32 -nt 50 -save_n 10 -ks_T 5 -options_file gen.opts -o @OUT@
in_out info - -- info data.h5
in_out merge o.h5 -- merge data.h5 shard2.h5 -o @OUT@
in_out plot o.png -- plot -i data.h5 -o @OUT@
in_out pretrain o.h5 -- pretrain -data data.h5 -o @OUT@ $TWO_TINY -train_steps 1
in_out probe o.json -- probe -emb emb.h5 -target ic_mode -o @OUT@
in_out probe_trained o.json -- probe -probe_mode trained -ckpt ckpt.h5 -data data.h5 -probe_test_data test.h5 -probe_test_mode test -target ic_mode -nn_backend ref -threads 1 -probe_epochs 1 -o @OUT@
in_out quickstart q -- quickstart -quickstart_dir @OUT@ -options_file qs.opts
in_out report rep -- report -dir run -o @OUT@
in_out supervised o.json -- supervised -data data.h5 -test_data test.h5 -target ic_mode -nn_backend ref -threads 1 -model_width 4 -sup_epochs 1 -sup_batch 4 -aug_crop_t 8 -aug_crop_x 32 -o @OUT@
in_out timestep o.json -- timestep -data data.h5 -test_data test.h5 -o @OUT@ -step_model tiny -step_width 4 -step_history 4 -step_future 4 -step_epochs 1 -step_passes 1 -step_batch 4 -threads 1
fuzz np2_bad_file_aug o.h5 60 "1 2" -- $MPI -n 2 "$L" augment -i 1d_seed2d.h5 -o o.h5 -aug_group x_shift -aug_eps 1 -pde ks
fuzz np2_bad_option o.h5 60 2 -- $MPI -n 2 $G -n abc -o o.h5
# an error inside a per-rank computation (test hook LIEREG_FAULT=WHERE:RANK, src/core/fault.c):
# every rank ends with the same one line and exit 1 (an MPI_ABORT banner, the CLI's fallback
# after 20 s when the other ranks never come to the agreement, fails the case)
fuzz fault_generate_np2 o.h5 60 1 -- env LIEREG_FAULT=generate:1 $MPI -n 2 $G -n 4 -o o.h5
fuzz fault_pretrain_np2 o.h5 60 1 -- env LIEREG_FAULT=pretrain_step:1 $MPI -n 2 "$L" pretrain -data data.h5 -o o.h5 $TINY
# one case per fault point of src/core/fault.c (a point added there without a case here fails)
fault_case() { # fault_case POINT:RANK OUTPUT -- command...
  w=$1 out=$2
  shift 3
  FAULTED="$FAULTED ${w%%:*}"
  fuzz "fault_${w%%:*}_np2" "$out" 60 1 -- env LIEREG_FAULT=$w $MPI -n 2 "$L" "$@"
  rm -rf o.opts.d # augsearch's resumable state
}
FAULTED="generate pretrain_step"
SUP="-data data.h5 -test_data test.h5 -target ic_mode -nn_backend ref -threads 1 -model_width 4 -sup_epochs 1 -sup_batch 4 -aug_crop_t 8 -aug_crop_x 32 -o o.json"
STEP="-data data.h5 -test_data test.h5 -o o.json -step_model tiny -step_width 4 -step_history 4 -step_future 4 -step_epochs 1 -step_passes 1 -step_batch 4 -threads 1"
PT="-probe_mode trained -ckpt ckpt.h5 -data data.h5 -probe_test_data test.h5 -probe_test_mode test -target ic_mode -nn_backend ref -threads 1 -probe_epochs 2 -o o.json"
fuzz sup_train_crop_bad o.json 30 2 -- "$L" supervised $SUP -sup_train_crop middle
fuzz pt_train_crop_bad o.json 30 2 -- "$L" probe $PT -probe_train_crop middle
AS="-data data.h5 -augsearch_valid_data valid.h5 -o o.opts $TINY -train_min_rankme 0 -augsearch_candidates 2 -augsearch_steps 1 -augsearch_rungs 1 -probe_folds 2"
fault_case pretrain_batch:1 o.h5 -- pretrain -data data.h5 -o o.h5 $TINY
fault_case bn_sync:0 o.h5 -- pretrain -data data.h5 -o o.h5 $(echo $TINY | sed 's/-nn_backend ref//')
fault_case embed:1 o.h5 -- embed -ckpt ckpt.h5 -data data.h5 -o o.h5 -nn_backend ref -threads 1
fault_case probe_ridge:1 o.json -- probe -emb emb.h5 -target ic_mode -o o.json
fault_case probe_features:1 o.json -- probe $PT
fault_case probe_trained:1 o.json -- probe $PT
fault_case supervised:1 o.json -- supervised $SUP
fault_case supervised_eval:1 o.json -- supervised $SUP
fault_case timestep_step:1 o.json -- timestep $STEP -step_model resnet -nn_backend ref
fault_case timestep_rollout:1 o.json -- timestep $STEP
fault_case timestep_cond:1 o.json -- timestep $STEP -step_cond ssl -step_cond_ckpt ckpt.h5
fault_case augsearch:1 o.opts -- augsearch $AS -augsearch_group_size 2
for p in $(sed -n 's/^ *"\([a-z_]*\)", *\/\*.*/\1/p' "$LIE_SRCDIR/src/core/fault.c"); do
  case " $FAULTED " in *" $p "*) ;; *)
    FAILED=$((FAILED + 1))
    echo "FAIL  fault point $p (src/core/fault.c) has no fault_${p}_np2 case"
    ;;
  esac
done
# a misspelt point is refused (so that a case cannot pass by never failing)
fuzz fault_unknown_point o.h5 60 "1 2" -- env LIEREG_FAULT=no_such_point:0 $MPI -n 2 $G -n 4 -o o.h5

echo "fuzz: $RAN cases ran, $FAILED failed, $KNOWNF known-failing (other branches' fixes pending)"
[ "$FAILED" -eq 0 ]
