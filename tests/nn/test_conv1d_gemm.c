/* The GEMM formulation of a 1D convolution's backward-weights (src/nn/conv1d_gemm.c, used by
 * the oneDNN backend) against the reference backward (src/nn/conv.c, double accumulators) on
 * shapes that reach every edge case: sample edges on both sides (pad 1..3), strides 1 and 2,
 * 1x1, a single row per sample, fewer rows than taps, one sample, with and without bias;
 * and "valid" convolutions (stride 1, no padding: the time-stepping CNN after its circular
 * padding), whose dy is copied with the input's row count.
 * Shapes the formulation does not cover must be refused (the backend then keeps oneDNN's
 * primitive). */
#include "liereg/nn.h"
#include "nn/conv1d_gemm.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned seed = 12345;
static float rnd(void) {
  seed = seed * 1664525u + 1013904223u;
  return (float)((seed >> 8) & 0xffff) / 32768.0f - 1.0f;
}

/* 0 when dw and db agree with the reference to 2e-6 of the largest |entry| */
static int check(int N, int C, int Win, int K, int k, int stride, int pad) {
  lie_nn_conv1d_gemm g = {N, C, Win, K, (Win + 2 * pad - k) / stride + 1, k, stride, pad};
  if (!lie_nn_conv1d_gemm_ok(&g)) {
    printf("FAIL N%d C%d W%d K%d k%d s%d p%d: refused\n", N, C, Win, K, k, stride, pad);
    return 1;
  }
  size_t nx = (size_t)N * C * Win, ny = (size_t)N * K * g.OW, nw = (size_t)K * C * k;
  float *x = malloc(nx * 4), *xt = malloc(nx * 4), *dy = malloc(ny * 4), *dyt = malloc(ny * 4);
  float *w = calloc(nw, 4), *dwr = calloc(nw, 4), *dwg = malloc(nw * 4), *dbr = calloc(K, 4), *dbg = malloc(K * 4);
  for (size_t i = 0; i < nx; i++)
    x[i] = rnd();
  for (size_t i = 0; i < ny; i++)
    dy[i] = rnd();
  for (int b = 0; b < N; b++) /* plain (N, C, W) -> nwc (N, W, C) */
    for (int c = 0; c < C; c++)
      for (int t = 0; t < Win; t++)
        xt[((size_t)b * Win + t) * C + c] = x[((size_t)b * C + c) * Win + t];
  for (int b = 0; b < N; b++)
    for (int c = 0; c < K; c++)
      for (int t = 0; t < g.OW; t++)
        dyt[((size_t)b * g.OW + t) * K + c] = dy[((size_t)b * K + c) * g.OW + t];
  lie_nn_conv1d_backward(NULL, dwr, dbr, dy, x, w, N, C, Win, K, k, stride, pad);
  float *sc = malloc(lie_nn_conv1d_gemm_scratch_floats(&g) * 4 + 4), *dy0 = malloc(ny * 4);
  memcpy(dy0, dyt, ny * 4);
  int e = lie_nn_conv1d_gemm_bwd_weights(&g, xt, dyt, dwg, dbg, sc);
  int restored = !memcmp(dy0, dyt, ny * 4); /* dy's zeroed rows are put back */
  double md = 0, ref = 0, mb = 0, refb = 0;
  for (int o = 0; o < K; o++)
    for (int c = 0; c < C; c++)
      for (int s = 0; s < k; s++) {
        double r = dwr[((size_t)o * C + c) * k + s], d = fabs(dwg[((size_t)o * k + s) * C + c] - r);
        if (!(d <= md)) md = d;
        if (fabs(r) > ref) ref = fabs(r);
      }
  for (int o = 0; o < K; o++) {
    double d = fabs(dbg[o] - dbr[o]);
    if (!(d <= mb)) mb = d;
    if (fabs(dbr[o]) > refb) refb = fabs(dbr[o]);
  }
  int bad = e || !restored || !(md <= 2e-6 * (ref > 1 ? ref : 1)) || !(mb <= 2e-6 * (refb > 1 ? refb : 1));
  printf("%s N%d C%d W%d K%d k%d s%d p%d: max |dw diff| %.2e (max |dw| %.2e), |db diff| %.2e, dy %s\n",
         bad ? "FAIL" : "ok  ", N, C, Win, K, k, stride, pad, md, ref, mb, restored ? "restored" : "CHANGED");
  free(sc), free(dy0), free(x), free(xt), free(dy), free(dyt), free(w), free(dwr), free(dwg), free(dbr), free(dbg);
  return bad;
}

/* plain (N, C, W) <-> nwc (N, W, C) */
static void to_nwc(float *t, const float *p, int N, int C, int W) {
  for (int b = 0; b < N; b++)
    for (int c = 0; c < C; c++)
      for (int i = 0; i < W; i++)
        t[((size_t)b * W + i) * C + c] = p[((size_t)b * C + c) * W + i];
}

/* max |a - ref| against 2e-6 of max |ref| (NaN fails) */
static int close_to(const float *a, const float *ref, size_t n, double *md) {
  double m = 0, r = 0;
  for (size_t i = 0; i < n; i++) {
    double d = fabs((double)a[i] - ref[i]);
    if (!(d <= m)) m = d;
    if (fabs(ref[i]) > r) r = fabs(ref[i]);
  }
  *md = m;
  return m <= 2e-6 * (r > 1 ? r : 1);
}

/* forward and backward-data of a stride-1 "same" convolution by per-tap GEMMs (bench_conv1d)
 * against the reference; x and dy must come back unchanged */
static int check_same(int N, int C, int W, int K, int k, int bias) {
  lie_nn_conv1d_gemm g = {N, C, W, K, W, k, 1, k / 2};
  if (!lie_nn_conv1d_gemm_same_ok(&g)) {
    printf("FAIL same N%d C%d W%d K%d k%d: refused\n", N, C, W, K, k);
    return 1;
  }
  size_t nx = (size_t)N * C * W, ny = (size_t)N * K * W, nw = (size_t)K * C * k;
  float *x = malloc(nx * 4), *xt = malloc(nx * 4), *x0 = malloc(nx * 4), *dy = malloc(ny * 4), *dyt = malloc(ny * 4);
  float *dy0 = malloc(ny * 4), *w = malloc(nw * 4), *wt = malloc(nw * 4), *b = malloc(K * 4), *yr = malloc(ny * 4);
  float *yrt = malloc(ny * 4), *yg = malloc(ny * 4), *dxr = calloc(nx, 4), *dxrt = malloc(nx * 4),
        *dxg = malloc(nx * 4);
  float *dwr = calloc(nw, 4), *dbr = calloc(K, 4), *sc = malloc(lie_nn_conv1d_gemm_same_scratch_floats(&g) * 4 + 4);
  for (size_t i = 0; i < nx; i++)
    x[i] = rnd();
  for (size_t i = 0; i < ny; i++)
    dy[i] = rnd();
  for (size_t i = 0; i < nw; i++)
    w[i] = rnd();
  for (int o = 0; o < K; o++)
    b[o] = rnd();
  for (int o = 0; o < K; o++) /* (K, C, k) -> ohwi (K, k, C) */
    for (int c = 0; c < C; c++)
      for (int s = 0; s < k; s++)
        wt[((size_t)o * k + s) * C + c] = w[((size_t)o * C + c) * k + s];
  lie_nn_conv1d_forward(yr, x, w, bias ? b : NULL, N, C, W, K, k, 1, k / 2);
  lie_nn_conv1d_backward(dxr, dwr, dbr, dy, x, w, N, C, W, K, k, 1, k / 2);
  to_nwc(xt, x, N, C, W), to_nwc(dyt, dy, N, K, W), to_nwc(yrt, yr, N, K, W), to_nwc(dxrt, dxr, N, C, W);
  memcpy(x0, xt, nx * 4), memcpy(dy0, dyt, ny * 4);
  int e = lie_nn_conv1d_gemm_forward(&g, xt, wt, bias ? b : NULL, yg, sc);
  e |= lie_nn_conv1d_gemm_bwd_data(&g, dyt, wt, dxg, sc);
  int restored = !memcmp(x0, xt, nx * 4) && !memcmp(dy0, dyt, ny * 4);
  double my, mx;
  int bad = e || !restored || !close_to(yg, yrt, ny, &my) || !close_to(dxg, dxrt, nx, &mx);
  printf("%s same N%d C%d W%d K%d k%d%s: max |y diff| %.2e, |dx diff| %.2e, x/dy %s\n", bad ? "FAIL" : "ok  ", N, C, W,
         K, k, bias ? " bias" : "", my, mx, restored ? "restored" : "CHANGED");
  free(x), free(xt), free(x0), free(dy), free(dyt), free(dy0), free(w), free(wt), free(b), free(yr), free(yrt);
  free(yg), free(dxr), free(dxrt), free(dxg), free(dwr), free(dbr), free(sc);
  return bad;
}

int main(void) {
  int fail = 0;
  fail |= check(3, 5, 8, 7, 3, 1, 1);               /* ResNet k3 conv: both sample edges */
  fail |= check(2, 4, 10, 6, 3, 2, 1);              /* strided k3: left edge only */
  fail |= check(4, 3, 12, 5, 1, 2, 0);              /* 1x1 strided downsample */
  fail |= check(2, 6, 9, 4, 5, 1, 2);               /* two padded rows per edge */
  fail |= check(3, 2, 16, 4, 7, 2, 3);              /* the stem's k7 s2 p3 */
  fail |= check(1, 8, 4, 8, 3, 1, 1);               /* one sample: no cross-sample rows */
  fail |= check(5, 3, 1, 4, 3, 1, 1);               /* one row per sample: only the centre tap */
  fail |= check(3, 4, 2, 3, 5, 1, 2);               /* fewer rows than taps */
  fail |= check(64, 32, 8, 48, 3, 1, 1);            /* many samples (ResNet's last stage, smaller) */
  fail |= check(2, 3, 10, 4, 7, 1, 0);              /* valid k7: OW = Win - 6 */
  fail |= check(3, 5, 30, 6, 15, 1, 0);             /* valid k15 (the CNN's widest) */
  fail |= check(4, 2, 3, 3, 3, 1, 0);               /* valid, one output row per sample */
  fail |= check_same(3, 5, 8, 7, 3, 1);             /* ResNet k3: both sample edges, bias */
  fail |= check_same(4, 3, 9, 6, 5, 0);             /* two rows per edge */
  fail |= check_same(5, 4, 1, 3, 3, 0);             /* one row per sample: only the centre tap */
  fail |= check_same(2, 3, 2, 4, 5, 1);             /* fewer rows than taps */
  lie_nn_conv1d_gemm g = {2, 3, 10, 4, 4, 3, 2, 0}; /* k3 stride 2 pad 0: Win != 2*OW, not valid */
  if (lie_nn_conv1d_gemm_ok(&g)) printf("FAIL k3 stride 2 pad 0 accepted\n"), fail = 1;
  lie_nn_conv1d_gemm h = {2, 3, 9, 4, 5, 3, 2, 1}; /* odd input, stride 2: Win != 2*OW */
  if (lie_nn_conv1d_gemm_ok(&h)) printf("FAIL Win 9 stride 2 accepted\n"), fail = 1;
  printf(fail ? "FAILED\n" : "PASSED\n");
  return fail;
}
