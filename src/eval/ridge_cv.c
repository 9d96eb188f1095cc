/* Ridge λ by k-fold cross-validation on a log grid (include/liereg/eval.h, docs/EVAL.md).
 * Each fold standardises with its own training rows (no leakage from the held-out fold) and
 * is decomposed once; every λ of the grid is then a cheap rescaling. */
#include "liereg/options.h"
#include "ridge_impl.h"

#include <math.h>
#include <petscsys.h>
#include <stdlib.h>
#include <string.h>

void lie_ridge_cv_opts_default(lie_ridge_cv_opts *o) {
  o->folds = 5;
  o->lambda_min = 1e-6;
  o->lambda_max = 1e6;
  o->lambda_num = 25;
  o->seed = 1;
}

static PetscErrorCode read_options(MPI_Comm comm, lie_ridge_cv_opts *o) {
  PetscInt folds = o->folds, num = o->lambda_num, seed = (PetscInt)o->seed;
  PetscFunctionBeginUser;
  PetscOptionsBegin(comm, NULL, "Ridge probe: cross-validated regularisation", "eval");
  PetscCall(LIE_OPTIONS_INT("-probe_folds", "number of cross-validation folds", "", folds, &folds, NULL));
  PetscCall(LIE_OPTIONS_REAL("-probe_lambda_min", "smallest ridge lambda of the grid", "", o->lambda_min,
                             &o->lambda_min, NULL));
  PetscCall(LIE_OPTIONS_REAL("-probe_lambda_max", "largest ridge lambda of the grid", "", o->lambda_max, &o->lambda_max,
                             NULL));
  PetscCall(LIE_OPTIONS_INT("-probe_lambda_num", "number of log-spaced lambdas", "", num, &num, NULL));
  PetscCall(LIE_OPTIONS_INT("-probe_cv_seed", "seed of the random fold assignment", "", seed, &seed, NULL));
  PetscOptionsEnd();
  o->folds = (int)folds;
  o->lambda_num = (int)num;
  o->seed = (uint64_t)seed;
  PetscFunctionReturn(0);
}

static int check_opts(const lie_ridge_cv_opts *o) {
  LIE_CHECK(o->folds >= 2, LIE_ERR_USAGE, "-probe_folds must be >= 2 (got %d)", o->folds);
  LIE_CHECK(o->lambda_num >= 1, LIE_ERR_USAGE, "-probe_lambda_num must be >= 1 (got %d)", o->lambda_num);
  LIE_CHECK(o->lambda_min >= 0 && o->lambda_max >= o->lambda_min && isfinite(o->lambda_max), LIE_ERR_USAGE,
            "need 0 <= -probe_lambda_min <= -probe_lambda_max (got %g, %g)", o->lambda_min, o->lambda_max);
  LIE_CHECK(o->lambda_num == 1 || o->lambda_min > 0, LIE_ERR_USAGE,
            "a log grid of lambdas needs -probe_lambda_min > 0 (got %g)", o->lambda_min);
  return LIE_OK;
}

int lie_ridge_cv_opts_set_from_options(lie_ctx ctx, lie_ridge_cv_opts *o) {
  LIE_PETSC(read_options(lie_ctx_comm(ctx), o));
  LIE_CALL(check_opts(o));
  return LIE_OK;
}

double lie_ridge_cv_lambda(const lie_ridge_cv_opts *o, int l) {
  if (o->lambda_num == 1) return o->lambda_min;
  return exp(log(o->lambda_min) + (log(o->lambda_max) - log(o->lambda_min)) * l / (o->lambda_num - 1));
}

/* Random permutation of 0..n-1 (Fisher–Yates): folds must not follow the file order, which is
 * often sorted by a parameter. */
static void permutation(int n, uint64_t seed, int *perm) {
  lie_rng r;
  lie_rng_seed(&r, seed);
  for (int i = 0; i < n; i++)
    perm[i] = i;
  for (int i = n - 1; i > 0; i--) {
    int j = lie_rng_int(&r, 0, i + 1), t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
}

/* Variance of each target over all rows (the CV error's normaliser; 1 for a constant one). */
static void target_var(const lie_mat *Y, double *var) {
  int n = Y->rows, m = Y->cols;
  for (int t = 0; t < m; t++) {
    double s = 0, s2 = 0;
    for (int i = 0; i < n; i++)
      s += Y->data[(size_t)i * m + t];
    s /= n;
    for (int i = 0; i < n; i++)
      s2 += (Y->data[(size_t)i * m + t] - s) * (Y->data[(size_t)i * m + t] - s);
    var[t] = s2 > 0 ? s2 / n : 1.0;
  }
}

/* Adds fold f's held-out normalised squared errors to err[l] for every λ of the grid. */
static int fold_errors(const lie_mat *X, const lie_mat *Y, const lie_ridge_cv_opts *o, const int *perm, int f,
                       const double *var, double *err) {
  int n = X->rows, p = X->cols, m = Y->cols, lo = (int)((long)f * n / o->folds),
      hi = (int)((long)(f + 1) * n / o->folds), ntr = 0;
  int *train;
  double *Ws, *yhat;
  lie_ridge_eig e;
  LIE_ALLOC(train, n);
  for (int k = 0; k < n; k++)
    if (k < lo || k >= hi) train[ntr++] = perm[k];
  int rc = lie_ridge_eig_build(X, Y, train, ntr, &e);
  free(train);
  LIE_CALL(rc);
  Ws = malloc(sizeof(double) * ((size_t)p * m + m));
  if (!Ws) {
    lie_ridge_eig_free(&e);
    LIE_ERROR(LIE_ERR_MEM, "ridge CV: out of memory");
  }
  yhat = Ws + (size_t)p * m;
  for (int l = 0; l < o->lambda_num; l++) {
    lie_ridge_eig_weights(&e, lie_ridge_cv_lambda(o, l), Ws);
    for (int k = lo; k < hi; k++) {
      int i = perm[k];
      lie_ridge_eig_predict_row(&e, Ws, X->data + (size_t)i * p, yhat);
      for (int t = 0; t < m; t++) {
        double d = yhat[t] - Y->data[(size_t)i * m + t];
        err[l] += d * d / var[t];
      }
    }
  }
  free(Ws);
  lie_ridge_eig_free(&e);
  return LIE_OK;
}

int lie_ridge_cv(const lie_mat *X, const lie_mat *Y, const lie_ridge_cv_opts *o, double *lambda_best, double *cv_err,
                 lie_ridge *model) {
  LIE_CHECK(o && lambda_best, LIE_ERR_ARG, "ridge CV: NULL options or result");
  if (model) *model = NULL;
  LIE_CALL(check_opts(o));
  LIE_CALL(lie_ridge_check_data(X, Y));
  int n = X->rows, m = Y->cols, *perm, rc = LIE_OK;
  LIE_CHECK(n >= 2 * o->folds, LIE_ERR_USAGE,
            "too few samples for %d-fold cross-validation: %d (need at least %d, two per fold); lower -probe_folds",
            o->folds, n, 2 * o->folds);
  double *err, *var;
  LIE_ALLOC(err, o->lambda_num + m);
  var = err + o->lambda_num;
  perm = malloc(sizeof(int) * (size_t)n);
  if (!perm) {
    free(err);
    LIE_ERROR(LIE_ERR_MEM, "ridge CV: out of memory");
  }
  permutation(n, o->seed, perm);
  target_var(Y, var);
  for (int f = 0; f < o->folds && !rc; f++)
    rc = fold_errors(X, Y, o, perm, f, var, err);
  free(perm);
  if (rc) free(err);
  LIE_CALL(rc);
  /* scan from the largest λ so that ties go to the stronger regularisation */
  int best = o->lambda_num - 1;
  for (int l = o->lambda_num - 1; l >= 0; l--) {
    err[l] /= (double)n * m;
    if (err[l] < err[best]) best = l;
  }
  *lambda_best = lie_ridge_cv_lambda(o, best);
  if (cv_err) memcpy(cv_err, err, sizeof(double) * (size_t)o->lambda_num);
  free(err);
  if (model) LIE_CALL(lie_ridge_fit(X, Y, *lambda_best, model));
  return LIE_OK;
}
