#!/bin/sh
# The installed package, as a user gets it. $1 build dir, $2 source dir, $3 scratch dir,
# $4 (optional) directory of the insitu fixture (ckpt.h5, nu_ridge.h5).
#  1. cmake --install into a scratch prefix, then MOVE the tree (both exports must be relocatable);
#  2. find_package(liereg): configure examples/ as a separate project, build, run insitu_ks
#     and insitu_burgers (the in-situ API from the installed tree);
#  3. pkg-config --static: compile + link insitu_burgers from liereg.pc alone and run it;
#  4. the check can fail: a copy of liereg.pc with one dependency removed must NOT link.
set -eu
build=$1 src=$2 work=$3 fixture=${4:-}
rm -rf "$work" && mkdir -p "$work"
cmake --install "$build" --prefix "$work/staged" > "$work/install.log"
mv "$work/staged" "$work/prefix" # relocated: nothing may point at .../staged
prefix="$work/prefix"
if grep -rq "$work/staged" "$prefix"; then echo "FAIL installed files name the staging prefix:"; grep -rl "$work/staged" "$prefix"; exit 1; fi

cmake -S "$src/examples" -B "$work/ex" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release > "$work/configure.log"
cmake --build "$work/ex" > "$work/build.log"
"$work/ex/insitu_ks" -nt 50 -save_n 10 -ks_T 5
echo "ok   find_package(liereg): examples built against the moved install and insitu_ks ran"
if [ -n "$fixture" ]; then
  "$work/ex/insitu_burgers" -nx 64 -nu 0.08 -T 6 -liereg_ckpt "$fixture/ckpt.h5" -liereg_probe "$fixture/nu_ridge.h5" > "$work/burgers.log"
  grep -c "^insitu t0=" "$work/burgers.log" | grep -qx 9
  echo "ok   find_package(liereg): insitu_burgers (inference API) ran from the installed tree: 9 windows"
  if [ -x "$work/ex/insitu_burgers_f" ]; then # built when liereg has its Fortran module
    "$work/ex/insitu_burgers_f" "$fixture/ckpt.h5" "$fixture/nu_ridge.h5" | grep -q "^fortran rank 0: repr 32 nu_pred="
    echo "ok   find_package(liereg): the Fortran example (module liereg from the installed tree) ran"
  fi
fi

export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
[ "$(pkg-config --variable=prefix liereg | xargs realpath)" = "$(realpath "$prefix")" ] || { echo "FAIL liereg.pc prefix $(pkg-config --variable=prefix liereg) is not $prefix"; exit 1; }
CC=${CC:-cc}
# insitu_burgers uses the whole stack (encoder -> oneDNN/OpenMP, probe, HDF5, PETSc TS), so a
# dependency missing from liereg.pc shows up as undefined references when linking it.
$CC -O2 -o "$work/burgers_pc" "$src/examples/insitu_burgers.c" $(pkg-config --cflags liereg) $(pkg-config --static --libs liereg) 2> "$work/pc_link.log" || { echo "FAIL link with pkg-config --static --libs liereg:"; tail -5 "$work/pc_link.log"; exit 1; }
echo "ok   pkg-config --static: insitu_burgers compiled and linked from liereg.pc alone ($(pkg-config --static --libs liereg | wc -w) link words)"
if [ -n "$fixture" ]; then
  "$work/burgers_pc" -nx 64 -nu 0.08 -T 6 -liereg_ckpt "$fixture/ckpt.h5" -liereg_probe "$fixture/nu_ridge.h5" > "$work/burgers_pc.log"
  grep -c "^insitu t0=" "$work/burgers_pc.log" | grep -qx 9
  echo "ok   pkg-config --static: insitu_burgers ran (9 windows embedded and predicted)"
fi

# A .pc missing a dependency must fail to link (else this test could not catch it).
for dep in $(sed -n 's/^Libs.private: //p' "$prefix/lib/pkgconfig/liereg.pc"); do
  case "$dep" in -lm | -lfftw3_mpi) continue ;; esac # also in PETSc's own static libs: not missing when removed
  mkdir -p "$work/stripped"
  sed "s|^prefix=.*|prefix=$prefix|; /^Libs.private:/s| $dep||; /^Libs.private:/s|: $dep |: |" "$prefix/lib/pkgconfig/liereg.pc" > "$work/stripped/liereg.pc"
  if $CC -O2 -o "$work/burgers_stripped" "$src/examples/insitu_burgers.c" $(PKG_CONFIG_PATH="$work/stripped" pkg-config --cflags --static --libs liereg) 2> "$work/stripped.log"; then
    echo "FAIL a liereg.pc without $dep still links: the pkg-config check could not catch a missing dependency"
    exit 1
  fi
  echo "ok   liereg.pc without $dep does not link: $(grep -m1 -o 'undefined reference to [^ ]*' "$work/stripped.log") ($(grep -c 'undefined reference' "$work/stripped.log") such lines)"
done
