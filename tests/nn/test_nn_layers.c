/* Gradient checks of every reference layer (inputs and parameters), plus forward invariants
 * that a gradient check cannot see (BN running statistics, pooling values).
 * Tolerances: layers linear in the checked tensor (conv, linear, pools, add) are checked with
 * h = 1e-2, where the central difference is exact up to float rounding of the output
 * (~1e-7 relative per element): tol 1e-3. Batch norm is smooth but nonlinear: h = 1e-3,
 * truncation O(h^2) -> tol 5e-3. ReLU/max-pool inputs are kept >= 0.1 (ReLU) or >= 0.05
 * apart (max-pool windows) from any kink, so +-h never crosses one. */
#include "gradcheck.h"

#include <stdlib.h>
#include <string.h>

static lie_rng rng;

#define ALLOC(p, n) float *p = calloc((size_t)(n), sizeof(float))

/* ------------------------------------------------------------------ conv */
typedef struct {
  lie_nn_conv_shape s;
  float *inp, *w, *b, *out;
  int use_bias;
} conv_case;
static void conv_fwd(void *c) {
  conv_case *k = c;
  lie_nn_conv2d_forward(k->out, k->inp, k->w, k->use_bias ? k->b : NULL, &k->s);
}

static void test_conv2d(lie_nn_conv_shape s, int use_bias, const char *label) {
  conv_case k = {s, NULL, NULL, NULL, NULL, use_bias};
  const int OH = lie_nn_conv_out_h(&s), OW = lie_nn_conv_out_w(&s);
  size_t ni = (size_t)s.B * s.C * s.H * s.W, nw = (size_t)s.K * s.C * s.R * s.S, no = (size_t)s.B * s.K * OH * OW;
  k.inp = calloc(ni, 4), k.w = calloc(nw, 4), k.b = calloc(s.K, 4), k.out = calloc(no, 4);
  ALLOC(r, no);
  ALLOC(dinp, ni);
  ALLOC(dw, nw);
  ALLOC(db, s.K);
  gc_fill(&rng, k.inp, ni, -1, 1), gc_fill(&rng, k.w, nw, -1, 1), gc_fill(&rng, k.b, s.K, -1, 1);
  gc_fill(&rng, r, no, -1, 1);
  conv_fwd(&k);
  lie_nn_conv2d_backward(dinp, dw, use_bias ? db : NULL, r, k.inp, k.w, &s);
  char what[128];
  printf("conv2d %s\n", label);
  snprintf(what, sizeof what, "conv2d %s dinp", label);
  LIE_TEST_LE(gc_check("dinp", k.inp, ni, dinp, conv_fwd, &k, k.out, r, no, 1e-2f, 400), 1e-3, what);
  snprintf(what, sizeof what, "conv2d %s dweight", label);
  LIE_TEST_LE(gc_check("dweight", k.w, nw, dw, conv_fwd, &k, k.out, r, no, 1e-2f, 400), 1e-3, what);
  if (use_bias) {
    snprintf(what, sizeof what, "conv2d %s dbias", label);
    LIE_TEST_LE(gc_check("dbias", k.b, s.K, db, conv_fwd, &k, k.out, r, no, 1e-2f, 400), 1e-3, what);
  }
  /* accumulation contract: a second backward adds the same amount again */
  float d0 = dw[0];
  lie_nn_conv2d_backward(NULL, dw, NULL, r, k.inp, k.w, &s);
  LIE_TEST_NEAR(dw[0], 2 * d0, 1e-5 * (1 + fabs(d0)), "conv2d backward accumulates into dweight");
  free(k.inp), free(k.w), free(k.b), free(k.out), free(r), free(dinp), free(dw), free(db);
}

/* conv1d is checked against the same formula written out for 1D, then gradient-checked */
typedef struct {
  int B, C, L, K, S, st, pad;
  float *inp, *w, *b, *out;
} conv1_case;
static void conv1_fwd(void *c) {
  conv1_case *k = c;
  lie_nn_conv1d_forward(k->out, k->inp, k->w, k->b, k->B, k->C, k->L, k->K, k->S, k->st, k->pad);
}

static void test_conv1d(int use_bias) {
  conv1_case k = {2, 3, 11, 4, 5, 2, 2, NULL, NULL, NULL, NULL};
  int OL = (k.L + 2 * k.pad - k.S) / k.st + 1;
  size_t ni = (size_t)k.B * k.C * k.L, nw = (size_t)k.K * k.C * k.S, no = (size_t)k.B * k.K * OL;
  k.inp = calloc(ni, 4), k.w = calloc(nw, 4), k.out = calloc(no, 4);
  k.b = use_bias ? calloc(k.K, 4) : NULL;
  ALLOC(r, no);
  ALLOC(dinp, ni);
  ALLOC(dw, nw);
  ALLOC(db, k.K);
  gc_fill(&rng, k.inp, ni, -1, 1), gc_fill(&rng, k.w, nw, -1, 1), gc_fill(&rng, r, no, -1, 1);
  if (k.b) gc_fill(&rng, k.b, k.K, -1, 1);
  conv1_fwd(&k);
  /* direct evaluation of one output: out[1,2,o] = b + sum_c sum_s inp[1,c,o*st-pad+s] w[2,c,s] */
  double maxd = 0;
  for (int o = 0; o < OL; o++) {
    double acc = k.b ? k.b[2] : 0.0;
    for (int c = 0; c < k.C; c++)
      for (int s = 0; s < k.S; s++) {
        int i = o * k.st - k.pad + s;
        if (i >= 0 && i < k.L) acc += (double)k.inp[(k.C + c) * k.L + i] * k.w[(2 * k.C + c) * k.S + s];
      }
    maxd = lie_test_max(maxd, fabs(acc - k.out[(k.K + 2) * OL + o]));
  }
  LIE_TEST_LE(maxd, 1e-6, use_bias ? "conv1d forward = direct sum (bias)" : "conv1d forward = direct sum");
  lie_nn_conv1d_backward(dinp, dw, k.b ? db : NULL, r, k.inp, k.w, k.B, k.C, k.L, k.K, k.S, k.st, k.pad);
  printf("conv1d stride 2 pad 2 %s\n", use_bias ? "bias" : "no bias");
  LIE_TEST_LE(gc_check("dinp", k.inp, ni, dinp, conv1_fwd, &k, k.out, r, no, 1e-2f, 400), 1e-3, "conv1d dinp");
  LIE_TEST_LE(gc_check("dweight", k.w, nw, dw, conv1_fwd, &k, k.out, r, no, 1e-2f, 400), 1e-3, "conv1d dweight");
  if (k.b) LIE_TEST_LE(gc_check("dbias", k.b, k.K, db, conv1_fwd, &k, k.out, r, no, 1e-2f, 400), 1e-3, "conv1d dbias");
  free(k.inp), free(k.w), free(k.b), free(k.out), free(r), free(dinp), free(dw), free(db);
}

/* ------------------------------------------------------------------ batch norm */
typedef struct {
  int B, C, HW, train;
  float *inp, *g, *b, *out, *mean, *rstd, *rm, *rv;
} bn_case;
static void bn_fwd(void *c) {
  bn_case *k = c;
  /* running stats are not the subject of the gradient: update copies */
  float rm[64], rv[64];
  memcpy(rm, k->rm, sizeof(float) * k->C), memcpy(rv, k->rv, sizeof(float) * k->C);
  lie_nn_batchnorm_forward(k->out, k->mean, k->rstd, k->inp, k->g, k->b, rm, rv, k->B, k->C, k->HW, 0.1f, 1e-5f,
                           k->train);
}

static void test_batchnorm(int train, int HW) {
  bn_case k = {3, 4, HW, train};
  size_t n = (size_t)k.B * k.C * k.HW;
  k.inp = calloc(n, 4), k.out = calloc(n, 4);
  k.g = calloc(k.C, 4), k.b = calloc(k.C, 4), k.mean = calloc(k.C, 4), k.rstd = calloc(k.C, 4);
  k.rm = calloc(k.C, 4), k.rv = calloc(k.C, 4);
  ALLOC(r, n);
  ALLOC(dinp, n);
  ALLOC(dg, k.C);
  ALLOC(dbt, k.C);
  gc_fill(&rng, k.inp, n, -2, 2), gc_fill(&rng, k.g, k.C, 0.5, 1.5), gc_fill(&rng, k.b, k.C, -1, 1);
  gc_fill(&rng, k.rm, k.C, -0.5, 0.5), gc_fill(&rng, k.rv, k.C, 0.5, 2);
  gc_fill(&rng, r, n, -1, 1);
  /* running statistics: r = 0.9 r + 0.1 stat with the unbiased variance (torch) */
  if (train) {
    float rm[4], rv[4];
    memcpy(rm, k.rm, 16), memcpy(rv, k.rv, 16);
    lie_nn_batchnorm_forward(k.out, k.mean, k.rstd, k.inp, k.g, k.b, rm, rv, k.B, k.C, k.HW, 0.1f, 1e-5f, 1);
    double em = 0, ev = 0, N = (double)k.B * k.HW;
    for (int b = 0; b < k.B; b++)
      for (int i = 0; i < k.HW; i++)
        em += k.inp[(b * k.C + 1) * k.HW + i];
    em /= N;
    for (int b = 0; b < k.B; b++)
      for (int i = 0; i < k.HW; i++)
        ev += pow(k.inp[(b * k.C + 1) * k.HW + i] - em, 2);
    LIE_TEST_NEAR(rm[1], 0.9 * k.rm[1] + 0.1 * em, 1e-6, "bn running_mean = 0.9 r + 0.1 mean");
    LIE_TEST_NEAR(rv[1], 0.9 * k.rv[1] + 0.1 * ev / (N - 1), 1e-6, "bn running_var uses the unbiased variance");
    /* normalised output of channel 1 has mean beta, biased std gamma (up to eps) */
    double om = 0, ov = 0;
    for (int b = 0; b < k.B; b++)
      for (int i = 0; i < k.HW; i++)
        om += k.out[(b * k.C + 1) * k.HW + i];
    om /= N;
    for (int b = 0; b < k.B; b++)
      for (int i = 0; i < k.HW; i++)
        ov += pow(k.out[(b * k.C + 1) * k.HW + i] - om, 2);
    LIE_TEST_NEAR(om, k.b[1], 1e-5, "bn output mean = beta");
    LIE_TEST_NEAR(sqrt(ov / N), k.g[1] * sqrt((ev / N) / (ev / N + 1e-5)), 1e-5, "bn output std = gamma");
  } else {
    bn_fwd(&k);
    /* element 5 of (B,C,HW=5) is (b=0, c=1, i=0) */
    double want = (k.inp[5] - k.rm[1]) / sqrt(k.rv[1] + 1e-5) * k.g[1] + k.b[1];
    LIE_TEST_NEAR(k.out[5], want, 1e-5, "bn inference uses running stats");
  }
  bn_fwd(&k);
  lie_nn_batchnorm_backward(dinp, dg, dbt, r, k.inp, k.mean, k.rstd, k.g, k.B, k.C, k.HW, train);
  printf("batchnorm %s HW=%d\n", train ? "train" : "eval", HW);
  float h = 1e-3f;
  LIE_TEST_LE(gc_check("dinp", k.inp, n, dinp, bn_fwd, &k, k.out, r, n, h, 400), 5e-3,
              train ? "bn train dinp" : "bn eval dinp");
  LIE_TEST_LE(gc_check("dgamma", k.g, k.C, dg, bn_fwd, &k, k.out, r, n, h, 400), 5e-3,
              train ? "bn train dgamma" : "bn eval dgamma");
  LIE_TEST_LE(gc_check("dbeta", k.b, k.C, dbt, bn_fwd, &k, k.out, r, n, h, 400), 5e-3,
              train ? "bn train dbeta" : "bn eval dbeta");
  free(k.inp), free(k.out), free(k.g), free(k.b), free(k.mean), free(k.rstd), free(k.rm), free(k.rv);
  free(r), free(dinp), free(dg), free(dbt);
}

/* ------------------------------------------------------------------ element-wise, pools, linear */
typedef struct {
  size_t n;
  int B, C, H, W, Fi, Fo;
  float *a, *b, *w, *bias, *out;
} misc_case;
static void relu_fwd(void *c) {
  misc_case *k = c;
  lie_nn_relu_forward(k->out, k->a, k->n);
}
static void add_fwd(void *c) {
  misc_case *k = c;
  lie_nn_add_forward(k->out, k->a, k->b, k->n);
}
static void maxpool_fwd(void *c) {
  misc_case *k = c;
  lie_nn_maxpool_forward(k->out, k->a, k->B, k->C, k->H, k->W, 3, 3, 2, 2, 1, 1);
}
static void avgpool_fwd(void *c) {
  misc_case *k = c;
  lie_nn_avgpool_forward(k->out, k->a, k->B, k->C, k->H * k->W);
}
static void linear_fwd(void *c) {
  misc_case *k = c;
  lie_nn_linear_forward(k->out, k->a, k->w, k->bias, k->B, k->Fi, k->Fo);
}

static void test_relu_add(void) {
  misc_case k = {60};
  k.a = calloc(60, 4), k.b = calloc(60, 4), k.out = calloc(60, 4);
  ALLOC(r, 60);
  ALLOC(da, 60);
  ALLOC(db, 60);
  gc_fill_nokink(&rng, k.a, 60), gc_fill(&rng, k.b, 60, -1, 1), gc_fill(&rng, r, 60, -1, 1);
  relu_fwd(&k);
  lie_nn_relu_backward(da, r, k.a, 60);
  printf("relu\n");
  LIE_TEST_LE(gc_check("dinp", k.a, 60, da, relu_fwd, &k, k.out, r, 60, 1e-2f, 400), 1e-3, "relu dinp");
  memset(da, 0, 240);
  add_fwd(&k);
  lie_nn_add_backward(da, db, r, 60);
  printf("add\n");
  LIE_TEST_LE(gc_check("da", k.a, 60, da, add_fwd, &k, k.out, r, 60, 1e-2f, 400), 1e-3, "add da");
  LIE_TEST_LE(gc_check("db", k.b, 60, db, add_fwd, &k, k.out, r, 60, 1e-2f, 400), 1e-3, "add db");
  free(k.a), free(k.b), free(k.out), free(r), free(da), free(db);
}

static void test_pools(void) {
  misc_case k = {0, 2, 3, 7, 8};
  size_t n = (size_t)k.B * k.C * k.H * k.W;
  int OH = (7 + 2 - 3) / 2 + 1, OW = (8 + 2 - 3) / 2 + 1;
  size_t no = (size_t)k.B * k.C * OH * OW;
  k.a = calloc(n, 4), k.out = calloc(n, 4);
  ALLOC(r, n);
  ALLOC(da, n);
  /* distinct values 0.05 apart in random order: every window has a clear maximum */
  for (size_t i = 0; i < n; i++)
    k.a[i] = 0.05f * (float)i - 3.0f;
  for (size_t i = n - 1; i > 0; i--) {
    size_t j = (size_t)lie_rng_int(&rng, 0, (int)i + 1);
    float t = k.a[i];
    k.a[i] = k.a[j], k.a[j] = t;
  }
  gc_fill(&rng, r, n, -1, 1);
  maxpool_fwd(&k);
  /* out[0,0,0,0] is the max of the 2x2 top-left corner (padding -inf) */
  float m = lie_test_maxf(lie_test_maxf(k.a[0], k.a[1]), lie_test_maxf(k.a[8], k.a[9]));
  LIE_TEST_NEAR(k.out[0], m, 0, "maxpool corner window value");
  lie_nn_maxpool_backward(da, r, k.a, k.B, k.C, k.H, k.W, 3, 3, 2, 2, 1, 1);
  printf("maxpool 3/2 pad 1 on 7x8\n");
  LIE_TEST_LE(gc_check("dinp", k.a, n, da, maxpool_fwd, &k, k.out, r, no, 1e-2f, 400), 1e-3, "maxpool dinp");
  memset(da, 0, n * 4);
  gc_fill(&rng, k.a, n, -1, 1);
  avgpool_fwd(&k);
  lie_nn_avgpool_backward(da, r, k.B, k.C, k.H * k.W);
  printf("global average pool\n");
  LIE_TEST_LE(gc_check("dinp", k.a, n, da, avgpool_fwd, &k, k.out, r, (size_t)k.B * k.C, 1e-2f, 400), 1e-3,
              "avgpool dinp");
  free(k.a), free(k.out), free(r), free(da);
}

static void test_linear(void) {
  misc_case k = {0, 5};
  k.Fi = 7, k.Fo = 6;
  size_t ni = 35, nw = 42, no = 30;
  k.a = calloc(ni, 4), k.w = calloc(nw, 4), k.bias = calloc(6, 4), k.out = calloc(no, 4);
  ALLOC(r, no);
  ALLOC(da, ni);
  ALLOC(dw, nw);
  ALLOC(db, 6);
  gc_fill(&rng, k.a, ni, -1, 1), gc_fill(&rng, k.w, nw, -1, 1), gc_fill(&rng, k.bias, 6, -1, 1);
  gc_fill(&rng, r, no, -1, 1);
  linear_fwd(&k);
  double want = k.bias[4];
  for (int i = 0; i < 7; i++)
    want += (double)k.a[2 * 7 + i] * k.w[4 * 7 + i];
  LIE_TEST_NEAR(k.out[2 * 6 + 4], want, 1e-6, "linear forward = x W^T + b");
  lie_nn_linear_backward(da, dw, db, r, k.a, k.w, k.B, k.Fi, k.Fo);
  printf("linear 7 -> 6\n");
  LIE_TEST_LE(gc_check("dinp", k.a, ni, da, linear_fwd, &k, k.out, r, no, 1e-2f, 400), 1e-3, "linear dinp");
  LIE_TEST_LE(gc_check("dweight", k.w, nw, dw, linear_fwd, &k, k.out, r, no, 1e-2f, 400), 1e-3, "linear dweight");
  LIE_TEST_LE(gc_check("dbias", k.bias, 6, db, linear_fwd, &k, k.out, r, no, 1e-2f, 400), 1e-3, "linear dbias");
  free(k.a), free(k.w), free(k.bias), free(k.out), free(r), free(da), free(dw), free(db);
}

int main(int argc, char **argv) {
  PetscInitialize(&argc, &argv, NULL, NULL);
  lie_rng_seed(&rng, 12345);
  test_conv2d((lie_nn_conv_shape){2, 3, 7, 6, 4, 3, 2, 2, 1, 1, 1}, 1, "3x2 stride (2,1) pad (1,1) bias");
  test_conv2d((lie_nn_conv_shape){2, 3, 9, 9, 2, 7, 7, 2, 2, 3, 3}, 0, "7x7/2 pad 3 (ResNet stem)");
  test_conv2d((lie_nn_conv_shape){1, 4, 5, 5, 3, 1, 1, 2, 2, 0, 0}, 0, "1x1/2 (downsample)");
  test_conv1d(1);
  test_conv1d(0);
  test_batchnorm(1, 5);
  test_batchnorm(1, 1); /* BatchNorm1d on (B,C) as in the expander */
  test_batchnorm(0, 5);
  test_relu_add();
  test_pools();
  test_linear();
  return lie_test_finish();
}
