#!/bin/sh
# $1 build dir, $2 source dir, $3 scratch dir
set -eu
build=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
cmake --install "$build" --prefix "$work/prefix" > "$work/install.log"
cmake -S "$src/examples" -B "$work/ex" -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Release > "$work/configure.log"
cmake --build "$work/ex" > "$work/build.log"
"$work/ex/insitu_ks" -nt 50 -save_n 10 -ks_T 5
PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig" pkg-config --cflags --libs liereg > "$work/pc.txt"
grep -q -- "-lliereg" "$work/pc.txt"
echo "consumer: installed package builds and runs the example; pkg-config: $(cat "$work/pc.txt" | cut -c1-80)..."
