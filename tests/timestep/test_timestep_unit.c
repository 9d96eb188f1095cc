/* Time-stepping pieces that do not need a network: training windows and start times,
 * rollout windows, the lr schedule, the per-frame NMSE and the bootstrap. */
#include "eval/timestep_impl.h"
#include "lie_test.h"
#include "liereg/liereg.h"

#include <math.h>
#include <string.h>

static void test_windows(void) {
  /* LPSDA at nt 140, H = F = 20: training starts 0..100, rollout inputs at 20, 40, .., 100 */
  LIE_TEST_TRUE(lie_step_num_starts(140, 20, 20, 1) == 101, "101 training start times at nt 140, H = F = 20");
  LIE_TEST_TRUE(lie_step_num_starts(140, 20, 20, 20) == 6, "stride 20: starts 0, 20, .., 100");
  LIE_TEST_TRUE(lie_step_num_starts(39, 20, 20, 1) == 0, "39 frames: too short for H + F = 40");
  LIE_TEST_TRUE(lie_step_num_starts(40, 20, 20, 1) == 1, "40 frames: exactly one window");
  LIE_TEST_TRUE(lie_step_num_windows(140, 20, 20, 20) == 5, "rollout from frame 20: 5 calls (100 frames predicted)");
  LIE_TEST_TRUE(lie_step_num_windows(140, 20, 20, 0) == 6, "rollout from frame 0: 6 calls");
  LIE_TEST_TRUE(lie_step_num_windows(59, 20, 20, 20) == 0, "59 frames: no rollout from frame 20");
  LIE_TEST_TRUE(lie_step_num_windows(48, 8, 8, 8) == 4, "48 frames, H = F = 8 from 8: 4 calls");
}

static void test_starts(void) {
  int hist[101] = {0}, same = 1, in = 1;
  for (long s = 0; s < 101 * 200; s++) {
    int t = lie_step_start_time(7, 3, 1, s, 101, 1);
    in &= t >= 0 && t <= 100;
    if (t >= 0 && t <= 100) hist[t]++;
    same &= t == lie_step_start_time(7, 3, 1, s, 101, 1);
  }
  LIE_TEST_TRUE(in, "start times in [0, 100]");
  LIE_TEST_TRUE(same, "start time is a pure function of (seed, epoch, pass, slot)");
  int lo = hist[0], hi = hist[0];
  for (int t = 1; t < 101; t++)
    lo = hist[t] < lo ? hist[t] : lo, hi = hist[t] > hi ? hist[t] : hi;
  LIE_TEST_TRUE(lo > 120 && hi < 290, "every start drawn about 200 times in 20200 draws (uniform)");
  printf("     (min %d, max %d draws per start)\n", lo, hi);
  int diff = 0;
  for (long s = 0; s < 64; s++)
    diff += lie_step_start_time(7, 3, 1, s, 101, 1) != lie_step_start_time(7, 4, 1, s, 101, 1);
  LIE_TEST_TRUE(diff > 50, "another epoch draws other start times");
  LIE_TEST_TRUE(lie_step_start_time(7, 0, 0, 5, 6, 20) % 20 == 0, "stride 20: start times are multiples of 20");
}

static void test_lr(void) {
  lie_step_opts c;
  lie_step_opts_default(&c);
  LIE_TEST_NEAR(lie_step_lr(&c, 0), 1e-4, 1e-18, "lr epoch 0");
  LIE_TEST_NEAR(lie_step_lr(&c, 4), 1e-4, 1e-18, "lr epoch 4");
  LIE_TEST_NEAR(lie_step_lr(&c, 5), 4e-5, 1e-18, "lr epoch 5 (x0.4)");
  LIE_TEST_NEAR(lie_step_lr(&c, 10), 1.6e-5, 1e-18, "lr epoch 10 (x0.4^2)");
  LIE_TEST_NEAR(lie_step_lr(&c, 19), 6.4e-6, 1e-18, "lr epoch 19 (x0.4^3)");
  LIE_TEST_TRUE(c.history == 20 && c.future == 20 && c.epochs == 20 && c.batch == 16, "LPSDA defaults 20/20/20/16");
}

static void test_errors(void) {
  float u[4] = {1, -1, 2, 0}, p[4] = {1, 0, 2, 1};
  double nmse, mse;
  lie_step_frame_errors(p, u, 4, &nmse, &mse);
  LIE_TEST_NEAR(mse, 0.5, 1e-15, "mse = mean_x err^2 = 2/4");
  LIE_TEST_NEAR(nmse, 2.0 / 6.0, 1e-15, "nmse = sum err^2 / sum u^2 = 2/6");
  p[1] = NAN;
  lie_step_frame_errors(p, u, 4, &nmse, &mse);
  LIE_TEST_TRUE(!isfinite(nmse) && !isfinite(mse), "a NaN prediction gives a non-finite NMSE (caught by the rollout)");
}

static void test_bootstrap(void) {
  double v[5] = {2, 2, 2, 2, 2}, w[200], mean, std;
  LIE_TEST_CALL(lie_step_bootstrap(v, 5, 64, 1, &mean, &std));
  LIE_TEST_NEAR(mean, 2.0, 1e-15, "bootstrap mean of a constant");
  LIE_TEST_NEAR(std, 0.0, 1e-15, "bootstrap std of a constant");
  for (int i = 0; i < 200; i++)
    w[i] = i % 2; /* mean 0.5, population std 0.5: std of the mean ~ 0.5/sqrt(200) = 0.035 */
  LIE_TEST_CALL(lie_step_bootstrap(w, 200, 2000, 3, &mean, &std));
  LIE_TEST_NEAR(mean, 0.5, 0.01, "bootstrap mean");
  LIE_TEST_NEAR(std, 0.5 / sqrt(200.0), 0.004, "bootstrap std = std of the mean");
}

/* The conditioning input of -step_cond_pca k (timestep_cond.c) on synthetic "representations":
 * n = 40 training vectors of d = 6 features = 2 strong latent factors (std 3 and 1) plus weak
 * noise in all features. The k = 2 inputs must be centred, unit-variance and uncorrelated on
 * the training split (whitened principal components), the first one aligned with the strong
 * factor; k = 0 keeps the d features with one pooled scale (the rule before -step_cond_pca). */
static void test_cond_pca(lie_ctx ctx) {
  enum { N = 40, D = 6 };
  lie_step_opts o;
  lie_step_job j;
  double v[N * D], fac[N];
  float in[N][D];
  lie_rng r;
  lie_rng_seed(&r, 7);
  for (int i = 0; i < N; i++) {
    double a = 3 * (2 * lie_rng_uniform(&r) - 1), b = 2 * lie_rng_uniform(&r) - 1;
    fac[i] = a;
    for (int k = 0; k < D; k++)
      v[i * D + k] = 5 + a * (k == 0 ? 1.0 : 0.5) + b * (k == 1 ? 1.0 : -0.2) + 1e-3 * lie_rng_uniform(&r);
  }
  for (int pass = 0; pass < 2; pass++) {
    lie_step_opts_default(&o);
    o.cond = LIE_STEP_COND_SSL, o.cond_pca = pass == 0 ? 2 : 0;
    memset(&j, 0, sizeof j);
    j.ctx = ctx, j.cfg = &o, j.P = 1, j.rank = 0, j.d = D, j.tr.n = N, j.tr.cond = v;
    LIE_TEST_CALL(lie_step_cond_standardise(&j));
    for (int i = 0; i < N; i++)
      lie_step_cond_input(&j, v + i * D, in[i]);
    if (pass == 0) {
      LIE_TEST_TRUE(j.din == 2, "-step_cond_pca 2: two inputs");
      double m[2] = {0, 0}, c[2][2] = {{0, 0}, {0, 0}}, ca = 0, va = 0;
      for (int i = 0; i < N; i++)
        for (int a = 0; a < 2; a++) {
          m[a] += in[i][a] / N;
          for (int b = 0; b < 2; b++)
            c[a][b] += (double)in[i][a] * in[i][b] / N;
        }
      double mf = 0;
      for (int i = 0; i < N; i++)
        mf += fac[i] / N;
      for (int i = 0; i < N; i++)
        ca += in[i][0] * (fac[i] - mf) / N, va += (fac[i] - mf) * (fac[i] - mf) / N;
      LIE_TEST_NEAR(m[0], 0.0, 1e-5, "first input centred on the training split");
      LIE_TEST_NEAR(m[1], 0.0, 1e-5, "second input centred");
      LIE_TEST_NEAR(c[0][0], 1.0, 1e-5, "first input: unit variance (whitened)");
      LIE_TEST_NEAR(c[1][1], 1.0, 1e-5, "second input: unit variance");
      LIE_TEST_NEAR(c[0][1], 0.0, 1e-5, "the two inputs uncorrelated");
      LIE_TEST_LE(0.99, fabs(ca) / sqrt(va), "first input: correlation with the strong factor");
    } else {
      LIE_TEST_TRUE(j.din == D, "-step_cond_pca 0: all d features");
      double ss = 0;
      for (int i = 0; i < N; i++)
        for (int k = 0; k < D; k++)
          ss += (double)in[i][k] * in[i][k] / N / D;
      LIE_TEST_NEAR(ss, 1.0, 1e-5, "-step_cond_pca 0: one pooled scale (mean variance 1)");
    }
    float z[D];
    lie_step_cond_input(&j, NULL, z);
    LIE_TEST_TRUE(z[0] == 0 && z[j.din - 1] == 0, "padding rows: zero input");
    free(j.cproj);
  }
}

int main(int argc, char **argv) {
  PetscInitialize(&argc, &argv, NULL, NULL);
  test_windows();
  test_starts();
  test_lr();
  test_errors();
  test_bootstrap();
  lie_ctx ctx;
  LIE_TEST_CALL(lie_ctx_create(PETSC_COMM_WORLD, &ctx));
  test_cond_pca(ctx);
  lie_ctx_destroy(&ctx);
  return lie_test_finish();
}
