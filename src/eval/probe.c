/* Linear probe on frozen representations: closed-form ridge with cross-validated λ fitted on the
 * train split of an embedding file, metric with bootstrap error bars on the test split
 * (include/liereg/eval.h, docs/EVAL.md). */
#include "liereg/eval.h"
#include "liereg/io.h"
#include "liereg/options.h"

#include <math.h>
#include <petscsys.h>
#include <stdlib.h>
#include <string.h>

void lie_probe_opts_default(lie_probe_opts *o) {
  memset(o, 0, sizeof *o);
  snprintf(o->train_mode, sizeof o->train_mode, "train");
  snprintf(o->test_mode, sizeof o->test_mode, "test");
  o->metric = -1;
  o->nboot = 1000;
  lie_ridge_cv_opts_default(&o->cv);
}

static PetscErrorCode read_options(MPI_Comm comm, lie_probe_opts *o, char *metric, char *mode, PetscBool *trained) {
  PetscInt ntrain = o->ntrain, nboot = o->nboot, seed = (PetscInt)o->boot_seed, sseed = (PetscInt)o->subset_seed;
  PetscBool lg = o->log_target ? PETSC_TRUE : PETSC_FALSE;
  PetscFunctionBeginUser;
  PetscOptionsBegin(comm, NULL, "Linear probe (ridge regression on frozen representations)", "eval");
  PetscCall(PetscOptionsString("-probe_train_mode", "group of the embedding file to fit on", "", o->train_mode,
                               o->train_mode, sizeof o->train_mode, NULL));
  PetscCall(PetscOptionsString("-probe_test_mode", "group of the embedding file to evaluate on", "", o->test_mode,
                               o->test_mode, sizeof o->test_mode, NULL));
  PetscCall(PetscOptionsString("-probe_test_emb", "embedding file of the test split when it is not -emb's", "",
                               o->test_emb, o->test_emb, sizeof o->test_emb, NULL));
  PetscCall(
      LIE_OPTIONS_INT("-probe_ntrain", "use the first N labelled training rows (0 = all)", "", ntrain, &ntrain, NULL));
  PetscCall(LIE_OPTIONS_INT("-probe_subset_seed",
                            "0: the first -probe_ntrain rows; S > 0: a random subset drawn with S", "", sseed, &sseed,
                            NULL));
  PetscCall(
      PetscOptionsString("-probe_metric", "mse, nmse or relerr (default: the target's)", "", metric, metric, 16, NULL));
  PetscCall(LIE_OPTIONS_RANGE_INT("-probe_bootstrap", "bootstrap resamples of the test set", "", nboot, &nboot, NULL, 0,
                                  1000000));
  PetscCall(LIE_OPTIONS_INT("-probe_bootstrap_seed", "seed of the bootstrap", "", seed, &seed, NULL));
  PetscCall(
      PetscOptionsBool("-probe_log", "fit log(target) and predict exp (positive targets, e.g. nu)", "", lg, &lg, NULL));
  PetscCall(PetscOptionsString("-probe_mode", "ridge (closed form) or trained (Adam head on random crops)", "", mode,
                               mode, 16, NULL));
  PetscCall(PetscOptionsString("-probe_save", "write the fitted probe to this HDF5 file (lie_probe_load)", "", o->save,
                               o->save, sizeof o->save, NULL));
  PetscOptionsEnd();
  o->ntrain = (int)ntrain;
  o->subset_seed = (uint64_t)sseed;
  o->nboot = (int)nboot;
  o->boot_seed = (uint64_t)seed;
  o->log_target = lg == PETSC_TRUE;
  *trained = !strcmp(mode, "trained") ? PETSC_TRUE : PETSC_FALSE;
  PetscFunctionReturn(0);
}

int lie_probe_opts_set_from_options(lie_ctx ctx, lie_probe_opts *o) {
  char metric[16] = "", mode[16] = "ridge";
  PetscBool trained = PETSC_FALSE;
  LIE_PETSC(read_options(lie_ctx_comm(ctx), o, metric, mode, &trained));
  LIE_CALL(lie_ridge_cv_opts_set_from_options(ctx, &o->cv));
  o->trained = trained == PETSC_TRUE;
  LIE_CHECK(!strcmp(mode, "ridge") || trained, LIE_ERR_USAGE, "-probe_mode must be ridge or trained (got '%s')", mode);
  LIE_CHECK(o->ntrain >= 0, LIE_ERR_USAGE, "-probe_ntrain must be >= 0 (got %d)", o->ntrain);
  LIE_CHECK(o->nboot >= 2, LIE_ERR_USAGE, "-probe_bootstrap must be >= 2 (got %d)", o->nboot);
  if (metric[0]) {
    lie_metric m;
    LIE_CALL(lie_metric_from_name(metric, &m));
    o->metric = (int)m;
  }
  return LIE_OK;
}

/* One split of the embedding file: X (n, D) features, Y (n, m) targets. */
typedef struct {
  double *X, *Y;
  int n, d, m;
} split_data;

/* /<mode>/emb (N, D) float32 -> X in double. */
static int read_emb(hid_t file, const char *path, const char *mode, split_data *s) {
  int rank, err = LIE_OK;
  hsize_t dims[8];
  hid_t g, d;
  float *f = NULL;
  char where[600];
  snprintf(where, sizeof where, "%s:/%s", path, mode);
  LIE_CHECK(lie_h5_exists(file, mode), LIE_ERR_FORMAT, "%s has no group /%s", path, mode);
  LIE_H5(g = H5Gopen2(file, mode, H5P_DEFAULT));
  LIE_CHECK_GOTO(lie_h5_exists(g, "emb"), LIE_ERR_FORMAT,
                 "%s has no dataset 'emb' (is this an embedding file from liereg embed?)", where);
  LIE_CALL_GOTO(lie_h5_dims(g, "emb", &rank, dims));
  LIE_CHECK_GOTO(rank == 2 && dims[0] >= 1 && dims[1] >= 1, LIE_ERR_FORMAT, "%s/emb must be (N, D), has rank %d", where,
                 rank);
  s->n = (int)dims[0], s->d = (int)dims[1];
  f = malloc(sizeof(float) * (size_t)s->n * s->d);
  s->X = malloc(sizeof(double) * (size_t)s->n * s->d);
  LIE_CHECK_GOTO(f && s->X, LIE_ERR_MEM, "out of memory reading %s", where);
  LIE_CHECK_GOTO((d = H5Dopen2(g, "emb", H5P_DEFAULT)) >= 0, LIE_ERR_FORMAT, "cannot open %s/emb", where);
  err = lie_h5_rows_read(d, H5T_NATIVE_FLOAT, 0, (hsize_t)s->n, (size_t)s->d, f);
  H5Dclose(d);
  LIE_CALL_GOTO(err);
  for (size_t i = 0; i < (size_t)s->n * s->d; i++)
    s->X[i] = f[i];
done:
  free(f);
  H5Gclose(g);
  return err;
}

static int read_split(hid_t file, const char *path, const char *mode, const char *target, int *m, split_data *s) {
  char where[600];
  int ny;
  hid_t g;
  snprintf(where, sizeof where, "%s:/%s", path, mode);
  LIE_CALL(read_emb(file, path, mode, s));
  LIE_H5(g = H5Gopen2(file, mode, H5P_DEFAULT));
  int err = lie_target_read(g, where, target, &ny, m, &s->Y);
  H5Gclose(g);
  LIE_CALL(err);
  s->m = *m;
  LIE_CHECK(ny == s->n, LIE_ERR_FORMAT, "%s: %d embeddings but %d labels for target %s (count mismatch)", where, s->n,
            ny, target);
  return LIE_OK;
}

/* Moves a random subset of `count` rows (partial Fisher–Yates, seeded) to the front, so that
 * label-size sweeps can average over several draws of the labelled set. */
static void select_rows(split_data *s, int count, uint64_t seed) {
  lie_rng r;
  lie_rng_seed(&r, seed);
  for (int i = 0; i < count; i++) {
    int j = lie_rng_int(&r, i, s->n);
    for (int c = 0; c < s->d; c++) {
      double t = s->X[(size_t)i * s->d + c];
      s->X[(size_t)i * s->d + c] = s->X[(size_t)j * s->d + c], s->X[(size_t)j * s->d + c] = t;
    }
    for (int c = 0; c < s->m; c++) {
      double t = s->Y[(size_t)i * s->m + c];
      s->Y[(size_t)i * s->m + c] = s->Y[(size_t)j * s->m + c], s->Y[(size_t)j * s->m + c] = t;
    }
  }
}

static int to_log(split_data *s, const char *target) {
  for (size_t i = 0; i < (size_t)s->n * s->m; i++) {
    LIE_CHECK(s->Y[i] > 0, LIE_ERR_USAGE, "-probe_log needs positive targets; %s has %g", target, s->Y[i]);
    s->Y[i] = log(s->Y[i]);
  }
  return LIE_OK;
}

/* Fit on tr, evaluate on te: the statistics of res. */
static int fit_and_score(const lie_probe_opts *o, split_data *tr, split_data *te, lie_probe_result *res,
                         lie_ridge *keep) {
  lie_ridge model = NULL;
  lie_mat X = {tr->n, tr->d, tr->X}, Y = {tr->n, tr->m, tr->Y}, Xt = {te->n, te->d, te->X};
  double *pred;
  int err = LIE_OK;
  LIE_CHECK(te->d == tr->d, LIE_ERR_FORMAT, "train embeddings have D=%d, test D=%d", tr->d, te->d);
  LIE_ALLOC(pred, (size_t)(te->n > tr->n ? te->n : tr->n) * tr->m);
  lie_mat P = {te->n, te->m, pred}, T = {te->n, te->m, te->Y};
  lie_mat Ptr = {tr->n, tr->m, pred}, Ttr = {tr->n, tr->m, tr->Y}; /* the training fit, same metric */
  LIE_CALL_GOTO(lie_ridge_cv(&X, &Y, &o->cv, &res->lambda, NULL, &model));
  LIE_CALL_GOTO(lie_ridge_predict(model, &Xt, &P));
  if (o->log_target)
    for (size_t i = 0; i < (size_t)te->n * te->m; i++)
      pred[i] = exp(pred[i]), te->Y[i] = exp(te->Y[i]);
  LIE_CALL_GOTO(lie_metric_eval(res->metric, &P, &T, &res->value));
  LIE_CALL_GOTO(lie_metric_bootstrap(res->metric, &P, &T, o->nboot, o->boot_seed, &res->boot_mean, &res->boot_std));
  if (o->keep_predictions) { /* before pred is reused for the training rows */
    size_t nb = sizeof(double) * (size_t)te->n * te->m;
    res->pred = malloc(nb), res->truth = malloc(nb);
    LIE_CHECK_GOTO(res->pred && res->truth, LIE_ERR_MEM, "out of memory");
    memcpy(res->pred, pred, nb), memcpy(res->truth, te->Y, nb);
  }
  LIE_CALL_GOTO(lie_ridge_predict(model, &X, &Ptr));
  if (o->log_target)
    for (size_t i = 0; i < (size_t)tr->n * tr->m; i++)
      pred[i] = exp(pred[i]), tr->Y[i] = exp(tr->Y[i]);
  LIE_CALL_GOTO(lie_metric_eval(res->metric, &Ptr, &Ttr, &res->train_value));
  if (keep) *keep = model, model = NULL;
done:
  lie_ridge_destroy(&model);
  free(pred);
  return err;
}

static int probe(const lie_probe_opts *o, hid_t file, const char *path, hid_t tfile, const char *tpath,
                 const char *target, split_data *tr, split_data *te, lie_probe_result *res, lie_ridge *keep) {
  const lie_target_info *info;
  int m = 0;
  LIE_CALL(lie_target_lookup(target, &info));
  res->metric = o->metric >= 0 ? (lie_metric)o->metric : info->metric;
  LIE_CALL(read_split(file, path, o->train_mode, target, &m, tr));
  LIE_CALL(read_split(tfile, tpath, o->test_mode, target, &m, te));
  LIE_CHECK(o->ntrain <= tr->n, LIE_ERR_USAGE, "-probe_ntrain %d but %s:/%s has only %d rows", o->ntrain, path,
            o->train_mode, tr->n);
  if (o->ntrain > 0 && o->subset_seed) select_rows(tr, o->ntrain, o->subset_seed);
  if (o->ntrain > 0) tr->n = o->ntrain; /* the first ntrain rows (after any random selection) */
  if (o->log_target) {
    LIE_CALL(to_log(tr, target));
    LIE_CALL(to_log(te, target));
  }
  LIE_CALL(fit_and_score(o, tr, te, res, keep));
  res->ntrain = tr->n, res->ntest = te->n, res->d = tr->d, res->m = m;
  return LIE_OK;
}

/* The fitted ridge as a probe file (probe_model.c). */
static int write_ridge(lie_ridge r, const lie_probe_opts *o, const char *target, int d, int m, const char *ckpt) {
  lie_probe p = NULL;
  double *mu, *s, *W, *b, *a, *c;
  int err = LIE_OK;
  LIE_CALL_GOTO(lie_probe_model_create("ridge", target, d, m, o->log_target, ckpt, &p));
  LIE_CALL_GOTO(lie_probe_model_arrays(p, &mu, &s, &W, &b, &a, &c));
  LIE_CALL_GOTO(lie_ridge_export(r, mu, s, b, W));
  LIE_CALL_GOTO(lie_probe_model_save(p, o->save));
done:
  lie_probe_destroy(&p);
  return err;
}

/* -probe_save: rank 0 writes the ridge as a probe file; the others wait for its result so that
 * a failed write is an error on every rank. */
static int save_ridge(lie_ctx ctx, hid_t emb, lie_ridge r, const lie_probe_opts *o, const char *target, int d, int m) {
  char ckpt[1024] = "";
  int err = LIE_OK;
  if (H5Aexists(emb, "ckpt") > 0) LIE_CALL(lie_h5_attr_get_string(emb, "ckpt", ckpt, sizeof ckpt));
  if (lie_ctx_rank(ctx) == 0) err = write_ridge(r, o, target, d, m, ckpt);
  LIE_CALL(lie_ctx_agree(ctx, err)); /* rank 0's outcome, on every rank */
  return LIE_OK;
}

/* Every rank reads and fits alone: the caller agrees on the outcome (lie_ctx_agree), so one
 * rank's error (a read, an allocation, a singular fit) reaches every rank before the collective
 * close and the next probe of a sweep. */
static int open_and_fit(lie_ctx ctx, const lie_probe_opts *o, hid_t file, const char *path, const char *tpath,
                        hid_t *tfile, const char *target, split_data *tr, split_data *te, lie_probe_result *res,
                        lie_ridge *model) {
  if (o->test_emb[0]) LIE_CALL(lie_h5_open(ctx, tpath, tfile));
  LIE_CALL(probe(o, file, path, o->test_emb[0] ? *tfile : file, tpath, target, tr, te, res, model));
  LIE_CALL(lie_fault(ctx, "probe_ridge")); /* test hook (src/core/fault.c) */
  return LIE_OK;
}

int lie_probe_run(lie_ctx ctx, const lie_probe_opts *o, const char *path, const char *target, lie_probe_result *res) {
  hid_t file = -1, tfile = -1;
  split_data tr = {0}, te = {0};
  lie_ridge model = NULL;
  int err = LIE_OK;
  memset(res, 0, sizeof *res);
  LIE_CHECK(path && path[0], LIE_ERR_USAGE, "missing embedding file (-emb EMB.h5)");
  LIE_CHECK(target && target[0], LIE_ERR_USAGE, "missing target (-target nu|buo_y|ic_mode|ic_mode_scaled)");
  const char *tpath = o->test_emb[0] ? o->test_emb : path;
  LIE_CALL(lie_h5_open(ctx, path, &file));
  LIE_CALL_GOTO(lie_ctx_agree(ctx, open_and_fit(ctx, o, file, path, tpath, &tfile, target, &tr, &te, res, &model)));
  if (o->save[0]) LIE_CALL_GOTO(save_ridge(ctx, file, model, o, target, res->d, res->m));
done:
  lie_ridge_destroy(&model);
  lie_h5_close(&file);
  lie_h5_close(&tfile);
  free(tr.X), free(tr.Y), free(te.X), free(te.Y);
  if (err) lie_probe_result_free(res);
  return err;
}

void lie_probe_result_free(lie_probe_result *res) {
  if (!res) return;
  free(res->pred);
  free(res->truth);
  res->pred = res->truth = NULL;
}
