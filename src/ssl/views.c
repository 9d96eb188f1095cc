/* Training data (lie_ssl_data): one handle for 1D trajectory files (views1d.c) and 2D
 * Navier–Stokes files (views_ns.c). The layout is detected from the file (root attribute
 * `pde`, else the datasets: lie_dataset_is_ns), so pretrain, embed and supervised read either
 * without knowing which. This file only dispatches. */
#include "pretrain_impl.h"
#include "views_impl.h"

#include <string.h>

struct lie_ssl_data_s {
  int ns;
  lie_ssl_data1d d1;
  lie_ssl_datans dn;
};

int lie_ssl_data_open(lie_ctx ctx, const char *path, const char *mode, const char *field, lie_ssl_data *out) {
  lie_ssl_data d;
  LIE_ALLOC(d, 1);
  *out = d;
  LIE_CALL(lie_dataset_is_ns(ctx, path, mode, &d->ns));
  if (!d->ns) {
    LIE_CALL(lie_ssl_data1d_open(ctx, path, mode, field, &d->d1));
    return LIE_OK;
  }
  LIE_CHECK(!field || !field[0] || !strcmp(field, "u"), LIE_ERR_USAGE,
            "%s holds Navier-Stokes data: the input is always (smoke u, vx, vy); -data_field %s is for 1D files", path,
            field);
  LIE_CALL(lie_ssl_datans_open(ctx, path, mode, &d->dn));
  return LIE_OK;
}

int lie_ssl_data_is_ns(lie_ssl_data d) { return d->ns; }

int lie_ssl_data_sizes(lie_ssl_data d, int *n, int *nt, int *nx) {
  if (d->ns) return lie_ssl_datans_sizes(d->dn, n, nt, nx, NULL);
  return lie_ssl_data1d_sizes(d->d1, n, nt, nx);
}

int lie_ssl_data_grid(lie_ssl_data d, int *n, int *nt, int *nx, int *ny) {
  if (d->ns) return lie_ssl_datans_sizes(d->dn, n, nt, nx, ny);
  if (ny) *ny = 0;
  return lie_ssl_data1d_sizes(d->d1, n, nt, nx);
}

int lie_ssl_data_nfields(lie_ssl_data d) { return d->ns ? LIE_SSL_NS_FIELDS : 1; }

int lie_ssl_data_stats(lie_ssl_data d, double *mean, double *std) {
  LIE_CHECK(!d->ns, LIE_ERR_ARG, "Navier-Stokes data are normalised per field: use lie_ssl_data_stats_fields");
  LIE_CALL(lie_ssl_data1d_stats(d->d1, mean, std));
  return LIE_OK;
}

int lie_ssl_data_stats_fields(lie_ssl_data d, double *mean, double *std) {
  if (d->ns)
    LIE_CALL(lie_ssl_datans_stats(d->dn, mean, std));
  else
    LIE_CALL(lie_ssl_data1d_stats(d->d1, mean, std));
  return LIE_OK;
}

void lie_ssl_data_set_norm(lie_ssl_data d, double mean, double std) {
  double m[LIE_SSL_MAX_FIELDS], s[LIE_SSL_MAX_FIELDS];
  for (int c = 0; c < LIE_SSL_MAX_FIELDS; c++)
    m[c] = mean, s[c] = std;
  lie_ssl_data_set_norm_fields(d, m, s);
}

void lie_ssl_data_set_norm_fields(lie_ssl_data d, const double *mean, const double *std) {
  if (d->ns)
    lie_ssl_datans_set_norm(d->dn, mean, std);
  else
    lie_ssl_data1d_set_norm(d->d1, mean[0], std[0]);
}

int lie_ssl_data_view(lie_ssl_data d, const lie_aug_opts *aug, const lie_ssl_model_opts *m, uint64_t seed, int index,
                      float *x) {
  if (d->ns)
    LIE_CALL(lie_ssl_datans_view(d->dn, aug, m, seed, index, x));
  else
    LIE_CALL(lie_ssl_data1d_view(d->d1, aug, m, seed, index, x));
  return LIE_OK;
}

int lie_ssl_data_load(lie_ssl_data d, int index) {
  if (d->ns)
    LIE_CALL(lie_ssl_datans_load(d->dn, index));
  else
    LIE_CALL(lie_ssl_data1d_load(d->d1, index));
  return LIE_OK;
}

int lie_ssl_data_plain(lie_ssl_data d, const lie_aug_opts *aug, const lie_ssl_model_opts *m, int index, float *x) {
  if (d->ns)
    LIE_CALL(lie_ssl_datans_plain(d->dn, aug, m, index, x));
  else
    LIE_CALL(lie_ssl_data1d_plain(d->d1, aug, m, index, x));
  return LIE_OK;
}

int lie_ssl_data_train_grid(lie_ssl_data d, lie_train_grid *g) {
  if (d->ns)
    LIE_CALL(lie_ssl_datans_train_grid(d->dn, g));
  else
    LIE_CALL(lie_ssl_data1d_train_grid(d->d1, g));
  return LIE_OK;
}

lie_dataset1d lie_ssl_data_dataset(lie_ssl_data d) { return d->ns ? NULL : lie_ssl_data1d_dataset(d->d1); }

void lie_ssl_data_set_events(lie_ssl_data d, int on) {
  if (d->ns)
    lie_ssl_datans_set_events(d->dn, on);
  else
    lie_ssl_data1d_set_events(d->d1, on);
}

/* The model input for this data: 1D (cin = 1 or 3 channels per frame, crop_t x crop_x) or NS
 * (cin = 3 or 6 per frame, crop_t frames of the whole nx x ny grid, 2D ResNet only). */
int lie_ssl_data_model_opts(lie_ssl_data d, const lie_aug_opts *aug, int dims, int width, lie_ssl_model_opts *m) {
  int n, nt, nx, ny;
  LIE_CALL(lie_ssl_data_grid(d, &n, &nt, &nx, &ny));
  int coords = aug->mode == LIE_AUG_COORDS;
  memset(m, 0, sizeof *m);
  m->dims = dims, m->width = width;
  m->crop_t = aug->crop_t ? aug->crop_t : nt / 2;
  if (!d->ns) {
    m->cin = coords ? 3 : 1;
    m->crop_x = aug->crop_x ? aug->crop_x : nx;
    LIE_CHECK(m->crop_t <= nt && m->crop_x <= nx, LIE_ERR_USAGE,
              "crop %d x %d (-aug_crop_t, -aug_crop_x) is larger than the trajectories (%d frames x %d points)",
              m->crop_t, m->crop_x, nt, nx);
    return LIE_OK;
  }
  m->cin = coords ? 2 * LIE_SSL_NS_FIELDS : LIE_SSL_NS_FIELDS;
  m->crop_x = nx, m->crop_y = ny;
  LIE_CHECK(dims == 2, LIE_ERR_USAGE,
            "Navier-Stokes data need the 2D ResNet over (x, y) (-model_dims 2, got %d): frames are channels", dims);
  LIE_CHECK(!aug->crop_x || aug->crop_x == nx, LIE_ERR_USAGE,
            "-aug_crop_x %d: Navier-Stokes views keep the whole %d x %d grid (crop in time only, -aug_crop_t)",
            aug->crop_x, nx, ny);
  LIE_CHECK(m->crop_t >= 1 && m->crop_t <= nt, LIE_ERR_USAGE,
            "crop of %d frames (-aug_crop_t) is larger than the trajectories (%d frames of %d x %d)", m->crop_t, nt, nx,
            ny);
  return LIE_OK;
}

int lie_ssl_data_close(lie_ssl_data *dp) {
  lie_ssl_data d = *dp;
  if (!d) return LIE_OK;
  int e1 = lie_ssl_data1d_close(&d->d1), e2 = lie_ssl_datans_close(&d->dn);
  LIE_FREE(*dp);
  LIE_CALL(e1);
  LIE_CALL(e2);
  return LIE_OK;
}
