# Shared by the augsearch test scripts: a tiny Burgers problem (32 unlabelled trajectories in
# /train, 24 labelled in /valid, the test split a trap that fails on any access) and a tiny
# encoder, so that a whole search runs in a few seconds.
set -u
mkdir -p "$LIE_TESTDIR" && cd "$LIE_TESTDIR" || exit 1
rm -rf ./*
fail=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; fail=1; }
BURGERS="-pde burgers -burgers_nu_min 0.03 -burgers_nu_max 0.3 -burgers_T 6 -nt 60 -save_n 48 -accuracy 1e-3 -nx 64"
TINY="-nn_backend ref -threads 1 -model_dims 1 -model_width 4 -model_expander 16,16,16 -train_batch 8 -train_lr 1e-3 -train_min_rankme 0"
SEARCH="-augsearch_candidates 4 -augsearch_steps 3 -probe_folds 3"
make_data() {
  "$LIEREG" generate $BURGERS -n 32 -o data.h5 -mode train > gen.log 2>&1 &&
    "$LIEREG" generate $BURGERS -n 24 -o valid.h5 -mode valid >> gen.log 2>&1 &&
    "$PREP" data.h5 valid.h5 || { cat gen.log; echo "FAIL making data"; exit 1; }
}
# The options of two options files (their comments name the file itself).
same_opts() { grep -v '^#' "$1" > "$1.cmp" && grep -v '^#' "$2" > "$2.cmp" && cmp -s "$1.cmp" "$2.cmp"; }
