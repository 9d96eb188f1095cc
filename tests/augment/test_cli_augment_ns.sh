#!/bin/sh
# liereg augment / plot on Navier-Stokes files (small periodic runs of liereg generate).
set -e
D="$LIE_TESTDIR"
rm -rf "$D"; mkdir -p "$D"
fail() { echo "FAIL $*"; exit 1; }
expect2() { # message-substring command...
  msg="$1"; shift
  set +e; "$@" > "$D/err.log" 2>&1; rc=$?; set -e
  [ $rc -eq 2 ] || { cat "$D/err.log"; fail "expected exit 2 from: $*"; }
  grep -q "$msg" "$D/err.log" || { cat "$D/err.log"; fail "expected '$msg' from: $*"; }
  echo "ok   $* -> exit 2: $(head -1 "$D/err.log")"
}

# Navier-Stokes files: g(-e) after g(e) restores the file (h5diff, 1e-10) for the periodic
# generators; grid-mode time shifts crop whole frames; coords mode writes coordinate channels.
# The eps make every shift a whole number of cells (dx = 1, t = 1.5 m): a sub-cell shift
# cannot keep the sine half of the Nyquist mode, which these coarse 32^2 fields do carry (~2%).
"$LIEREG" generate -pde ns -n 2 -ns_nx 32 -ns_ny 32 -ns_steps 14 -ns_skip 2 -ns_bc periodic -ns_pressure_pc fft \
  -o "$D/ns.h5" > "$D/ns.gen.log" 2>&1 || { cat "$D/ns.gen.log"; fail "generate ns"; }
for c in x_shift:3 y_shift:-5 boost_x:0.6666666666666666 boost_y:-0.6666666666666666 quad_x:0.4444444444444444 scale:0.2; do
  g=${c%%:*}; e=${c#*:}
  "$LIEREG" augment -i "$D/ns.h5" -o "$D/ns_$g.h5" -aug_group $g -aug_eps $e > /dev/null || fail "ns augment $g"
  case $e in -*) ne=${e#-} ;; *) ne=-$e ;; esac
  "$LIEREG" augment -i "$D/ns_$g.h5" -o "$D/ns_${g}_back.h5" -aug_group $g -aug_eps $ne -pde ns > /dev/null || fail "ns back $g"
  for f in u vx vy; do
    # (h5diff's exit code also counts differing dataset attributes: read its count instead)
    h5diff -r -d 1e-10 "$D/ns.h5" "$D/ns_${g}_back.h5" /train/$f /train/$f > "$D/diff.log" 2>&1 || true
    grep -q "^0 differences found" "$D/diff.log" || { head "$D/diff.log"; fail "ns $g round trip of $f"; }
  done
  echo "ok   ns $g eps=$e then -eps restores u, vx, vy to 1e-10"
done
"$LIEREG" augment -i "$D/ns.h5" -o "$D/ns_tshift.h5" -aug_group t_shift -aug_eps 3.1 > /dev/null || fail "ns t_shift"
h5dump -H "$D/ns_tshift.h5" | grep -A3 'DATASET "u"' | grep -q "( 2, 10, 32, 32 )" || fail "ns t_shift by 2 frames should leave 10 of 12"
"$LIEREG" augment -i "$D/ns.h5" -o "$D/ns_rot.h5" -aug_group rotate -aug_eps 0.3 -aug_mode coords > /dev/null || fail "ns coords"
h5dump -H "$D/ns_rot.h5" | grep -q coord_y || fail "ns coords output lacks coord_y"
"$LIEREG" info "$D/ns_rot.h5" > /dev/null || fail "info on ns coords output"
expect2 "not a symmetry of ns" "$LIEREG" augment -i "$D/ns.h5" -o "$D/x8.h5" -aug_group galilean -aug_eps 0.1
"$LIEREG" plot -i "$D/ns.h5" -index 1 -o "$D/ns_views.png" -views -aug_crop_t 6 -frames 6 > /dev/null || fail "ns plot"

head -c 8 "$D/ns_views.png" | od -An -c | grep -q "P   N   G" || fail "ns_views.png is not a PNG"
echo "ok   NS plot with views written"
echo PASSED
