/* In-situ inference, the stepper (include/liereg/infer.h): a `liereg timestep -step_ckpt`
 * checkpoint's network (the weights chosen on validation, /best) applied to a history window
 * held in memory. The network, its input assembly ([H frames | dx | dt | c channels]) and the
 * conditioning Linear are the ones of src/eval/timestep_model.c (lie_step_model_build,
 * lie_step_forward), so one call is the same computation as one step of `liereg timestep`'s
 * rollout (tested: test_infer_stepper reproduces its rollout NMSE). */
#include "eval/timestep_impl.h"
#include "liereg/infer.h"

#include <hdf5.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

struct lie_stepper_s {
  lie_step_opts cfg;
  lie_step_job j;
  char path[LIE_STEP_PATH];
  int threads;
  float *win; /* (max_batch, H, nx) */
};

static int attr_long(hid_t g, const char *path, const char *name, long lo, long hi, long *v) {
  double d;
  LIE_CALL(lie_h5_attr_get_double(g, name, &d));
  LIE_CHECK(d >= lo && d <= hi && d == floor(d), LIE_ERR_FORMAT, "%s: /timestep attribute %s = %g", path, name, d);
  *v = (long)d;
  return LIE_OK;
}

/* /timestep: the configuration the network is built from, and the conditioning standardisation. */
static int read_config(lie_stepper s, hid_t f) {
  lie_step_job *j = &s->j;
  char cond[32];
  long H = 0, F = 0, c = 0, d = 0, din = 1, nx = 0, width = 0;
  LIE_CHECK(H5Lexists(f, "timestep", H5P_DEFAULT) > 0, LIE_ERR_FORMAT,
            "%s is not a liereg timestep checkpoint (no /timestep; written by liereg timestep -step_ckpt)", s->path);
  hid_t g;
  LIE_H5(g = H5Gopen2(f, "timestep", H5P_DEFAULT));
  int err = LIE_OK;
  LIE_CALL_GOTO(lie_h5_attr_get_string(g, "model", s->cfg.model, sizeof s->cfg.model));
  LIE_CALL_GOTO(lie_h5_attr_get_string(g, "cond", cond, sizeof cond));
  LIE_CALL_GOTO(lie_h5_attr_get_string(g, "pde", j->pde, sizeof j->pde));
  LIE_CALL_GOTO(attr_long(g, s->path, "history", 1, 4096, &H));
  LIE_CALL_GOTO(attr_long(g, s->path, "future", 1, 4096, &F));
  LIE_CALL_GOTO(attr_long(g, s->path, "cond_channels", 0, 4096, &c));
  LIE_CALL_GOTO(attr_long(g, s->path, "cond_dim", 0, 1024, &d));
  LIE_CALL_GOTO(attr_long(g, s->path, "nx", 2, 1 << 20, &nx));
  LIE_CALL_GOTO(attr_long(g, s->path, "width", 0, 1 << 16, &width));
  LIE_CALL_GOTO(lie_step_cond_from_name(cond, &s->cfg.cond));
  din = d > 0 ? d : 1; /* checkpoints before -step_cond_pca: the Linear took all d values */
  if (H5Aexists(g, "cond_inputs") > 0) LIE_CALL_GOTO(attr_long(g, s->path, "cond_inputs", 1, 1024, &din));
done:
  H5Gclose(g);
  if (err) return err;
  j->H = (int)H, j->F = (int)F, j->c = (int)c, j->d = (int)d, j->din = (int)din, j->nx = (int)nx;
  /* 1D steppers only: one field per frame (the NS unet takes smoke, vx, vy) */
  LIE_CHECK(strcmp(j->pde, "ns") != 0, LIE_ERR_USAGE, "%s: Navier-Stokes steppers are not in the inference API yet",
            s->path);
  j->nf = j->tr.nf = 1, j->ny = j->tr.ny = 1, j->ns = 0, j->tr.nx = j->nx;
  j->fs = j->tr.fs = (size_t)j->nx, j->np = (size_t)j->nx;
  s->cfg.width = (int)width;
  return LIE_OK;
}

static int read_flat(hid_t f, const char *path, const char *name, hid_t type, size_t n, void *buf) {
  LIE_CHECK(H5Lexists(f, name, H5P_DEFAULT) > 0 || n == 0, LIE_ERR_FORMAT, "%s has no dataset %s", path, name);
  if (n == 0) return LIE_OK;
  hid_t ds;
  LIE_H5(ds = H5Dopen2(f, name, H5P_DEFAULT));
  hid_t sp = H5Dget_space(ds);
  hssize_t have = sp >= 0 ? H5Sget_simple_extent_npoints(sp) : -1;
  if (sp >= 0) H5Sclose(sp);
  herr_t r = have == (hssize_t)n ? H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) : -1;
  H5Dclose(ds);
  LIE_CHECK(have == (hssize_t)n, LIE_ERR_FORMAT, "%s: %s has %lld values, the network needs %zu", path, name,
            (long long)have, n);
  LIE_CHECK(r >= 0, LIE_ERR_HDF5, "%s: cannot read %s", path, name);
  return LIE_OK;
}

/* The conditioning input P (v - mean) of timestep_cond.c; checkpoints written before P was
 * stored scaled each value by cond_std (P = diag(1 / std)). */
static int read_projection(lie_stepper s, hid_t f) {
  lie_step_job *j = &s->j;
  if (j->d == 0) return LIE_OK;
  LIE_ALLOC(j->cproj, (size_t)j->din * j->d);
  if (H5Lexists(f, "timestep/cond_proj", H5P_DEFAULT) > 0)
    return read_flat(f, s->path, "timestep/cond_proj", H5T_NATIVE_DOUBLE, (size_t)j->din * j->d, j->cproj);
  LIE_CHECK(j->din == j->d, LIE_ERR_FORMAT, "%s: no timestep/cond_proj for %d conditioning inputs", s->path, j->din);
  for (int k = 0; k < j->d; k++)
    j->cproj[(size_t)k * j->d + k] = 1.0 / j->cstd[k];
  return LIE_OK;
}

/* The network of the configuration, then the weights chosen on validation (/best). */
static int build(lie_stepper s, hid_t f, int max_batch) {
  lie_step_job *j = &s->j;
  size_t np, nb, ncp;
  j->cfg = &s->cfg, j->P = 1, j->rank = 0, j->B = j->nlocal = max_batch, j->tr.n = 1;
  LIE_CALL(lie_step_model_build(j));
  float *p = lie_nn_net_params(j->net, &np), *b = lie_nn_net_buffers(j->net, &nb);
  float *cp = lie_nn_net_params(j->cnet, &ncp);
  LIE_CALL(read_flat(f, s->path, "best/stepper_params", H5T_NATIVE_FLOAT, np, p));
  LIE_CALL(read_flat(f, s->path, "best/stepper_buffers", H5T_NATIVE_FLOAT, nb, b));
  LIE_CALL(read_flat(f, s->path, "best/cond_params", H5T_NATIVE_FLOAT, ncp, cp));
  LIE_CALL(read_flat(f, s->path, "timestep/cond_mean", H5T_NATIVE_DOUBLE, (size_t)j->d, j->cmean));
  LIE_CALL(read_flat(f, s->path, "timestep/cond_std", H5T_NATIVE_DOUBLE, (size_t)j->d, j->cstd));
  LIE_CALL(read_projection(s, f));
  LIE_ALLOC(s->win, (size_t)max_batch * j->H * j->nx);
  return LIE_OK;
}

static int read_and_build(lie_stepper s, hid_t f, int max_batch) {
  LIE_CALL(read_config(s, f));
  LIE_CALL(build(s, f, max_batch));
  return LIE_OK;
}

int lie_stepper_load(lie_ctx ctx, const char *ckpt, int max_batch, lie_stepper *out) {
  LIE_CHECK(ckpt && out, LIE_ERR_ARG, "lie_stepper_load: NULL argument");
  *out = NULL;
  LIE_CHECK(max_batch >= 1 && max_batch <= 1024, LIE_ERR_USAGE, "lie_stepper_load: max_batch %d (1..1024)", max_batch);
  LIE_CHECK(strlen(ckpt) < LIE_STEP_PATH, LIE_ERR_USAGE, "checkpoint path too long");
  LIE_CHECK(access(ckpt, R_OK) == 0, LIE_ERR_USAGE, "cannot read stepper checkpoint %s", ckpt);
  hid_t f;
  H5E_BEGIN_TRY { f = H5Fopen(ckpt, H5F_ACC_RDONLY, H5P_DEFAULT); }
  H5E_END_TRY;
  LIE_CHECK(f >= 0, LIE_ERR_FORMAT, "%s is not an HDF5 file (a stepper checkpoint is written by liereg timestep)",
            ckpt);
  int err = LIE_OK;
  lie_stepper s = calloc(1, sizeof *s);
  LIE_CHECK_GOTO(s, LIE_ERR_MEM, "out of memory");
  lie_step_opts_default(&s->cfg);
  s->cfg.backend = lie_nn_backend_default(), s->cfg.threads = 0; /* ours, set around each call */
  s->threads = 1, s->j.ctx = ctx;
  snprintf(s->path, sizeof s->path, "%s", ckpt);
  int saved = lie_nn_threads_enter(1);
  /* no goto inside: H5E_END_TRY restores HDF5's error printing */
  H5E_BEGIN_TRY { err = read_and_build(s, f, max_batch); }
  H5E_END_TRY;
  lie_nn_set_threads(saved);
  LIE_CHECK_GOTO(err != LIE_ERR_MEM, LIE_ERR_MEM, "out of memory");
  LIE_CALL_GOTO(err);
done:
  H5Fclose(f);
  if (err)
    lie_stepper_destroy(&s);
  else
    *out = s;
  return err;
}

int lie_stepper_get_info(lie_stepper s, lie_stepper_info *info) {
  LIE_CHECK(s && info, LIE_ERR_ARG, "lie_stepper_get_info: NULL argument");
  memset(info, 0, sizeof *info);
  snprintf(info->pde, sizeof info->pde, "%s", s->j.pde);
  snprintf(info->model, sizeof info->model, "%s", s->cfg.model);
  snprintf(info->cond, sizeof info->cond, "%s", lie_step_cond_name(s->cfg.cond));
  info->history = s->j.H, info->future = s->j.F, info->nx = s->j.nx, info->cond_dim = s->j.d;
  return LIE_OK;
}

int lie_stepper_set_threads(lie_stepper s, int n) {
  LIE_CHECK(s, LIE_ERR_ARG, "lie_stepper_set_threads: NULL stepper");
  LIE_CHECK(n <= 1024, LIE_ERR_USAGE, "lie_stepper_set_threads: %d threads is too many", n);
  s->threads = n > 0 ? n : lie_nn_cores_available();
  return LIE_OK;
}

int lie_stepper_predict(lie_stepper s, int n, int nt, int nx, const double *u, const double *dx, const double *dt,
                        const double *cond, double *future) {
  LIE_CHECK(s && u && dx && dt && future, LIE_ERR_ARG, "lie_stepper_predict: NULL argument");
  lie_step_job *j = &s->j;
  LIE_CHECK(n >= 1 && n <= j->nlocal, LIE_ERR_USAGE, "lie_stepper_predict: %d windows, the stepper of %s takes 1..%d",
            n, s->path, j->nlocal);
  LIE_CHECK(nt == j->H && nx == j->nx, LIE_ERR_USAGE,
            "history window of %d frames x %d points: the stepper of %s takes %d x %d (its history and grid)", nt, nx,
            s->path, j->H, j->nx);
  LIE_CHECK(j->d == 0 || cond, LIE_ERR_USAGE, "the stepper of %s is conditioned (-step_cond %s, %d values): pass cond",
            s->path, lie_step_cond_name(s->cfg.cond), j->d);
  const float *win[1024], *out;
  float fdx[1024], fdt[1024];
  memset(j->cx, 0, sizeof(float) * (size_t)j->nlocal * j->din);
  for (int q = 0; q < n; q++) {
    float *w = s->win + (size_t)q * j->H * nx;
    for (size_t k = 0; k < (size_t)j->H * nx; k++)
      w[k] = (float)u[(size_t)q * j->H * nx + k]; /* the network's precision, as liereg timestep stores data */
    win[q] = w, fdx[q] = (float)dx[q], fdt[q] = (float)dt[q];
    if (j->d > 0)
      lie_step_cond_input(j, cond + (size_t)q * j->d, j->cx + (size_t)q * j->din); /* lie_step_fill_cond's */
  }
  int saved = lie_nn_threads_enter(s->threads);
  int err = lie_step_forward(j, n, win, fdx, fdt, 0, &out);
  lie_nn_set_threads(saved);
  LIE_CALL(err);
  for (size_t k = 0; k < (size_t)n * j->F * nx; k++)
    future[k] = out[k];
  return LIE_OK;
}

int lie_stepper_destroy(lie_stepper *sp) {
  if (!sp || !*sp) return LIE_OK;
  lie_stepper s = *sp;
  lie_step_model_free(&s->j);
  free(s->win);
  LIE_FREE(*sp);
  return LIE_OK;
}
