/* The two training-data backends behind lie_ssl_data (views.c dispatches on the file's
 * layout): 1D trajectories (views1d.c) and 2D Navier–Stokes (views_ns.c). */
#ifndef LIEREG_VIEWS_IMPL_H
#define LIEREG_VIEWS_IMPL_H

#include "liereg/io.h"
#include "liereg/ssl.h"

/* views1d.c: one field u, model input (cin, crop_t, crop_x) or (cin crop_t, 1, crop_x) */
typedef struct lie_ssl_data1d_s *lie_ssl_data1d;
int lie_ssl_data1d_open(lie_ctx ctx, const char *path, const char *mode, const char *field, lie_ssl_data1d *d);
int lie_ssl_data1d_sizes(lie_ssl_data1d d, int *n, int *nt, int *nx);
int lie_ssl_data1d_stats(lie_ssl_data1d d, double *mean, double *std);
void lie_ssl_data1d_set_norm(lie_ssl_data1d d, double mean, double std);
int lie_ssl_data1d_view(lie_ssl_data1d d, const lie_aug_opts *aug, const lie_ssl_model_opts *m, uint64_t seed,
                        int index, float *x);
int lie_ssl_data1d_load(lie_ssl_data1d d, int index);
int lie_ssl_data1d_plain(lie_ssl_data1d d, const lie_aug_opts *aug, const lie_ssl_model_opts *m, int index, float *x);
lie_dataset1d lie_ssl_data1d_dataset(lie_ssl_data1d d);
int lie_ssl_data1d_train_grid(lie_ssl_data1d d, lie_train_grid *g);
/* window.c: field (crop_t x crop_x, coords channels when cin = 3) -> x (cin, crop_t, crop_x):
 * (u - mean)/std [, X/L, T/T_end]; shared by augmented views and plain windows */
void lie_ssl_field1d_input(const lie_ssl_model_opts *m, double mean, double std, const lie_field1d *f, double L,
                           double T, float *x);
void lie_ssl_data1d_set_events(lie_ssl_data1d d, int on);
int lie_ssl_data1d_close(lie_ssl_data1d *d);

/* views_ns.c: fields smoke, vx, vy (LIE_SSL_NS_FIELDS), model input (F crop_t, nx, ny),
 * F = 3 (grid) or 6 (coords: + X/Lx, Y/Ly, T/T_end), channel f crop_t + n = field f, frame n */
#define LIE_SSL_NS_FIELDS 3
typedef struct lie_ssl_datans_s *lie_ssl_datans;
int lie_ssl_datans_open(lie_ctx ctx, const char *path, const char *mode, lie_ssl_datans *d);
int lie_ssl_datans_sizes(lie_ssl_datans d, int *n, int *nt, int *nx, int *ny);
/* mean[3], std[3]: smoke mean/std; vx, vy means and one pooled velocity std */
int lie_ssl_datans_stats(lie_ssl_datans d, double *mean, double *std);
void lie_ssl_datans_set_norm(lie_ssl_datans d, const double *mean, const double *std);
int lie_ssl_datans_view(lie_ssl_datans d, const lie_aug_opts *aug, const lie_ssl_model_opts *m, uint64_t seed,
                        int index, float *x);
int lie_ssl_datans_load(lie_ssl_datans d, int index);
int lie_ssl_datans_plain(lie_ssl_datans d, const lie_aug_opts *aug, const lie_ssl_model_opts *m, int index, float *x);
void lie_ssl_datans_set_events(lie_ssl_datans d, int on);
int lie_ssl_datans_train_grid(lie_ssl_datans d, lie_train_grid *g);
int lie_ssl_datans_close(lie_ssl_datans *d);

#endif
