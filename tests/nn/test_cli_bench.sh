#!/bin/sh
# liereg bench train: prints one JSON line with the throughput fields; bad options exit 2.
set -u
fail=0
out=$("$LIEREG" bench train -model resnet18_1d -input 4x64 -batch 4 -width 4 -expander 16-16 -steps 1 -warmup 0 -threads 1)
echo "$out"
for key in '"samples_per_s":' '"gflop_per_s":' '"peak_rss_mb":' '"model":"resnet18_1d"' '"backend":'; do
  case "$out" in *"$key"*) echo "ok   JSON has $key" ;; *) echo "FAIL JSON lacks $key"; fail=1 ;; esac
done
out2=$("$LIEREG" bench train -model resnet18_2d -input 3x32x32 -batch 2 -width 4 -expander 8-8 -steps 1 -warmup 0 -nn_backend ref)
case "$out2" in *'"backend":"ref"'*) echo "ok   -nn_backend ref honoured" ;; *) echo "FAIL -nn_backend ref"; fail=1 ;; esac
check_usage() {
  "$@" > /dev/null 2>&1
  rc=$?
  if [ $rc -eq 2 ]; then echo "ok   exit 2: $*"; else echo "FAIL exit $rc (want 2): $*"; fail=1; fi
}
check_usage "$LIEREG" bench train -model resnet50 -input 3x32x32
check_usage "$LIEREG" bench train -model resnet18_2d -input 3x32
check_usage "$LIEREG" bench train -model resnet18_1d -input 4x64 -batchsize 4
check_usage "$LIEREG" bench train -model resnet18_1d -input 4x64 -nn_backend cuda
check_usage "$LIEREG" bench fly
if [ $fail -eq 0 ]; then echo "PASSED"; else echo "FAILED"; fi
exit $fail
