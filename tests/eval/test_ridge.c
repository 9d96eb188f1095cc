/* Ridge probe: exact recovery of a linear map (λ = 0, also with a constant feature and with
 * more features than samples), a hand case with λ > 0, cross-validation picking the Bayes-
 * optimal λ = σ²/τ² to within a decade at two noise levels, and bad input. */
#include "lie_test.h"

#include <string.h>

/* X (n,p) with per-feature scales and offsets (standardisation must undo them), A (p,m), b. */
static void synth(lie_rng *r, int n, int p, int m, double *X, double *A, double *b) {
  for (int i = 0; i < n; i++)
    for (int j = 0; j < p; j++)
      X[i * p + j] = (0.5 + j) * lie_rng_normal(r) + 3.0 * j - 7;
  if (A)
    for (int k = 0; k < p * m; k++)
      A[k] = lie_rng_normal(r);
  if (b)
    for (int t = 0; t < m; t++)
      b[t] = lie_rng_range(r, -5, 5);
}

static void apply(int n, int p, int m, const double *X, const double *A, const double *b, double *Y) {
  for (int i = 0; i < n; i++)
    for (int t = 0; t < m; t++) {
      double s = b[t];
      for (int j = 0; j < p; j++)
        s += X[i * p + j] * A[j * m + t];
      Y[i * m + t] = s;
    }
}

static double maxdiff(const double *a, const double *b, int n) {
  double d = 0;
  for (int i = 0; i < n; i++)
    d = lie_test_max(d, fabs(a[i] - b[i]));
  return d;
}

static void exact_recovery(void) {
  enum { N = 100, P = 10, M = 3, NT = 20 };
  static double X[N * (P + 1)], A[(P + 1) * M], b[M], Y[N * M], W[(P + 1) * M], bw[M], Xt[NT * P], Yt[NT * M],
      Yh[NT * M];
  lie_rng r;
  lie_rng_seed(&r, 1);
  synth(&r, N, P, M, X, A, b);
  apply(N, P, M, X, A, b, Y);
  lie_mat mx = {N, P, X}, my = {N, M, Y};
  lie_ridge model;
  LIE_TEST_CALL(lie_ridge_fit(&mx, &my, 0.0, &model));
  LIE_TEST_CALL(lie_ridge_coef(model, W, bw));
  LIE_TEST_LE(maxdiff(W, A, P * M), 1e-8, "lambda=0 recovers the linear map W exactly");
  LIE_TEST_LE(maxdiff(bw, b, M), 1e-8, "lambda=0 recovers the intercept exactly");
  synth(&r, NT, P, M, Xt, NULL, NULL);
  apply(NT, P, M, Xt, A, b, Yt);
  lie_mat mxt = {NT, P, Xt}, myh = {NT, M, Yh};
  LIE_TEST_CALL(lie_ridge_predict(model, &mxt, &myh));
  LIE_TEST_LE(maxdiff(Yh, Yt, NT * M), 1e-8, "predictions on new samples are exact");
  LIE_TEST_CALL(lie_ridge_destroy(&model));
  LIE_TEST_TRUE(model == NULL, "destroy sets the handle to NULL");

  /* add a constant feature: it carries no information and must get a zero weight */
  for (int i = N - 1; i >= 0; i--) {
    for (int j = P - 1; j >= 0; j--)
      X[i * (P + 1) + j] = X[i * P + j];
    X[i * (P + 1) + P] = 4.25;
  }
  lie_mat mxc = {N, P + 1, X};
  LIE_TEST_CALL(lie_ridge_fit(&mxc, &my, 0.0, &model));
  LIE_TEST_CALL(lie_ridge_coef(model, W, bw));
  double e = maxdiff(bw, b, M);
  for (int j = 0; j < P; j++)
    for (int t = 0; t < M; t++)
      e = lie_test_max(e, fabs(W[j * M + t] - A[j * M + t]));
  LIE_TEST_LE(e, 1e-8, "with a constant feature: map and intercept still exact");
  LIE_TEST_LE(fabs(W[P * M]) + fabs(W[P * M + 1]) + fabs(W[P * M + 2]), 0.0, "the constant feature gets weight 0");
  LIE_TEST_CALL(lie_ridge_destroy(&model));
}

/* p > n: λ = 0 is the minimum-norm interpolant, which reproduces the training targets. */
static void more_features_than_samples(void) {
  enum { N = 15, P = 40, M = 2 };
  static double X[N * P], Y[N * M], Yh[N * M];
  lie_rng r;
  lie_rng_seed(&r, 5);
  synth(&r, N, P, M, X, NULL, NULL);
  for (int k = 0; k < N * M; k++)
    Y[k] = lie_rng_normal(&r);
  lie_mat mx = {N, P, X}, my = {N, M, Y}, myh = {N, M, Yh};
  lie_ridge model;
  LIE_TEST_CALL(lie_ridge_fit(&mx, &my, 0.0, &model));
  LIE_TEST_CALL(lie_ridge_predict(model, &mx, &myh));
  LIE_TEST_LE(maxdiff(Yh, Y, N * M), 1e-8, "p > n, lambda=0: the training targets are interpolated");
  LIE_TEST_CALL(lie_ridge_destroy(&model));
}

/* x = 1..4, y = 2x: xs = (x − 2.5)/sqrt(1.25), Σxs² = 4, Σ xs·yc = 10/sqrt(1.25), so with λ = 4
 * ws = sqrt(1.25) and W = ws/std = 1, b = ȳ − 2.5 W = 2.5. */
static void hand_case(void) {
  double X[4] = {1, 2, 3, 4}, Y[4] = {2, 4, 6, 8}, W, b;
  lie_mat mx = {4, 1, X}, my = {4, 1, Y};
  lie_ridge model;
  LIE_TEST_CALL(lie_ridge_fit(&mx, &my, 4.0, &model));
  LIE_TEST_CALL(lie_ridge_coef(model, &W, &b));
  LIE_TEST_NEAR(W, 1.0, 1e-14, "hand case lambda=4: W = 1");
  LIE_TEST_NEAR(b, 2.5, 1e-14, "hand case lambda=4: b = 2.5");
  LIE_TEST_NEAR(lie_ridge_lambda(model), 4.0, 0, "model remembers its lambda");
  LIE_TEST_CALL(lie_ridge_destroy(&model));
}

/* y = x w + σ ε with w ~ N(0, τ²): the Bayes-optimal ridge penalty on unit-variance features is
 * σ²/τ². Twenty targets share the prior, which smooths the CV curve. */
static void cv_picks_lambda(double sigma, double tau, uint64_t seed) {
  enum { N = 200, P = 50, M = 20 };
  static double X[N * P], Y[N * M], w[P * M], cv[25];
  lie_rng r;
  lie_rng_seed(&r, seed);
  for (int k = 0; k < N * P; k++)
    X[k] = lie_rng_normal(&r);
  for (int k = 0; k < P * M; k++)
    w[k] = tau * lie_rng_normal(&r);
  double zero[M] = {0};
  apply(N, P, M, X, w, zero, Y);
  for (int k = 0; k < N * M; k++)
    Y[k] += sigma * lie_rng_normal(&r);
  lie_mat mx = {N, P, X}, my = {N, M, Y};
  lie_ridge_cv_opts o;
  lie_ridge_cv_opts_default(&o);
  double lam, want = sigma * sigma / (tau * tau);
  lie_ridge model;
  LIE_TEST_CALL(lie_ridge_cv(&mx, &my, &o, &lam, cv, &model));
  char what[160];
  snprintf(what, sizeof what, "CV lambda %.3g vs optimal sigma^2/tau^2 = %.3g: |log10 ratio| <= 1", lam, want);
  LIE_TEST_LE(fabs(log10(lam / want)), 1.0, what);
  int best = 0;
  for (int l = 0; l < o.lambda_num; l++)
    if (cv[l] < cv[best]) best = l;
  printf("  CV error: lambda_min %.4f, best %.4f, lambda_max %.4f\n", cv[0], cv[best], cv[o.lambda_num - 1]);
  LIE_TEST_TRUE(cv[best] < cv[0] && cv[best] < cv[o.lambda_num - 1], "the CV minimum is inside the grid");
  LIE_TEST_NEAR(lie_ridge_lambda(model), lam, 0, "the refit uses the CV lambda");
  LIE_TEST_CALL(lie_ridge_destroy(&model));
}

static void cv_noiseless(void) {
  enum { N = 60, P = 5, M = 2 };
  static double X[N * P], Y[N * M], A[P * M], b[M];
  lie_rng r;
  lie_rng_seed(&r, 9);
  synth(&r, N, P, M, X, A, b);
  apply(N, P, M, X, A, b, Y);
  lie_mat mx = {N, P, X}, my = {N, M, Y};
  lie_ridge_cv_opts o;
  lie_ridge_cv_opts_default(&o);
  double lam;
  LIE_TEST_CALL(lie_ridge_cv(&mx, &my, &o, &lam, NULL, NULL));
  LIE_TEST_LE(lam, 1e-4, "noise-free data: CV picks one of the smallest lambdas");
}

static void bad_input(lie_ctx ctx) {
  double X[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, Y[6] = {1, 2, 3, 4, 5, 6}, lam;
  lie_mat mx = {6, 2, X}, my = {6, 1, Y}, my5 = {5, 1, Y};
  lie_ridge_cv_opts o;
  lie_ridge model = NULL;
  lie_ridge_cv_opts_default(&o);
  int e = lie_ridge_cv(&mx, &my, &o, &lam, NULL, NULL);
  printf("  message: %s\n", lie_error_message());
  LIE_TEST_TRUE(e == LIE_ERR_USAGE && strstr(lie_error_message(), "too few samples"),
                "6 samples for 5-fold CV: usage error 'too few samples'");
  e = lie_ridge_fit(&mx, &my5, 1.0, &model);
  printf("  message: %s\n", lie_error_message());
  LIE_TEST_TRUE(e == LIE_ERR_USAGE && strstr(lie_error_message(), "shape mismatch") && model == NULL,
                "6 feature rows vs 5 target rows: usage error 'shape mismatch'");
  X[7] = NAN;
  e = lie_ridge_fit(&mx, &my, 1.0, &model);
  printf("  message: %s\n", lie_error_message());
  LIE_TEST_TRUE(e == LIE_ERR_NUMERIC && strstr(lie_error_message(), "feature 1 of sample 3"),
                "NaN in the features: LIE_ERR_NUMERIC naming the sample and feature");
  X[7] = 8;
  LIE_TEST_CALL(lie_ridge_fit(&mx, &my, 1.0, &model));
  lie_mat bad = {6, 1, X}, out = {6, 1, Y};
  e = lie_ridge_predict(model, &bad, &out);
  printf("  message: %s\n", lie_error_message());
  LIE_TEST_TRUE(e == LIE_ERR_USAGE, "predicting with the wrong number of features: usage error");
  LIE_TEST_CALL(lie_ridge_destroy(&model));
  e = lie_ridge_fit(&mx, &my, -1.0, &model);
  LIE_TEST_TRUE(e == LIE_ERR_USAGE, "negative lambda: usage error");

  PetscOptionsSetValue(NULL, "-probe_folds", "3");
  PetscOptionsSetValue(NULL, "-probe_lambda_num", "7");
  LIE_TEST_CALL(lie_ridge_cv_opts_set_from_options(ctx, &o));
  LIE_TEST_TRUE(o.folds == 3 && o.lambda_num == 7, "-probe_folds and -probe_lambda_num are read");
  LIE_TEST_NEAR(lie_ridge_cv_lambda(&o, 3), 1.0, 1e-12, "middle of the 1e-6..1e6 grid is 1");
  LIE_TEST_CALL(lie_ridge_cv(&mx, &my, &o, &lam, NULL, NULL));
  LIE_TEST_TRUE(1, "6 samples are enough for 3 folds");
  PetscOptionsSetValue(NULL, "-probe_folds", "1");
  e = lie_ridge_cv_opts_set_from_options(ctx, &o);
  printf("  message: %s\n", lie_error_message());
  LIE_TEST_TRUE(e == LIE_ERR_USAGE, "-probe_folds 1: usage error");
  PetscOptionsClearValue(NULL, "-probe_folds");
  PetscOptionsClearValue(NULL, "-probe_lambda_num");
  lie_error_clear();
}

int main(int argc, char **argv) {
  lie_ctx ctx;
  PetscInitialize(&argc, &argv, NULL, NULL);
  LIE_TEST_CALL(lie_ctx_create(PETSC_COMM_WORLD, &ctx));
  exact_recovery();
  more_features_than_samples();
  hand_case();
  /* The Gram eigenvalues span ~50..450 (n = 200, p = 50); an optimal lambda far below them would
   * leave the CV curve flat, so the cases put it at 10, 100 and 1000. */
  cv_picks_lambda(1.0, sqrt(0.1), 21);
  cv_picks_lambda(1.0, 0.1, 22);
  cv_picks_lambda(1.0, sqrt(0.001), 23);
  cv_noiseless();
  bad_input(ctx);
  LIE_TEST_CALL(lie_ctx_destroy(&ctx));
  return lie_test_finish();
}
