/* Training data (lie_ssl_data): one handle over a trajectory layout's operations table
 * (views_impl.h: 1D files, views1d.c; 2D Navier–Stokes files, views_ns.c). The table is chosen
 * once, from the file (root attribute `pde`, else the datasets: lie_dataset_is_ns), so pretrain,
 * embed, supervised and the probes read either without knowing which. This file only
 * dispatches. */
#include "pretrain_impl.h"
#include "views_impl.h"

#include <string.h>

struct lie_ssl_data_s {
  const lie_ssl_layout *ops;
  void *impl;
};

int lie_ssl_data_open(lie_ctx ctx, const char *path, const char *mode, const char *field, lie_ssl_data *out) {
  lie_ssl_data d;
  int ns = 0;
  LIE_ALLOC(d, 1);
  *out = d;
  d->ops = &lie_ssl_layout_1d; /* until the file says otherwise; closes nothing */
  LIE_CALL(lie_dataset_is_ns(ctx, path, mode, &ns));
  d->ops = ns ? &lie_ssl_layout_ns : &lie_ssl_layout_1d;
  LIE_CALL(d->ops->open(ctx, path, mode, field, &d->impl));
  return LIE_OK;
}

int lie_ssl_data_is_ns(lie_ssl_data d) { return d->ops == &lie_ssl_layout_ns; }
const char *lie_ssl_data_layout(lie_ssl_data d) { return d->ops->name; }
int lie_ssl_data_nfields(lie_ssl_data d) { return d->ops->nfields; }

int lie_ssl_data_sizes(lie_ssl_data d, int *n, int *nt, int *nx) {
  LIE_CALL(d->ops->grid(d->impl, n, nt, nx, NULL));
  return LIE_OK;
}

int lie_ssl_data_grid(lie_ssl_data d, int *n, int *nt, int *nx, int *ny) {
  LIE_CALL(d->ops->grid(d->impl, n, nt, nx, ny));
  return LIE_OK;
}

int lie_ssl_data_stats(lie_ssl_data d, double *mean, double *std) {
  LIE_CHECK(d->ops->nfields == 1, LIE_ERR_ARG, "%s data are normalised per field: use lie_ssl_data_stats_fields",
            d->ops->name);
  LIE_CALL(d->ops->stats(d->impl, mean, std));
  return LIE_OK;
}

int lie_ssl_data_stats_fields(lie_ssl_data d, double *mean, double *std) {
  LIE_CALL(d->ops->stats(d->impl, mean, std));
  return LIE_OK;
}

void lie_ssl_data_set_norm(lie_ssl_data d, double mean, double std) {
  double m[LIE_SSL_MAX_FIELDS], s[LIE_SSL_MAX_FIELDS];
  for (int c = 0; c < LIE_SSL_MAX_FIELDS; c++)
    m[c] = mean, s[c] = std;
  lie_ssl_data_set_norm_fields(d, m, s);
}

void lie_ssl_data_set_norm_fields(lie_ssl_data d, const double *mean, const double *std) {
  d->ops->set_norm(d->impl, mean, std);
}

int lie_ssl_data_view(lie_ssl_data d, const lie_aug_opts *aug, const lie_ssl_model_opts *m, uint64_t seed, int index,
                      float *x) {
  LIE_CALL(d->ops->view(d->impl, aug, m, seed, index, x));
  return LIE_OK;
}

int lie_ssl_data_load(lie_ssl_data d, int index) {
  LIE_CALL(d->ops->load(d->impl, index));
  return LIE_OK;
}

int lie_ssl_data_plain(lie_ssl_data d, const lie_aug_opts *aug, const lie_ssl_model_opts *m, int index, float *x) {
  LIE_CALL(d->ops->plain(d->impl, aug, m, index, x));
  return LIE_OK;
}

int lie_ssl_data_train_grid(lie_ssl_data d, lie_train_grid *g) {
  LIE_CALL(d->ops->train_grid(d->impl, g));
  return LIE_OK;
}

void lie_ssl_data_set_events(lie_ssl_data d, int on) { d->ops->set_events(d->impl, on); }

/* The model input for this data: crop_t (default half the frames) here, the channels layout
 * and the space crop by the layout. */
int lie_ssl_data_model_opts(lie_ssl_data d, const lie_aug_opts *aug, int dims, int width, lie_ssl_model_opts *m) {
  int nt;
  LIE_CALL(d->ops->grid(d->impl, NULL, &nt, NULL, NULL));
  memset(m, 0, sizeof *m);
  m->dims = dims, m->width = width;
  m->crop_t = aug->crop_t ? aug->crop_t : nt / 2;
  m->crop_dt = aug->crop_dt > 1 ? aug->crop_dt : 1;
  LIE_CALL(d->ops->model_cfg(d->impl, aug, m));
  return LIE_OK;
}

int lie_ssl_data_fits(lie_ssl_data d, const lie_ssl_model_opts *m, const char *path) {
  LIE_CALL(d->ops->fits(d->impl, m, path));
  return LIE_OK;
}

/* Views of a model: crop_t frames crop_dt apart, and crop_x points only where x is cropped (a
 * model over an x-y grid, crop_y > 0, takes the whole grid). */
void lie_ssl_model_view_crop(const lie_ssl_model_opts *m, lie_aug_opts *aug) {
  aug->crop_t = m->crop_t, aug->crop_x = m->crop_y ? 0 : m->crop_x;
  aug->crop_dt = m->crop_dt > 1 ? m->crop_dt : 1;
}

int lie_ssl_model_span(const lie_ssl_model_opts *m) { return lie_aug_crop_span(m->crop_t, m->crop_dt); }

int lie_ssl_data_close(lie_ssl_data *dp) {
  lie_ssl_data d = *dp;
  if (!d) return LIE_OK;
  int err = d->impl ? d->ops->close(&d->impl) : LIE_OK;
  LIE_FREE(*dp);
  LIE_CALL(err);
  return LIE_OK;
}
