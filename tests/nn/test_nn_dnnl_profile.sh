#!/bin/sh
# LIE_NN_DNNL_PROFILE: the per-primitive CPU-time table is printed (every pass of a
# convolution, with a positive GFLOP per CPU second), =2 adds per-primitive lines with
# shapes, and bench train reports CPU seconds per step. Numbers are not judged (no timing).
set -u
fail=0
args="bench train -model resnet18_1d -input 16x64 -batch 4 -width 16 -expander 32-32 -steps 1 -warmup 0 -threads 1 -nn_backend dnnl"
err=$(LIE_NN_DNNL_PROFILE=1 "$LIEREG" $args 2>&1 >/dev/null)
out=$(LIE_NN_DNNL_PROFILE=1 "$LIEREG" $args 2>/dev/null)
echo "$err"
for pass in forward_training backward_data backward_weights; do
  line=$(echo "$err" | grep "^  convolution  *$pass" | head -1)
  rate=$(echo "$line" | awk '{print $NF}')
  if awk -v r="$rate" 'BEGIN { exit !(r + 0 > 0) }'; then echo "ok   convolution $pass: $rate GFLOP/cpu-s"
  else echo "FAIL no positive rate for convolution $pass: '$line'"; fail=1; fi
done
case "$err" in *"CPU s in primitives"*) echo "ok   summary line" ;; *) echo "FAIL no summary line"; fail=1 ;; esac
cpu=$(echo "$out" | sed -n 's/.*"cpu_s":\([0-9.eE+-]*\).*/\1/p')
if awk -v c="$cpu" 'BEGIN { exit !(c + 0 > 0) }'; then echo "ok   cpu_s $cpu"; else echo "FAIL cpu_s '$cpu'"; fail=1; fi
err2=$(LIE_NN_DNNL_PROFILE=2 "$LIEREG" $args 2>&1 >/dev/null)
case "$err2" in *"src 8x16x1x64"*) echo "ok   per-primitive lines with shapes" ;; *) echo "FAIL no per-primitive lines"; fail=1 ;; esac
quiet=$("$LIEREG" $args 2>&1 >/dev/null)
case "$quiet" in *"oneDNN profile"*) echo "FAIL profile printed without LIE_NN_DNNL_PROFILE"; fail=1 ;; *) echo "ok   silent by default" ;; esac
if [ $fail -eq 0 ]; then echo "PASSED"; else echo "FAILED"; fi
exit $fail
