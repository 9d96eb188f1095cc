/* The validation score of one candidate: nested cross-validation of the ridge probe on the
 * validation split's embeddings. The outer K folds give every row one out-of-fold prediction;
 * each fold's ridge chooses its λ by lie_ridge_cv on the other K-1 folds only, so no label of a
 * scored row ever influences its own prediction (a plain CV minimum would pick λ on the rows it
 * then reports). The score is the target's own metric (relerr for nu, nmse for the IC modes,
 * mse for buoyancy) over all rows: lower is better for every metric. */
#include "liereg/augsearch.h"
#include "liereg/io.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LIE_TAG_OUTER 0x6f75746572ULL /* "outer" */

typedef struct {
  int n, d, m;
  double *X, *Y; /* (n, d), (n, m) */
} valid_rows;

static void rows_free(valid_rows *v) {
  free(v->X), free(v->Y);
  memset(v, 0, sizeof *v);
}

/* The target's labels in group `mode` of an embedding file (serial HDF5). */
static int labels_read(const char *emb, const char *mode, const char *where, const char *target, int *n, int *m,
                       double **Y) {
  hid_t f = H5Fopen(emb, H5F_ACC_RDONLY, H5P_DEFAULT), g = f >= 0 ? H5Gopen2(f, mode, H5P_DEFAULT) : -1;
  int err = LIE_OK;
  LIE_CHECK_GOTO(g >= 0, LIE_ERR_HDF5, "cannot open %s", where);
  LIE_CALL_GOTO(lie_target_read(g, where, target, n, m, Y));
done:
  if (g >= 0) H5Gclose(g);
  if (f >= 0) H5Fclose(f);
  return err;
}

/* /<mode>/emb and the target's labels of an embedding file. */
static int rows_read(const char *emb, const char *mode, const char *target, valid_rows *v) {
  float *z = NULL;
  char where[LIE_PRETRAIN_PATH + 32];
  int ny = 0, err = LIE_OK;
  memset(v, 0, sizeof *v);
  snprintf(where, sizeof where, "%s:/%s", emb, mode);
  LIE_CALL(lie_emb_read(emb, mode, &v->n, &v->d, &z));
  LIE_CALL_GOTO(labels_read(emb, mode, where, target, &ny, &v->m, &v->Y));
  LIE_CHECK_GOTO(ny == v->n, LIE_ERR_FORMAT, "%s: %d embeddings but %d labels", where, v->n, ny);
  LIE_CHECK_GOTO(v->X = malloc(sizeof(double) * (size_t)v->n * v->d), LIE_ERR_MEM, "out of memory reading %s", where);
  for (size_t i = 0; i < (size_t)v->n * v->d; i++)
    v->X[i] = z[i];
done:
  free(z);
  if (err) rows_free(v);
  return err;
}

/* Rows of fold f (held out, `out` = 1) or of the other folds (out = 0), copied into X, Y. */
static int gather(const valid_rows *v, const int *fold, int f, int out, double *X, double *Y) {
  int k = 0;
  for (int i = 0; i < v->n; i++)
    if ((fold[i] == f) == out) {
      memcpy(X + (size_t)k * v->d, v->X + (size_t)i * v->d, sizeof(double) * v->d);
      memcpy(Y + (size_t)k * v->m, v->Y + (size_t)i * v->m, sizeof(double) * v->m);
      k++;
    }
  return k;
}

/* Out-of-fold predictions P (n, m) in the fitted (possibly log) units. */
static int predict_folds(const valid_rows *v, const int *fold, const lie_ridge_cv_opts *cv, double *P) {
  double *X = NULL, *Y = NULL, *Xo = NULL, *Yo = NULL, *Po = NULL;
  lie_ridge model = NULL;
  int err = LIE_OK;
  LIE_ALLOC_GOTO(X, (size_t)v->n * v->d);
  LIE_ALLOC_GOTO(Y, (size_t)v->n * v->m);
  LIE_ALLOC_GOTO(Xo, (size_t)v->n * v->d);
  LIE_ALLOC_GOTO(Yo, (size_t)v->n * v->m);
  LIE_ALLOC_GOTO(Po, (size_t)v->n * v->m);
  for (int f = 0; f < cv->folds; f++) {
    int ntr = gather(v, fold, f, 0, X, Y), nte = gather(v, fold, f, 1, Xo, Yo);
    lie_mat Xm = {ntr, v->d, X}, Ym = {ntr, v->m, Y}, Xt = {nte, v->d, Xo}, Pt = {nte, v->m, Po};
    double lambda;
    LIE_CALL_GOTO(lie_ridge_cv(&Xm, &Ym, cv, &lambda, NULL, &model));
    LIE_CALL_GOTO(lie_ridge_predict(model, &Xt, &Pt));
    lie_ridge_destroy(&model);
    for (int i = 0, k = 0; i < v->n; i++)
      if (fold[i] == f) memcpy(P + (size_t)i * v->m, Po + (size_t)k++ * v->m, sizeof(double) * v->m);
  }
done:
  lie_ridge_destroy(&model);
  free(X), free(Y), free(Xo), free(Yo), free(Po);
  return err;
}

/* Fold of each row: its position in a seeded permutation, modulo K (sizes differ by at most 1). */
static int assign_folds(int n, int k, uint64_t seed, int *fold) {
  lie_rng r;
  int *perm;
  LIE_ALLOC(perm, n);
  lie_rng_seed(&r, lie_seed_derive(seed, LIE_TAG_OUTER, 0));
  for (int i = 0; i < n; i++)
    perm[i] = i;
  for (int i = n - 1; i > 0; i--) {
    int j = lie_rng_int(&r, 0, i + 1), t = perm[i];
    perm[i] = perm[j], perm[j] = t;
  }
  for (int p = 0; p < n; p++)
    fold[perm[p]] = p % k;
  free(perm);
  return LIE_OK;
}

static int score_rows(valid_rows *v, const char *target, int log_target, const lie_ridge_cv_opts *cv, uint64_t seed,
                      lie_metric metric, double *score) {
  int *fold = NULL, err = LIE_OK;
  double *P = NULL;
  lie_mat Pm, Tm;
  /* each inner CV needs 2 K rows from the K-1 outer training folds */
  LIE_CHECK(v->n - (v->n + cv->folds - 1) / cv->folds >= 2 * cv->folds, LIE_ERR_USAGE,
            "the validation split has %d rows: too few for nested %d-fold cross-validation (use more validation "
            "trajectories or a smaller -probe_folds)",
            v->n, cv->folds);
  for (size_t i = 0; log_target && i < (size_t)v->n * v->m; i++) {
    LIE_CHECK(v->Y[i] > 0, LIE_ERR_USAGE, "-augsearch_log needs positive targets; %s has %g", target, v->Y[i]);
    v->Y[i] = log(v->Y[i]);
  }
  LIE_ALLOC_GOTO(fold, v->n);
  LIE_ALLOC_GOTO(P, (size_t)v->n * v->m);
  Pm = (lie_mat){v->n, v->m, P}, Tm = (lie_mat){v->n, v->m, v->Y};
  LIE_CALL_GOTO(assign_folds(v->n, cv->folds, seed, fold));
  LIE_CALL_GOTO(predict_folds(v, fold, cv, P));
  for (size_t i = 0; log_target && i < (size_t)v->n * v->m; i++)
    P[i] = exp(P[i]), v->Y[i] = exp(v->Y[i]);
  LIE_CALL_GOTO(lie_metric_eval(metric, &Pm, &Tm, score));
done:
  free(fold), free(P);
  return err;
}

int lie_augsearch_score(const char *emb, const char *mode, const char *target, int log_target,
                        const lie_ridge_cv_opts *cv, uint64_t seed, lie_metric *metric, double *score) {
  const lie_target_info *info;
  valid_rows v;
  LIE_CALL(lie_target_lookup(target, &info));
  *metric = info->metric;
  LIE_CALL(rows_read(emb, mode, target, &v));
  int err = score_rows(&v, target, log_target, cv, seed, *metric, score);
  rows_free(&v);
  LIE_CALL(err);
  return LIE_OK;
}
