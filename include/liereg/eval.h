/* Downstream evaluation: closed-form ridge regression probe with k-fold cross-validated λ, and
 * the regression metrics (MSE, NMSE, mean relative error %) with bootstrap error bars.
 * Definitions and choices: docs/EVAL.md. */
#ifndef LIEREG_EVAL_H
#define LIEREG_EVAL_H
#include <hdf5.h>

#include "liereg/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A row-major (rows, cols) view of caller-owned doubles (samples × features or targets). */
typedef struct {
  int rows, cols;
  double *data;
} lie_mat;

/* ---------------------------------------------------------------- ridge regression */
/* Fits Y ≈ X W + b by minimising ‖Yc − Xs Ws‖² + λ‖Ws‖² with Xs the standardised features
 * (zero mean, unit population std over the training rows; constant features are dropped) and
 * Yc the centred targets; the intercept is not penalised. Solved through the eigendecomposition
 * of Xs^T Xs (LAPACKE dsyevd); λ = 0 gives the minimum-norm least-squares solution. */
typedef struct lie_ridge_s *lie_ridge;

int lie_ridge_fit(const lie_mat *X, const lie_mat *Y, double lambda, lie_ridge *model);
/* Yhat must have X->rows rows and as many columns as the fitted Y. */
int lie_ridge_predict(lie_ridge model, const lie_mat *X, lie_mat *Yhat);
/* Coefficients in the original feature units: W (p, m) row-major, b (m). */
int lie_ridge_coef(lie_ridge model, double *W, double *b);
double lie_ridge_lambda(lie_ridge model);
int lie_ridge_destroy(lie_ridge *model);

/* λ by k-fold cross-validation over a log-spaced grid, then a refit on all rows. */
typedef struct {
  int folds;                     /* -probe_folds, default 5 */
  double lambda_min, lambda_max; /* -probe_lambda_min 1e-6, -probe_lambda_max 1e6 */
  int lambda_num;                /* -probe_lambda_num, default 25 (half decades) */
  uint64_t seed;                 /* -probe_cv_seed, default 1: the random fold assignment */
} lie_ridge_cv_opts;

void lie_ridge_cv_opts_default(lie_ridge_cv_opts *opts);
int lie_ridge_cv_opts_set_from_options(lie_ctx ctx, lie_ridge_cv_opts *opts);
/* The CV error for grid point l is Σ_folds Σ_rows Σ_t (ŷ − y)² / Var_t over n·m (Var_t the
 * variance of target t over all rows), i.e. a mean NMSE; one λ is shared by all targets. The
 * smallest error wins (ties: the larger λ). cv_err (lambda_num, may be NULL) receives the
 * curve; *model (may be NULL) the refit. n < 2·folds is LIE_ERR_USAGE. */
int lie_ridge_cv(const lie_mat *X, const lie_mat *Y, const lie_ridge_cv_opts *opts, double *lambda_best, double *cv_err,
                 lie_ridge *model);
/* Grid point l of the CV grid. */
double lie_ridge_cv_lambda(const lie_ridge_cv_opts *opts, int l);

/* ---------------------------------------------------------------- metrics */
typedef enum {
  LIE_METRIC_MSE = 0, /* 1/(n m) Σ (ŷ − y)² */
  LIE_METRIC_NMSE,    /* 1/m Σ_t Σ_i (ŷ_it − y_it)² / Σ_i (y_it − ȳ_t)²  (1 = predicting the mean) */
  LIE_METRIC_RELERR   /* 100/(n m) Σ |ŷ − y| / |y|  (mean relative error, %) */
} lie_metric;

int lie_metric_from_name(const char *name, lie_metric *metric); /* "mse", "nmse", "relerr" */
const char *lie_metric_name(lie_metric metric);
/* pred and truth must have the same shape; NaN/Inf is LIE_ERR_NUMERIC, as are a constant
 * target (NMSE) and a zero target (relative error). */
int lie_metric_eval(lie_metric metric, const lie_mat *pred, const lie_mat *truth, double *value);
/* Bootstrap over rows: nboot resamples of n rows with replacement, drawn in order as
 * lie_rng_int(rng, 0, n) from an rng seeded with `seed`; mean and unbiased std of the nboot
 * metric values. */
int lie_metric_bootstrap(lie_metric metric, const lie_mat *pred, const lie_mat *truth, int nboot, uint64_t seed,
                         double *mean, double *std);

/* ---------------------------------------------------------------- regression targets */
/* Targets are computed from the per-trajectory datasets of a /<mode> group (of a data file or
 * of an embedding file, which carries copies of them). Names, definitions and why they are
 * invariant under the augmentations: docs/EVAL.md.
 *   nu              Burgers viscosity (dataset nu)                 metric relerr
 *   buo_y           NS buoyancy (dataset buo_y)                    metric mse
 *   ic_mode         |c_l|, l = 1..K, of the initial condition      metric nmse
 *   ic_mode_scaled  |c_l|·L², invariant under KdV scaling too       metric nmse */
typedef struct {
  const char *name;
  lie_metric metric; /* the paper's metric for it */
  const char *help;
} lie_target_info;

/* LIE_ERR_USAGE (listing the known names) when unknown. */
int lie_target_lookup(const char *name, const lie_target_info **info);
/* Amplitude of Fourier mode l = 1..kmax of u0(x) = Σ_k A_k sin(2π l_k x/L + φ_k), i.e.
 * |c_l| with c_l = Σ_{k: l_k = l} A_k e^{iφ_k}; out (kmax). */
void lie_target_ic_modes(int nwaves, const double *amp, const double *phase, const int *l, int kmax, double *out);
/* Reads target `name` for every trajectory of `group`: *Y (n, m) row-major, allocated here
 * (free() it). *m > 0 on input fixes the number of outputs (the K of the ic_ targets, so that
 * train and test agree); 0 lets the data decide (largest l_k present). A missing dataset is
 * LIE_ERR_USAGE naming it; `where` (e.g. "EMB.h5:/train") is used in messages. */
int lie_target_read(hid_t group, const char *where, const char *name, int *n, int *m, double **Y);

/* ---------------------------------------------------------------- ridge probe on a file */
/* Embedding file (docs/EVAL.md): group /<mode> with dataset emb (N, D) float32 and the
 * per-trajectory datasets the targets need (copied from the data file). The probe fits the
 * CV ridge on the train group and reports the metric on the test group with bootstrap ±. */
typedef struct {
  char train_mode[32], test_mode[32]; /* -probe_train_mode train, -probe_test_mode test */
  char test_emb[4096];                /* -probe_test_emb: test split's file ("" = the same file) */
  int ntrain;                         /* -probe_ntrain: N labelled train rows (0 = all) */
  uint64_t subset_seed;               /* -probe_subset_seed: 0 = the first N rows, else a random N */
  int metric;                         /* -probe_metric mse|nmse|relerr; -1 = the target's */
  int nboot;                          /* -probe_bootstrap 1000 */
  uint64_t boot_seed;                 /* -probe_bootstrap_seed 0 */
  int log_target;                     /* -probe_log: fit log(y), predict exp (positive targets) */
  int keep_predictions;               /* 1: return the test predictions in the result */
  lie_ridge_cv_opts cv;
  int trained;     /* -probe_mode trained: the Adam head on the frozen encoder (liereg/probe_trained.h);
                      lie_probe_run itself is the ridge probe */
  char save[4096]; /* -probe_save P.h5: the fitted probe for lie_probe_load (liereg/infer.h) */
} lie_probe_opts;

typedef struct {
  int ntrain, ntest, d, m;
  lie_metric metric;
  double lambda;              /* chosen by CV */
  double value;               /* metric on the whole test split */
  double boot_mean, boot_std; /* bootstrap over test rows */
  double train_value;         /* metric on the training rows (fit quality) */
  double *pred, *truth;       /* (ntest, m) with keep_predictions, else NULL */
} lie_probe_result;

/* Frees pred/truth (safe on a zeroed result). */
void lie_probe_result_free(lie_probe_result *res);

void lie_probe_opts_default(lie_probe_opts *opts);
/* Also reads the -probe_ CV options and -probe_mode (ridge|trained -> opts->trained). */
int lie_probe_opts_set_from_options(lie_ctx ctx, lie_probe_opts *opts);
/* Every rank reads the (small) file and computes the same result. */
int lie_probe_run(lie_ctx ctx, const lie_probe_opts *opts, const char *emb_path, const char *target,
                  lie_probe_result *res);
/* Label-size sweep: for each size and seed s = 1..nseeds, the probe on a random subset of
 * sizes[i] labelled train rows drawn with -probe_subset_seed s (the test split is always
 * whole). res (nsizes × nseeds, row-major) receives every run. */
int lie_probe_sweep(lie_ctx ctx, const lie_probe_opts *opts, const char *emb_path, const char *target, int nsizes,
                    const int *sizes, int nseeds, lie_probe_result *res);
/* Mean and unbiased std (0 for n = 1) of n values. */
void lie_mean_std(const double *v, int n, double *mean, double *std);

/* ---------------------------------------------------------------- persistent probes */
/* The fitted probe as a file (layout: src/eval/probe_model.c, docs/COUPLING.md), loaded and
 * applied by lie_probe_load / lie_probe_predict (liereg/infer.h). Writers fill the arrays:
 * mu, s (d), W (d, m), b, a, c (m); a = 1, c = 0 and the rest 0 on creation. */
typedef struct lie_probe_s *lie_probe;
/* A fitted linear probe (liereg probe -probe_save P.h5, ridge or trained head): for a
 * representation r (repr floats), in the target's own units (e.g. nu, not log nu),
 *   y_t = inv( scale_t (b_t + sum_k s_k (r_k - mu_k) W_kt) + shift_t ),  inv = exp or identity. */

typedef struct {
  char kind[16];   /* "ridge" or "trained" */
  char target[64]; /* e.g. "nu" */
  int repr;        /* representation size it was fitted on */
  int outputs;     /* values per prediction */
  int log_target;  /* fitted on log(target) */
  char ckpt[1024]; /* checkpoint of the representations it was fitted on ("" if unknown) */
} lie_probe_info;

/* Not collective. LIE_ERR_FORMAT naming the file when it is not a probe file. */
int lie_probe_load(lie_ctx ctx, const char *path, lie_probe *probe);
int lie_probe_get_info(lie_probe probe, lie_probe_info *info);
/* z (n, repr) representations -> y (n, outputs). repr must be the probe's (LIE_ERR_USAGE). */
int lie_probe_predict(lie_probe probe, int n, int repr, const float *z, double *y);
int lie_probe_destroy(lie_probe *probe);

int lie_probe_model_create(const char *kind, const char *target, int d, int m, int log_target, const char *ckpt,
                           lie_probe *p);
int lie_probe_model_arrays(lie_probe p, double **mu, double **s, double **W, double **b, double **a, double **c);
/* Serial write (call on one rank) to PATH.tmp, renamed to PATH when complete. */
int lie_probe_model_save(lie_probe p, const char *path);
/* lie_probe_predict on double features (n, d). */
int lie_probe_predict_double(lie_probe p, int n, int d, const double *r, double *y);
/* The ridge's standardisation and weights: mu, sc (p), ybar (m), Ws (p, m). */
int lie_ridge_export(lie_ridge model, double *mu, double *sc, double *ybar, double *Ws);

#ifdef __cplusplus
}
#endif
#endif
