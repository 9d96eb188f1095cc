/* Metrics against hand-computed values; the bootstrap against a replay of its documented
 * resampling and against the analytic standard error of a mean; bad input. */
#include "lie_test.h"

#include <string.h>

/* pred 1,2,3,4 vs truth 1.5,2,2,5: errors −0.5,0,1,−1, Σe² = 2.25;
 * truth mean 2.625, Σ(y−ȳ)² = 7.6875; relative errors 1/3, 0, 1/2, 1/5. */
static double P1[4] = {1, 2, 3, 4}, T1[4] = {1.5, 2, 2, 5};

static void hand_values(void) {
  lie_mat p = {4, 1, P1}, t = {4, 1, T1};
  double v;
  LIE_TEST_CALL(lie_metric_eval(LIE_METRIC_MSE, &p, &t, &v));
  LIE_TEST_NEAR(v, 2.25 / 4, 1e-15, "MSE hand value 0.5625");
  LIE_TEST_CALL(lie_metric_eval(LIE_METRIC_NMSE, &p, &t, &v));
  LIE_TEST_NEAR(v, 2.25 / 7.6875, 1e-15, "NMSE hand value 0.292683");
  LIE_TEST_CALL(lie_metric_eval(LIE_METRIC_RELERR, &p, &t, &v));
  LIE_TEST_NEAR(v, 25.0 * (1.0 / 3 + 0.5 + 0.2), 1e-13, "relative error hand value 25.8333 %");
  /* two targets, the second 10x the first: NMSE and relative error are scale-free per target,
   * MSE averages the raw squared errors */
  double p2[8], t2[8];
  for (int i = 0; i < 4; i++) {
    p2[2 * i] = P1[i], p2[2 * i + 1] = 10 * P1[i];
    t2[2 * i] = T1[i], t2[2 * i + 1] = 10 * T1[i];
  }
  lie_mat pm = {4, 2, p2}, tm = {4, 2, t2};
  LIE_TEST_CALL(lie_metric_eval(LIE_METRIC_MSE, &pm, &tm, &v));
  LIE_TEST_NEAR(v, (0.5625 + 56.25) / 2, 1e-13, "MSE of two targets = mean of per-target MSE");
  LIE_TEST_CALL(lie_metric_eval(LIE_METRIC_NMSE, &pm, &tm, &v));
  LIE_TEST_NEAR(v, 2.25 / 7.6875, 1e-15, "NMSE of two targets = mean of per-target NMSE");
  LIE_TEST_CALL(lie_metric_eval(LIE_METRIC_RELERR, &pm, &tm, &v));
  LIE_TEST_NEAR(v, 25.0 * (1.0 / 3 + 0.5 + 0.2), 1e-13, "relative error of two targets");
  lie_metric m;
  LIE_TEST_CALL(lie_metric_from_name("nmse", &m));
  LIE_TEST_TRUE(m == LIE_METRIC_NMSE && !strcmp(lie_metric_name(LIE_METRIC_RELERR), "relerr"), "metric names");
}

/* Replays the documented resampling: rng seeded with `seed`, indices lie_rng_int(rng, 0, n) in
 * order, nboot times; the MSE of each resample computed here by hand. */
static void bootstrap_replay(void) {
  lie_mat p = {4, 1, P1}, t = {4, 1, T1};
  enum { B = 50 };
  double mean, std, vals[B], s = 0, s2 = 0;
  lie_rng r;
  LIE_TEST_CALL(lie_metric_bootstrap(LIE_METRIC_MSE, &p, &t, B, 77, &mean, &std));
  lie_rng_seed(&r, 77);
  for (int b = 0; b < B; b++) {
    double se = 0;
    for (int k = 0; k < 4; k++) {
      int i = lie_rng_int(&r, 0, 4);
      se += (P1[i] - T1[i]) * (P1[i] - T1[i]);
    }
    vals[b] = se / 4;
    s += vals[b];
  }
  s /= B;
  for (int b = 0; b < B; b++)
    s2 += (vals[b] - s) * (vals[b] - s);
  LIE_TEST_NEAR(mean, s, 1e-14, "bootstrap mean = replay of the documented resampling");
  LIE_TEST_NEAR(std, sqrt(s2 / (B - 1)), 1e-14, "bootstrap std = replay");
  double m2, sd2;
  LIE_TEST_CALL(lie_metric_bootstrap(LIE_METRIC_MSE, &p, &t, B, 77, &m2, &sd2));
  LIE_TEST_TRUE(m2 == mean && sd2 == std, "same seed, same bootstrap");
  /* one sample: every resample is that sample */
  lie_mat p1 = {1, 1, P1 + 2}, t1 = {1, 1, T1 + 2};
  LIE_TEST_CALL(lie_metric_bootstrap(LIE_METRIC_RELERR, &p1, &t1, 10, 1, &mean, &std));
  LIE_TEST_NEAR(mean, 50.0, 1e-13, "one sample: bootstrap mean = its relative error (50 %)");
  LIE_TEST_NEAR(std, 0.0, 0.0, "one sample: bootstrap std = 0");
}

/* For the MSE (a mean of per-sample e²) the bootstrap std estimates the standard error
 * std(e²)·sqrt((n−1)/n)/sqrt(n). */
static void bootstrap_standard_error(void) {
  enum { N = 2000, B = 2000 };
  static double pr[N], tr[N];
  lie_rng r;
  lie_rng_seed(&r, 3);
  double s = 0, s2 = 0;
  for (int i = 0; i < N; i++) {
    tr[i] = lie_rng_normal(&r);
    pr[i] = tr[i] + 0.5 * lie_rng_normal(&r);
    s += (pr[i] - tr[i]) * (pr[i] - tr[i]);
  }
  s /= N;
  for (int i = 0; i < N; i++) {
    double e2 = (pr[i] - tr[i]) * (pr[i] - tr[i]);
    s2 += (e2 - s) * (e2 - s);
  }
  double se = sqrt(s2 / N) / sqrt((double)N), mean, std;
  lie_mat p = {N, 1, pr}, t = {N, 1, tr};
  LIE_TEST_CALL(lie_metric_bootstrap(LIE_METRIC_MSE, &p, &t, B, 4, &mean, &std));
  printf("  MSE %.5f, bootstrap %.5f +- %.5f, analytic standard error %.5f\n", s, mean, std, se);
  LIE_TEST_NEAR(std / se, 1.0, 0.1, "bootstrap std = analytic standard error of the MSE (10 %)");
  LIE_TEST_NEAR(mean, s, 4 * se / sqrt((double)B) + 1e-12, "bootstrap mean = full-sample MSE (within 4 s.e./sqrt(B))");
}

static void bad_input(void) {
  double a[4] = {1, 2, 3, 4}, z[4] = {0, 1, 2, 3}, c[4] = {2, 2, 2, 2}, v, sd;
  lie_mat p = {4, 1, a}, p3 = {3, 1, a}, t0 = {4, 1, z}, tc = {4, 1, c};
  int e = lie_metric_eval(LIE_METRIC_MSE, &p3, &t0, &v);
  printf("  message: %s\n", lie_error_message());
  LIE_TEST_TRUE(e == LIE_ERR_USAGE && strstr(lie_error_message(), "shape mismatch"),
                "3 predictions vs 4 targets: usage error");
  e = lie_metric_eval(LIE_METRIC_RELERR, &p, &t0, &v);
  printf("  message: %s\n", lie_error_message());
  LIE_TEST_TRUE(e == LIE_ERR_NUMERIC, "relative error with a zero target: LIE_ERR_NUMERIC");
  e = lie_metric_eval(LIE_METRIC_NMSE, &p, &tc, &v);
  printf("  message: %s\n", lie_error_message());
  LIE_TEST_TRUE(e == LIE_ERR_NUMERIC, "NMSE of a constant target: LIE_ERR_NUMERIC");
  a[2] = NAN;
  e = lie_metric_eval(LIE_METRIC_MSE, &p, &tc, &v);
  printf("  message: %s\n", lie_error_message());
  LIE_TEST_TRUE(e == LIE_ERR_NUMERIC, "NaN prediction: LIE_ERR_NUMERIC");
  a[2] = 3;
  e = lie_metric_bootstrap(LIE_METRIC_MSE, &p, &tc, 1, 0, &v, &sd);
  LIE_TEST_TRUE(e == LIE_ERR_USAGE, "bootstrap with 1 resample: usage error");
  lie_metric m;
  e = lie_metric_from_name("rmse", &m);
  printf("  message: %s\n", lie_error_message());
  LIE_TEST_TRUE(e == LIE_ERR_USAGE, "unknown metric name: usage error");
  lie_error_clear();
}

int main(int argc, char **argv) {
  PetscInitialize(&argc, &argv, NULL, NULL);
  hand_values();
  bootstrap_replay();
  bootstrap_standard_error();
  bad_input();
  return lie_test_finish();
}
