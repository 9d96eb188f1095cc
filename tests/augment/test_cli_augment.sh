#!/bin/sh
# liereg augment: every 1D generator's output passes an independent "solve from the first
# transformed frame and compare" check and `liereg info`; bad input gives exit 2 and a clear
# message; liereg plot writes PNGs (1D, with views).
set -e
D="$LIE_TESTDIR"
rm -rf "$D"; mkdir -p "$D"
fail() { echo "FAIL $*"; exit 1; }

for pde in kdv burgers ks; do
  "$AUG_MKDATA" $pde "$D/$pde.h5"
  "$AUG_CHECK" $pde "$D/$pde.h5" 1e-9 > "$D/$pde.check" || { cat "$D/$pde.check"; fail "$pde source data"; }
done

run() { # pde group eps [mode]
  out="$D/$1_$2_$3_${4:-grid}.h5"
  "$LIEREG" augment -i "$D/$1.h5" -o "$out" -aug_group $2 -aug_eps $3 -aug_mode ${4:-grid} > "$out.log" 2>&1 \
    || { cat "$out.log"; fail "augment $*"; }
}
info() { "$LIEREG" info "$out" > "$out.info" 2>&1 || { cat "$out.info"; fail "liereg info on $out"; }; }
check() { # pde group eps
  run "$@"
  "$AUG_CHECK" $1 "$out" 1e-9 > "$out.check" || { cat "$out.check"; fail "solve check $*"; }
  [ "$(grep -c '^ok .*solve from frame 0' "$out.check")" = 3 ] || fail "solve check $* did not check 3 trajectories"
  echo "ok   augment $* passes the solve-from-first-frame check: $(grep 'trajectory 0' "$out.check" | sed 's/.*: //')"
}

check kdv t_shift 0.1
check kdv x_shift 13.3
check kdv galilean 0.4
check kdv scale 0.2
info
check burgers t_shift -0.2
check burgers x_shift 1.0
check burgers galilean -0.5
check burgers scale -0.3
info
check ks t_shift 0.07
info
check ks x_shift 4.4
check ks galilean 0.6
# projective: not periodic (adds eps*x), so only the file itself is checked (residual: unit test)
run burgers projective 0.1
info
run kdv galilean 0.3 coords
info
h5dump -H "$out" | grep -q coord_x || fail "coords mode output lacks coord_x"
h5dump -A "$out" | grep -q '"galilean"' || fail "aug_group attribute missing"

# bad input: exit 2 and a message naming the problem
expect2() { # message-substring command...
  msg="$1"; shift
  set +e; "$@" > "$D/err.log" 2>&1; rc=$?; set -e
  [ $rc -eq 2 ] || { cat "$D/err.log"; fail "expected exit 2 from: $*"; }
  grep -q "$msg" "$D/err.log" || { cat "$D/err.log"; fail "expected '$msg' from: $*"; }
  echo "ok   $* -> exit 2: $(head -1 "$D/err.log")"
}
expect2 "not a symmetry of ks" "$LIEREG" augment -i "$D/ks.h5" -o "$D/x1.h5" -aug_group scale -aug_eps 0.1
expect2 "not a symmetry of kdv" "$LIEREG" augment -i "$D/kdv.h5" -o "$D/x2.h5" -aug_group projective -aug_eps 0.1
expect2 "unknown symmetry generator 'shear'" "$LIEREG" augment -i "$D/kdv.h5" -o "$D/x3.h5" -aug_group shear -aug_eps 0.1
expect2 "needs -aug_eps" "$LIEREG" augment -i "$D/kdv.h5" -o "$D/x4.h5" -aug_group x_shift
expect2 "unknown option -aug_epz" "$LIEREG" augment -i "$D/kdv.h5" -o "$D/x5.h5" -aug_group x_shift -aug_epz 1
expect2 "nothing of the 21-frame window" "$LIEREG" augment -i "$D/kdv.h5" -o "$D/x6.h5" -aug_group t_shift -aug_eps 5
set +e; "$LIEREG" augment -i "$D/burgers.h5" -o "$D/x7.h5" -aug_group projective -aug_eps 2 > "$D/err.log" 2>&1; rc=$?; set -e
[ $rc -ne 0 ] && grep -q "projective map singular" "$D/err.log" || { cat "$D/err.log"; fail "singular projective"; }
[ ! -e "$D/x7.h5" ] || fail "failed run left an output file"
echo "ok   singular projective map -> exit $rc: $(head -1 "$D/err.log")"

# plots
"$LIEREG" plot -i "$D/ks.h5" -index 1 -o "$D/ks1.png"
"$LIEREG" plot -i "$D/kdv.h5" -index 0 -o "$D/kdv_views.png" -views -aug_crop_t 16 -aug_crop_x 128
for f in ks1 kdv_views; do
  head -c 8 "$D/$f.png" | od -An -c | grep -q "P   N   G" || fail "$f.png is not a PNG"
done
echo "ok   plots written: $(ls "$D"/*.png | wc -l) PNG files"
echo "PASSED"
