/* The two training-data backends behind lie_ssl_data (views.c dispatches on the file's
 * layout): 1D trajectories (views1d.c) and 2D Navier–Stokes (views_ns.c). */
#ifndef LIEREG_VIEWS_IMPL_H
#define LIEREG_VIEWS_IMPL_H

#include "liereg/io.h"
#include "liereg/ssl.h"

/* A trajectory layout's operations (the way the NN backends are tables): views1d.c (one field
 * u, model input (cin, crop_t, crop_x)) and views_ns.c (smoke, vx, vy on an nx x ny grid,
 * model input (F crop_t, nx, ny)). lie_ssl_data_open picks the table once from the file; adding
 * a layout is one more table here. `impl` is the layout's own state. */
typedef struct {
  const char *name;
  int nfields; /* normalised fields (LIE_SSL_MAX_FIELDS at most) */
  int (*open)(lie_ctx ctx, const char *path, const char *mode, const char *field, void **impl);
  int (*grid)(void *impl, int *n, int *nt, int *nx, int *ny); /* ny = 0: no y axis */
  /* per field over the first min(n, 64) trajectories (same on every rank) */
  int (*stats)(void *impl, double *mean, double *std);
  void (*set_norm)(void *impl, const double *mean, const double *std);
  /* the channels layout: cin, crop_x, crop_y of the model input (crop_t, dims set) */
  int (*model_cfg)(void *impl, const lie_aug_opts *aug, lie_ssl_model_opts *m);
  /* LIE_ERR_USAGE (naming path) when the model's input does not fit the trajectories */
  int (*fits)(void *impl, const lie_ssl_model_opts *m, const char *path);
  int (*view)(void *impl, const lie_aug_opts *aug, const lie_ssl_model_opts *m, uint64_t seed, int index, float *x);
  int (*load)(void *impl, int index); /* read trajectory index into the layout's cache (loader threads) */
  int (*plain)(void *impl, const lie_aug_opts *aug, const lie_ssl_model_opts *m, int index, float *x);
  int (*train_grid)(void *impl, lie_train_grid *g);
  void (*set_events)(void *impl, int on);
  int (*close)(void **impl);
} lie_ssl_layout;

extern const lie_ssl_layout lie_ssl_layout_1d, lie_ssl_layout_ns;

/* views1d.c state; window.c: field (crop_t x crop_x, coords channels when cin = 3) -> x (cin,
 * crop_t, crop_x): (u - mean)/std [, X/L, T/T_end]; shared by augmented views and plain windows */
typedef struct lie_ssl_data1d_s *lie_ssl_data1d;
void lie_ssl_field1d_input(const lie_ssl_model_opts *m, double mean, double std, const lie_field1d *f, double L,
                           double T, float *x);

/* views_ns.c: fields smoke, vx, vy (LIE_SSL_NS_FIELDS), model input (F crop_t, nx, ny),
 * F = 3 (grid) or 6 (coords: + X/Lx, Y/Ly, T/T_end), channel f crop_t + n = field f, frame n;
 * stats: smoke mean/std, vx, vy means and one pooled velocity std */
#define LIE_SSL_NS_FIELDS 3
typedef struct lie_ssl_datans_s *lie_ssl_datans;

#endif
