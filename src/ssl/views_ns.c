/* Training data, 2D Navier–Stokes: trajectories (smoke u, vx, vy on [t, x, y]) read one at a
 * time from the PDEArena-layout file (independent reads, no full-file copy per rank), turned
 * into normalised fp32 images for the 2D ResNet: augmented views (lie_aug_view_ns: Lie group
 * element + random time crop) for pretraining, the first crop_t frames for embedding.
 *
 * Model input of one sample: (F crop_t, nx, ny), channel f crop_t + n = field f at frame n,
 * fields f = smoke, vx, vy [, X/Lx, Y/Ly, T/T_end in coords mode]. Normalisation per field
 * (docs/PRETRAIN.md): smoke (s - mean_s)/std_s; velocity (v_c - mean_c)/std_v with ONE std for
 * both components, so that a rotation of v stays a rotation of the normalised input.
 *
 * The closed box (no-slip walls) is not periodic; like `liereg augment`, grid mode resamples
 * it as if it were (x/y shifts, rotations and boosts are approximate symmetries there, as in
 * the paper; exact for -ns_bc periodic data except rotation). */
#include "views_impl.h"

#include <math.h>
#include <petscsys.h>
#include <string.h>

struct lie_ssl_datans_s {
  lie_ctx ctx;
  lie_datasetns ds;
  int n, nt, nx, ny;
  double mean[LIE_SSL_NS_FIELDS], std[LIE_SSL_NS_FIELDS];
  int cached;     /* trajectory held in f, -1 none */
  lie_field_ns f; /* read buffer: the stored trajectory on its grid (no pressure) */
  int events;     /* PETSc log events on (off while a prefetch thread uses the object) */
};

static int open_ns(lie_ctx ctx, const char *path, const char *mode, const char *field, void **out) {
  lie_ssl_datans d;
  LIE_CHECK(!field || !field[0] || !strcmp(field, "u"), LIE_ERR_USAGE,
            "%s holds Navier-Stokes data: the input is always (smoke u, vx, vy); -data_field %s is for 1D files", path,
            field);
  LIE_ALLOC(d, 1);
  *out = d;
  d->ctx = ctx;
  d->cached = -1;
  d->events = 1;
  for (int c = 0; c < LIE_SSL_NS_FIELDS; c++)
    d->std[c] = 1.0;
  LIE_CALL(lie_datasetns_open(ctx, path, mode, &d->ds));
  LIE_CALL(lie_datasetns_sizes(d->ds, &d->n, &d->nt, &d->nx, &d->ny));
  LIE_CHECK(d->nt >= 2, LIE_ERR_FORMAT, "%s: NS trajectories have %d frame(s); views need at least 2", path, d->nt);
  LIE_CALL(lie_field_ns_alloc(d->nt, d->nx, d->ny, 0, 0, &d->f));
  return LIE_OK;
}

static int grid_ns(void *impl, int *n, int *nt, int *nx, int *ny) {
  lie_ssl_datans d = impl;
  if (n) *n = d->n;
  if (nt) *nt = d->nt;
  if (nx) *nx = d->nx;
  if (ny) *ny = d->ny;
  return LIE_OK;
}

static void set_events_ns(void *impl, int on) {
  lie_ssl_datans d = impl;
  d->events = on;
}

static void set_norm_ns(void *impl, const double *mean, const double *std) {
  lie_ssl_datans d = impl;
  for (int c = 0; c < LIE_SSL_NS_FIELDS; c++)
    d->mean[c] = mean[c], d->std[c] = std[c];
}

static int load(lie_ssl_datans d, int index) {
  if (d->cached == index) return LIE_OK;
  lie_field_ns *f = &d->f;
  d->cached = -1;
  if (d->events) PetscLogEventBegin(lie_events.io, 0, 0, 0, 0);
  int err = lie_datasetns_read(d->ds, index, f->u, f->vx, f->vy, f->t, f->x, f->y);
  if (d->events) PetscLogEventEnd(lie_events.io, 0, 0, 0, 0);
  LIE_CALL(err);
  f->Lx = d->nx * (f->x[1] - f->x[0]), f->Ly = d->ny * (f->y[1] - f->y[0]);
  f->periodic = 1; /* see the file comment */
  LIE_CHECK(f->Lx > 0 && f->Ly > 0 && f->t[d->nt - 1] > f->t[0], LIE_ERR_FORMAT,
            "NS trajectory %d: grid with box %g x %g and times [%g, %g] is not increasing", index, f->Lx, f->Ly,
            f->t[0], f->t[d->nt - 1]);
  d->cached = index;
  return LIE_OK;
}

static int load_ns(void *impl, int index) { return load(impl, index); }

/* One pass over the first min(n, 64) trajectories, sums shifted by trajectory 0's means. */
static int stats_ns(void *impl, double *mean, double *std) {
  lie_ssl_datans d = impl;
  const int m = d->n < 64 ? d->n : 64;
  const size_t len = (size_t)d->nt * d->nx * d->ny;
  double K[LIE_SSL_NS_FIELDS] = {0}, s[LIE_SSL_NS_FIELDS] = {0}, ss[LIE_SSL_NS_FIELDS] = {0}, cnt = (double)m * len;
  for (int i = 0; i < m; i++) {
    LIE_CALL(load(d, i));
    const double *F[LIE_SSL_NS_FIELDS] = {d->f.u, d->f.vx, d->f.vy};
    for (int c = 0; c < LIE_SSL_NS_FIELDS; c++) {
      if (i == 0) {
        for (size_t k = 0; k < len; k++)
          K[c] += F[c][k];
        K[c] /= (double)len;
      }
      for (size_t k = 0; k < len; k++) {
        double v = F[c][k] - K[c];
        s[c] += v, ss[c] += v * v;
      }
    }
  }
  double var[LIE_SSL_NS_FIELDS];
  for (int c = 0; c < LIE_SSL_NS_FIELDS; c++) {
    mean[c] = K[c] + s[c] / cnt;
    var[c] = fmax(ss[c] / cnt - (s[c] / cnt) * (s[c] / cnt), 0.0);
  }
  std[0] = sqrt(var[0]);
  std[1] = std[2] = sqrt(0.5 * (var[1] + var[2]));
  LIE_CHECK(std[0] > 0 && isfinite(std[0]), LIE_ERR_FORMAT, "the smoke field of the data is constant (std %g)", std[0]);
  LIE_CHECK(std[1] > 0 && isfinite(std[1]), LIE_ERR_FORMAT, "the velocity of the data is constant (std %g)", std[1]);
  return LIE_OK;
}

/* field (crop_t, nx, ny) -> x (F crop_t, nx, ny), F = cin. */
static int to_input(lie_ssl_datans d, const lie_field_ns *f, const lie_ssl_model_opts *m, float *x) {
  LIE_CHECK(f->nt == m->crop_t && f->nx == m->crop_x && f->ny == m->crop_y, LIE_ERR_INTERNAL,
            "NS view is %d x %d x %d, model expects %d x %d x %d", f->nt, f->nx, f->ny, m->crop_t, m->crop_x,
            m->crop_y);
  LIE_CHECK(m->cin == LIE_SSL_NS_FIELDS || m->cin == 2 * LIE_SSL_NS_FIELDS, LIE_ERR_INTERNAL,
            "NS model input has %d channels per frame (3 or 6)", m->cin);
  const size_t fr = (size_t)f->nx * f->ny, len = (size_t)f->nt * fr;
  const double *F[LIE_SSL_NS_FIELDS] = {f->u, f->vx, f->vy};
  for (int c = 0; c < LIE_SSL_NS_FIELDS; c++) {
    float *dst = x + (size_t)c * len; /* frames of field c are consecutive channels */
    const double mu = d->mean[c], is = 1.0 / d->std[c];
    for (size_t k = 0; k < len; k++)
      dst[k] = (float)((F[c][k] - mu) * is);
  }
  if (m->cin == LIE_SSL_NS_FIELDS) return LIE_OK;
  const double Lx = d->f.Lx, Ly = d->f.Ly, T = d->f.t[d->nt - 1] > 0 ? d->f.t[d->nt - 1] : 1.0;
  float *X = x + 3 * len, *Y = x + 4 * len, *Tc = x + 5 * len;
  for (int n = 0; n < f->nt; n++)
    for (int i = 0; i < f->nx; i++)
      for (int j = 0; j < f->ny; j++) {
        size_t k = (size_t)n * fr + (size_t)i * f->ny + j;
        X[k] = (float)((f->X ? f->X[k] : f->x[i]) / Lx);
        Y[k] = (float)((f->Y ? f->Y[k] : f->y[j]) / Ly);
        Tc[k] = (float)((f->T ? f->T[k] : f->t[n]) / T);
      }
  return LIE_OK;
}

static int view_ns(void *impl, const lie_aug_opts *aug, const lie_ssl_model_opts *m, uint64_t seed, int index,
                   float *x) {
  lie_ssl_datans d = impl;
  lie_field_ns out;
  LIE_CALL(load(d, index));
  if (d->events) PetscLogEventBegin(lie_events.augment, 0, 0, 0, 0);
  int err = lie_aug_view_ns(aug, seed, &d->f, &out);
  if (d->events) PetscLogEventEnd(lie_events.augment, 0, 0, 0, 0);
  LIE_CALL(err);
  err = to_input(d, &out, m, x);
  lie_field_ns_free(&out);
  LIE_CALL(err);
  return LIE_OK;
}

/* The embedding window: the one conversion shared with the inference API (window.c). */
static int plain_ns(void *impl, const lie_aug_opts *aug, const lie_ssl_model_opts *m, int index, float *x) {
  lie_ssl_datans d = impl;
  (void)aug; /* coords channels come from the grid; the mode is in m->cin */
  LIE_CHECK(lie_ssl_model_span(m) <= d->nt && m->crop_x == d->nx && m->crop_y == d->ny, LIE_ERR_USAGE,
            "the model's input (%d frames %d apart of %d x %d) does not fit the data's NS trajectories (%d frames of "
            "%d x %d)",
            m->crop_t, m->crop_dt > 1 ? m->crop_dt : 1, m->crop_x, m->crop_y, d->nt, d->nx, d->ny);
  LIE_CALL(load(d, index));
  const lie_field_ns *f = &d->f;
  LIE_CALL(lie_ssl_window_ns_input(m, d->mean, d->std, f->u, f->vx, f->vy, d->nt, d->nx, d->ny, f->x, f->y, f->t,
                                   f->t[d->nt - 1], x));
  return LIE_OK;
}

/* Ranges over every trajectory: dt = t1 - t0, dx = Lx/nx, L = Lx, ly = Ly. */
static int train_grid_ns(void *impl, lie_train_grid *g) {
  lie_ssl_datans d = impl;
  memset(g, 0, sizeof *g);
  g->known = 1, g->nt = d->nt, g->nx = d->nx, g->ny = d->ny;
  for (int i = 0; i < d->n; i++) {
    lie_field_ns *f = &d->f;
    d->cached = -1; /* only the coordinates of trajectory i are read (not its fields) */
    LIE_CALL(lie_datasetns_read(d->ds, i, NULL, NULL, NULL, f->t, f->x, f->y));
    double Lx = d->nx * (f->x[1] - f->x[0]), Ly = d->ny * (f->y[1] - f->y[0]);
    double v[6] = {f->t[1] - f->t[0], Lx / d->nx, Lx, Ly, f->t[0], f->t[d->nt - 1]};
    double *r[6] = {g->dt, g->dx, g->L, g->ly, g->t0, g->t_end};
    for (int k = 0; k < 6; k++) {
      if (i == 0 || v[k] < r[k][0]) r[k][0] = v[k];
      if (i == 0 || v[k] > r[k][1]) r[k][1] = v[k];
    }
  }
  return LIE_OK;
}

static int close_ns(void **dp) {
  lie_ssl_datans d = *dp;
  if (!d) return LIE_OK;
  int err = lie_datasetns_close(&d->ds);
  lie_field_ns_free(&d->f);
  free(d);
  *dp = NULL;
  LIE_CALL(err);
  return LIE_OK;
}

/* Model input: crop_t frames of the whole nx x ny grid, cin = 3 or 6 per frame, 2D ResNet only. */
static int model_cfg_ns(void *impl, const lie_aug_opts *aug, lie_ssl_model_opts *m) {
  lie_ssl_datans d = impl;
  m->cin = aug->mode == LIE_AUG_COORDS ? 2 * LIE_SSL_NS_FIELDS : LIE_SSL_NS_FIELDS;
  m->crop_x = d->nx, m->crop_y = d->ny;
  LIE_CHECK(m->dims == 2, LIE_ERR_USAGE,
            "Navier-Stokes data need the 2D ResNet over (x, y) (-model_dims 2, got %d): frames are channels", m->dims);
  LIE_CHECK(!aug->crop_x || aug->crop_x == d->nx, LIE_ERR_USAGE,
            "-aug_crop_x %d: Navier-Stokes views keep the whole %d x %d grid (crop in time only, -aug_crop_t)",
            aug->crop_x, d->nx, d->ny);
  LIE_CHECK(m->crop_t >= 1 && m->crop_t <= d->nt, LIE_ERR_USAGE,
            "crop of %d frames (-aug_crop_t) is larger than the trajectories (%d frames of %d x %d)", m->crop_t, d->nt,
            d->nx, d->ny);
  LIE_CHECK(lie_ssl_model_span(m) <= d->nt, LIE_ERR_USAGE,
            "-aug_crop_dt %d: %d frames %d apart (-aug_crop_t %d) span %d frames; the trajectories have %d", m->crop_dt,
            m->crop_t, m->crop_dt, m->crop_t, lie_ssl_model_span(m), d->nt);
  return LIE_OK;
}

/* A model fits when it takes the whole x-y grid and at most the stored frames. */
static int fits_ns(void *impl, const lie_ssl_model_opts *m, const char *path) {
  lie_ssl_datans d = impl;
  LIE_CHECK(m->crop_x == d->nx && m->crop_y == d->ny && lie_ssl_model_span(m) <= d->nt, LIE_ERR_USAGE,
            "the model takes %d frames (spanning %d) of %d x %d; %s has %d frames of %d x %d", m->crop_t,
            lie_ssl_model_span(m), m->crop_x, m->crop_y, path, d->nt, d->nx, d->ny);
  return LIE_OK;
}

const lie_ssl_layout lie_ssl_layout_ns = {"Navier-Stokes", LIE_SSL_NS_FIELDS, open_ns,       grid_ns, stats_ns,
                                          set_norm_ns,     model_cfg_ns,      fits_ns,       view_ns, load_ns,
                                          plain_ns,        train_grid_ns,     set_events_ns, close_ns};
