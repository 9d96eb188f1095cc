/* Closed-form ridge regression on standardised features (include/liereg/eval.h, docs/EVAL.md).
 *
 * The normal equations (Xs^T Xs + λI) Ws = Xs^T Yc are solved through the eigendecomposition
 * Xs^T Xs = V Λ V^T rather than a Cholesky factorisation: it costs the same O(n p²) for the
 * Gram matrix, handles λ = 0 and rank-deficient embeddings (collapsed features) as a
 * pseudo-inverse, and one decomposition serves every λ of a cross-validation grid. */
#include "ridge_impl.h"

#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct lie_ridge_s {
  lie_ridge_eig e; /* the decomposition of the training data (kept: mu, sc, ybar) */
  double lambda;
  double *Ws; /* (p,m) weights on standardised features */
};

int lie_ridge_check_data(const lie_mat *X, const lie_mat *Y) {
  LIE_CHECK(X && Y && X->data && Y->data, LIE_ERR_ARG, "ridge: NULL features or targets");
  LIE_CHECK(X->rows == Y->rows, LIE_ERR_USAGE, "ridge: %d feature rows but %d target rows (shape mismatch)", X->rows,
            Y->rows);
  LIE_CHECK(X->rows >= 2 && X->cols >= 1 && Y->cols >= 1, LIE_ERR_USAGE,
            "ridge: need at least 2 samples, 1 feature and 1 target (got %d x %d features, %d targets)", X->rows,
            X->cols, Y->cols);
  for (size_t i = 0; i < (size_t)X->rows * X->cols; i++)
    LIE_CHECK(isfinite(X->data[i]), LIE_ERR_NUMERIC, "ridge: feature %zu of sample %zu is %g", i % X->cols, i / X->cols,
              X->data[i]);
  for (size_t i = 0; i < (size_t)Y->rows * Y->cols; i++)
    LIE_CHECK(isfinite(Y->data[i]), LIE_ERR_NUMERIC, "ridge: target %zu of sample %zu is %g", i % Y->cols, i / Y->cols,
              Y->data[i]);
  return LIE_OK;
}

void lie_ridge_eig_free(lie_ridge_eig *e) {
  free(e->mu); /* mu, sc, ybar, ev share one allocation */
  free(e->V);
  free(e->B);
  memset(e, 0, sizeof *e);
}

/* Means and 1/std (population) of the features and means of the targets over the rows. */
static void moments(const lie_mat *X, const lie_mat *Y, const int *rows, int nr, lie_ridge_eig *e) {
  int p = X->cols, m = Y->cols;
  for (int k = 0; k < nr; k++) {
    int i = rows ? rows[k] : k;
    for (int j = 0; j < p; j++)
      e->mu[j] += X->data[(size_t)i * p + j];
    for (int t = 0; t < m; t++)
      e->ybar[t] += Y->data[(size_t)i * m + t];
  }
  for (int j = 0; j < p; j++)
    e->mu[j] /= nr;
  for (int t = 0; t < m; t++)
    e->ybar[t] /= nr;
  for (int k = 0; k < nr; k++) {
    int i = rows ? rows[k] : k;
    for (int j = 0; j < p; j++) {
      double v = X->data[(size_t)i * p + j] - e->mu[j];
      e->sc[j] += v * v;
    }
  }
  /* A feature whose spread is at rounding level of its mean is constant: scaling it by 1/std
   * would turn rounding noise into a unit-variance feature. */
  for (int j = 0; j < p; j++) {
    double sd = sqrt(e->sc[j] / nr);
    e->sc[j] = sd > 1e-12 * fabs(e->mu[j]) && sd > 0 ? 1.0 / sd : 0.0;
  }
}

int lie_ridge_eig_build(const lie_mat *X, const lie_mat *Y, const int *rows, int nr, lie_ridge_eig *e) {
  int p = X->cols, m = Y->cols, info;
  double *xs = NULL, *yc = NULL, *xty = NULL;
  memset(e, 0, sizeof *e);
  e->p = p;
  e->m = m;
  e->mu = calloc(3 * (size_t)p + m, sizeof(double));
  e->V = calloc((size_t)p * p, sizeof(double));
  e->B = calloc((size_t)p * m, sizeof(double));
  xs = malloc(sizeof(double) * (size_t)nr * p);
  yc = malloc(sizeof(double) * (size_t)nr * m);
  xty = malloc(sizeof(double) * (size_t)p * m);
  if (!e->mu || !e->V || !e->B || !xs || !yc || !xty) {
    free(xs), free(yc), free(xty), lie_ridge_eig_free(e);
    LIE_ERROR(LIE_ERR_MEM, "ridge: out of memory for %d samples x %d features", nr, p);
  }
  e->sc = e->mu + p;
  e->ev = e->sc + p;
  e->ybar = e->ev + p;
  moments(X, Y, rows, nr, e);
  for (int k = 0; k < nr; k++) {
    int i = rows ? rows[k] : k;
    for (int j = 0; j < p; j++)
      xs[(size_t)k * p + j] = (X->data[(size_t)i * p + j] - e->mu[j]) * e->sc[j];
    for (int t = 0; t < m; t++)
      yc[(size_t)k * m + t] = Y->data[(size_t)i * m + t] - e->ybar[t];
  }
  cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, p, nr, 1.0, xs, p, 0.0, e->V, p);
  cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, p, m, nr, 1.0, xs, p, yc, m, 0.0, xty, m);
  info = LAPACKE_dsyevd(LAPACK_ROW_MAJOR, 'V', 'U', p, e->V, p, e->ev);
  if (!info) cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, p, m, p, 1.0, e->V, p, xty, m, 0.0, e->B, m);
  free(xs), free(yc), free(xty);
  if (info) {
    lie_ridge_eig_free(e);
    LIE_ERROR(LIE_ERR_LAPACK, "ridge: LAPACKE_dsyevd failed (info %d) on the %dx%d Gram matrix", info, p, p);
  }
  return LIE_OK;
}

void lie_ridge_eig_weights(const lie_ridge_eig *e, double lambda, double *Ws) {
  int p = e->p, m = e->m;
  double *s = malloc(sizeof(double) * (size_t)p * m);
  double tol = 1e-12 * fmax(e->ev[p - 1], 0.0);
  if (!s) { /* tiny; fall back to an unblocked product */
    for (int j = 0; j < p; j++)
      for (int t = 0; t < m; t++) {
        double w = 0;
        for (int k = 0; k < p; k++)
          if (e->ev[k] + lambda > tol) w += e->V[(size_t)j * p + k] * e->B[(size_t)k * m + t] / (e->ev[k] + lambda);
        Ws[(size_t)j * m + t] = w;
      }
    return;
  }
  for (int k = 0; k < p; k++) {
    double f = e->ev[k] + lambda > tol ? 1.0 / (e->ev[k] + lambda) : 0.0;
    for (int t = 0; t < m; t++)
      s[(size_t)k * m + t] = f * e->B[(size_t)k * m + t];
  }
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, p, m, p, 1.0, e->V, p, s, m, 0.0, Ws, m);
  free(s);
}

void lie_ridge_eig_predict_row(const lie_ridge_eig *e, const double *Ws, const double *x, double *yhat) {
  int p = e->p, m = e->m;
  for (int t = 0; t < m; t++)
    yhat[t] = e->ybar[t];
  for (int j = 0; j < p; j++) {
    double xs = (x[j] - e->mu[j]) * e->sc[j];
    if (xs == 0) continue;
    for (int t = 0; t < m; t++)
      yhat[t] += xs * Ws[(size_t)j * m + t];
  }
}

int lie_ridge_fit(const lie_mat *X, const lie_mat *Y, double lambda, lie_ridge *model) {
  struct lie_ridge_s *r;
  LIE_CHECK(model, LIE_ERR_ARG, "ridge: NULL model");
  *model = NULL;
  LIE_CALL(lie_ridge_check_data(X, Y));
  LIE_CHECK(lambda >= 0 && isfinite(lambda), LIE_ERR_USAGE, "ridge: lambda must be >= 0 (got %g)", lambda);
  LIE_ALLOC(r, 1);
  int err = lie_ridge_eig_build(X, Y, NULL, X->rows, &r->e);
  LIE_CHECK_GOTO(err != LIE_ERR_MEM, LIE_ERR_MEM, "ridge: out of memory");
  LIE_CALL_GOTO(err);
  r->Ws = malloc(sizeof(double) * (size_t)X->cols * Y->cols);
  LIE_CHECK_GOTO(r->Ws, LIE_ERR_MEM, "ridge: out of memory");
  r->lambda = lambda;
  lie_ridge_eig_weights(&r->e, lambda, r->Ws);
done:
  if (err)
    lie_ridge_destroy(&r);
  else
    *model = r;
  return err;
}

int lie_ridge_predict(lie_ridge r, const lie_mat *X, lie_mat *Yhat) {
  LIE_CHECK(r && X && Yhat && X->data && Yhat->data, LIE_ERR_ARG, "ridge predict: NULL argument");
  LIE_CHECK(X->cols == r->e.p, LIE_ERR_USAGE, "ridge predict: model has %d features, data has %d (shape mismatch)",
            r->e.p, X->cols);
  LIE_CHECK(Yhat->rows == X->rows && Yhat->cols == r->e.m, LIE_ERR_USAGE,
            "ridge predict: output is %d x %d, expected %d x %d", Yhat->rows, Yhat->cols, X->rows, r->e.m);
  for (size_t i = 0; i < (size_t)X->rows * X->cols; i++)
    LIE_CHECK(isfinite(X->data[i]), LIE_ERR_NUMERIC, "ridge predict: feature %zu of sample %zu is %g", i % X->cols,
              i / X->cols, X->data[i]);
  for (int i = 0; i < X->rows; i++)
    lie_ridge_eig_predict_row(&r->e, r->Ws, X->data + (size_t)i * X->cols, Yhat->data + (size_t)i * Yhat->cols);
  return LIE_OK;
}

/* W_j = Ws_j / std_j and b = ȳ − Σ_j μ_j W_j undo the standardisation. */
int lie_ridge_coef(lie_ridge r, double *W, double *b) {
  LIE_CHECK(r && W && b, LIE_ERR_ARG, "ridge coef: NULL argument");
  int p = r->e.p, m = r->e.m;
  for (int t = 0; t < m; t++)
    b[t] = r->e.ybar[t];
  for (int j = 0; j < p; j++)
    for (int t = 0; t < m; t++) {
      W[(size_t)j * m + t] = r->Ws[(size_t)j * m + t] * r->e.sc[j];
      b[t] -= r->e.mu[j] * W[(size_t)j * m + t];
    }
  return LIE_OK;
}

int lie_ridge_export(lie_ridge r, double *mu, double *sc, double *ybar, double *Ws) {
  LIE_CHECK(r && mu && sc && ybar && Ws, LIE_ERR_ARG, "ridge export: NULL argument");
  memcpy(mu, r->e.mu, sizeof(double) * r->e.p);
  memcpy(sc, r->e.sc, sizeof(double) * r->e.p);
  memcpy(ybar, r->e.ybar, sizeof(double) * r->e.m);
  memcpy(Ws, r->Ws, sizeof(double) * (size_t)r->e.p * r->e.m);
  return LIE_OK;
}

double lie_ridge_lambda(lie_ridge r) { return r ? r->lambda : NAN; }

int lie_ridge_destroy(lie_ridge *model) {
  if (!model || !*model) return LIE_OK;
  lie_ridge_eig_free(&(*model)->e);
  free((*model)->Ws);
  free(*model);
  *model = NULL;
  return LIE_OK;
}
