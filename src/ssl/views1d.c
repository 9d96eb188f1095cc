/* Training data, 1D PDEs: trajectories read one at a time from the HDF5 file (independent
 * reads, no full-file copy per rank), turned into normalised fp32 model inputs — augmented
 * views for pretraining, a fixed plain crop for embedding. Dispatched from views.c. */
#include "liereg/io.h"
#include "views_impl.h"

#include <math.h>
#include <petscsys.h>
#include <string.h>

struct lie_ssl_data1d_s {
  lie_ctx ctx;
  lie_dataset1d ds;
  int n, nt, nx;
  double *L;        /* per-trajectory period (n) */
  double mean, std; /* normalisation of u */
  int cached;       /* trajectory held in traj, -1 none */
  double *u, *t;    /* read buffers nt*nx, nt */
  double *xg;       /* x grid of the cached trajectory (nx) */
  int events;       /* PETSc log events on (off while a prefetch thread uses the object) */
};

static int open_1d(lie_ctx ctx, const char *path, const char *mode, const char *field, void **out) {
  lie_ssl_data1d d;
  LIE_ALLOC(d, 1);
  *out = d;
  d->ctx = ctx;
  d->cached = -1;
  d->std = 1.0;
  d->events = 1;
  LIE_CALL(lie_dataset1d_open(ctx, path, mode && mode[0] ? mode : NULL, field && field[0] ? field : NULL, &d->ds));
  LIE_CALL(lie_dataset1d_sizes(d->ds, &d->n, &d->nt, &d->nx));
  LIE_CHECK(d->n >= 1 && d->nt >= 2 && d->nx >= 2, LIE_ERR_FORMAT, "%s: dataset is empty or too small (%d x %d x %d)",
            path, d->n, d->nt, d->nx);
  LIE_ALLOC(d->L, d->n);
  LIE_ALLOC(d->u, (size_t)d->nt * d->nx);
  LIE_ALLOC(d->t, d->nt);
  LIE_ALLOC(d->xg, d->nx);
  int found = 0;
  LIE_CALL(lie_dataset1d_read_param(d->ds, "L", d->L, &found));
  if (!found) { /* LPSDA files: the period from the x grid, x_j = j dx */
    double *x;
    LIE_ALLOC(x, d->nx);
    int err = lie_dataset1d_read(d->ds, 0, NULL, NULL, x);
    double L = d->nx * (x[1] - x[0]);
    free(x);
    LIE_CALL(err);
    for (int i = 0; i < d->n; i++)
      d->L[i] = L;
  }
  for (int i = 0; i < d->n; i++)
    LIE_CHECK(d->L[i] > 0 && isfinite(d->L[i]), LIE_ERR_FORMAT, "%s: trajectory %d has period L = %g", path, i,
              d->L[i]);
  return LIE_OK;
}

static int grid_1d(void *impl, int *n, int *nt, int *nx, int *ny) {
  lie_ssl_data1d d = impl;
  if (n) *n = d->n;
  if (nt) *nt = d->nt;
  if (nx) *nx = d->nx;
  if (ny) *ny = 0;
  return LIE_OK;
}

static void set_events_1d(void *impl, int on) {
  lie_ssl_data1d d = impl;
  d->events = on;
}
static void set_norm_1d(void *impl, const double *mean, const double *std) {
  lie_ssl_data1d d = impl;
  d->mean = mean[0], d->std = std[0];
}

static int load(lie_ssl_data1d d, int index) {
  if (d->cached == index) return LIE_OK;
  if (d->events) PetscLogEventBegin(lie_events.io, 0, 0, 0, 0);
  int err = lie_dataset1d_read(d->ds, index, d->u, d->t, NULL);
  if (d->events) PetscLogEventEnd(lie_events.io, 0, 0, 0, 0);
  d->cached = -1;
  LIE_CALL(err);
  LIE_CHECK(lie_all_finite(d->u, (size_t)d->nt * d->nx), LIE_ERR_FORMAT,
            "trajectory %d of the data has NaN/Inf values (a failed solve? check its success flag)", index);
  d->cached = index;
  return LIE_OK;
}

static int load_1d(void *impl, int index) { return load(impl, index); }

static int stats_1d(void *impl, double *mean, double *std) {
  lie_ssl_data1d d = impl;
  int m = d->n < 64 ? d->n : 64;
  double s = 0, ss = 0, cnt = (double)m * d->nt * d->nx;
  for (int i = 0; i < m; i++) {
    LIE_CALL(load(d, i));
    for (size_t k = 0; k < (size_t)d->nt * d->nx; k++)
      s += d->u[k];
  }
  *mean = s / cnt;
  for (int i = 0; i < m; i++) {
    LIE_CALL(load(d, i));
    for (size_t k = 0; k < (size_t)d->nt * d->nx; k++)
      ss += (d->u[k] - *mean) * (d->u[k] - *mean);
  }
  *std = sqrt(ss / cnt);
  LIE_CHECK(*std > 0 && isfinite(*std), LIE_ERR_FORMAT, "the data are constant (std %g): nothing to learn", *std);
  return LIE_OK;
}

/* The stored trajectory as a field on its grid, borrowing the read buffers (never freed by
 * the caller): no copy per view. Gridded in both modes — coords mode takes the map's affine
 * coefficients per frame on the grid (lie_aug1d_apply), the same values as mapping coordinate
 * channels point by point, to rounding. */
static int to_field(lie_ssl_data1d d, int index, lie_field1d *f) {
  LIE_CALL(load(d, index));
  memset(f, 0, sizeof *f);
  for (int j = 0; j < d->nx; j++)
    d->xg[j] = j * d->L[index] / d->nx;
  f->nt = d->nt, f->nx = d->nx, f->u = d->u, f->t = d->t, f->x = d->xg;
  f->L = d->L[index], f->periodic = 1;
  return LIE_OK;
}

/* field (crop_t x crop_x) -> x (cin, crop_t, crop_x): (u-mean)/std [, X/L, T/T_end]. */
static int to_input(lie_ssl_data1d d, const lie_field1d *f, const lie_ssl_model_opts *m, int index, float *x) {
  LIE_CHECK(f->nt == m->crop_t && f->nx == m->crop_x, LIE_ERR_INTERNAL, "view is %d x %d, model expects %d x %d", f->nt,
            f->nx, m->crop_t, m->crop_x);
  LIE_CHECK(m->cin == 1 || f->X, LIE_ERR_INTERNAL, "coords channels missing from the view");
  lie_ssl_field1d_input(m, d->mean, d->std, f, d->L[index], d->t[d->nt - 1] > 0 ? d->t[d->nt - 1] : 1.0, x);
  return LIE_OK;
}

static int view_1d(void *impl, const lie_aug_opts *aug, const lie_ssl_model_opts *m, uint64_t seed, int index,
                   float *x) {
  lie_ssl_data1d d = impl;
  lie_field1d in, out;
  LIE_CALL(to_field(d, index, &in));
  if (d->events) PetscLogEventBegin(lie_events.augment, 0, 0, 0, 0);
  int err = lie_aug_view1d(aug, seed, &in, &out);
  if (d->events) PetscLogEventEnd(lie_events.augment, 0, 0, 0, 0);
  LIE_CALL(err);
  err = to_input(d, &out, m, index, x);
  lie_field1d_free(&out);
  LIE_CALL(err);
  return LIE_OK;
}

/* The embedding window: the one conversion shared with the inference API (window.c). */
static int plain_1d(void *impl, const lie_aug_opts *aug, const lie_ssl_model_opts *m, int index, float *x) {
  lie_ssl_data1d d = impl;
  (void)aug; /* coords channels or not: m->cin */
  LIE_CHECK(lie_ssl_model_span(m) <= d->nt && m->crop_x <= d->nx, LIE_ERR_USAGE,
            "the model's input %d x %d (frames %d apart) is larger than the data's trajectories %d x %d", m->crop_t,
            m->crop_x, m->crop_dt, d->nt, d->nx);
  LIE_CALL(load(d, index));
  LIE_CALL(lie_ssl_window1d_input(m, d->mean, d->std, d->u, d->nt, d->nx, d->L[index], d->t[0], d->t[1] - d->t[0],
                                  d->t[d->nt - 1], x));
  return LIE_OK;
}

/* Ranges over every trajectory: dt = t1 - t0 (as the windows use it), dx = L/nx. */
static int train_grid_1d(void *impl, lie_train_grid *g) {
  lie_ssl_data1d d = impl;
  memset(g, 0, sizeof *g);
  g->known = 1, g->nt = d->nt, g->nx = d->nx;
  for (int i = 0; i < d->n; i++) {
    LIE_CALL(lie_dataset1d_read(d->ds, i, NULL, d->t, NULL));
    d->cached = -1; /* t now belongs to trajectory i, u does not */
    double v[5] = {d->t[1] - d->t[0], d->L[i] / d->nx, d->L[i], d->t[0], d->t[d->nt - 1]};
    double *r[5] = {g->dt, g->dx, g->L, g->t0, g->t_end};
    for (int k = 0; k < 5; k++) {
      if (i == 0 || v[k] < r[k][0]) r[k][0] = v[k];
      if (i == 0 || v[k] > r[k][1]) r[k][1] = v[k];
    }
  }
  return LIE_OK;
}

static int close_1d(void **dp) {
  lie_ssl_data1d d = *dp;
  if (!d) return LIE_OK;
  int err = lie_dataset1d_close(&d->ds);
  free(d->L), free(d->u), free(d->t), free(d->xg);
  free(d);
  *dp = NULL;
  LIE_CALL(err);
  return LIE_OK;
}

/* Model input: cin = 1 (u) or 3 (+ X/L, T/T_end in coords mode) channels of crop_t x crop_x. */
static int model_cfg_1d(void *impl, const lie_aug_opts *aug, lie_ssl_model_opts *m) {
  lie_ssl_data1d d = impl;
  m->cin = aug->mode == LIE_AUG_COORDS ? 3 : 1;
  m->crop_x = aug->crop_x ? aug->crop_x : d->nx;
  LIE_CHECK(m->crop_t <= d->nt && m->crop_x <= d->nx, LIE_ERR_USAGE,
            "crop %d x %d (-aug_crop_t, -aug_crop_x) is larger than the trajectories (%d frames x %d points)",
            m->crop_t, m->crop_x, d->nt, d->nx);
  LIE_CHECK(lie_ssl_model_span(m) <= d->nt, LIE_ERR_USAGE,
            "-aug_crop_dt %d: %d frames %d apart (-aug_crop_t %d) span %d frames; the trajectories have %d", m->crop_dt,
            m->crop_t, m->crop_dt, m->crop_t, lie_ssl_model_span(m), d->nt);
  return LIE_OK;
}

/* A model's crop fits when it is no larger than the trajectories. */
static int fits_1d(void *impl, const lie_ssl_model_opts *m, const char *path) {
  lie_ssl_data1d d = impl;
  LIE_CHECK(!m->crop_y, LIE_ERR_USAGE, "the model takes %d frames of %d x %d (Navier-Stokes); %s holds 1D data",
            m->crop_t, m->crop_x, m->crop_y, path);
  LIE_CHECK(lie_ssl_model_span(m) <= d->nt && m->crop_x <= d->nx, LIE_ERR_USAGE,
            "the model's crop %d x %d (frames %d apart: %d frames spanned) is larger than the trajectories of %s (%d "
            "frames x %d points)",
            m->crop_t, m->crop_x, m->crop_dt > 1 ? m->crop_dt : 1, lie_ssl_model_span(m), path, d->nt, d->nx);
  return LIE_OK;
}

const lie_ssl_layout lie_ssl_layout_1d = {"1D",          1,       open_1d, grid_1d, stats_1d, set_norm_1d,
                                          model_cfg_1d,  fits_1d, view_1d, load_1d, plain_1d, train_grid_1d,
                                          set_events_1d, close_1d};
