/* Internal helpers shared by the augment/ files (not installed). */
#ifndef LIEREG_AUGMENT_IMPL_H
#define LIEREG_AUGMENT_IMPL_H
#include <complex.h>
#include <fftw3.h>

#include "liereg/augment.h"

/* Per-PDE point maps (one file per symmetry group). */
int lie_aug_ks_point(lie_aug_gen g, double eps, double *x, double *t, double *u);
int lie_aug_kdv_point(lie_aug_gen g, double eps, double *x, double *t, double *u);
int lie_aug_burgers_point(lie_aug_gen g, double eps, double *x, double *t, double *u);
int lie_aug_pde_has(lie_pde pde, lie_aug_gen g);
const char *lie_aug_pde_label(lie_pde pde);

/* A view's time crop, chosen once the transform's frame count is known and before any frame is
 * computed: choose(ctx, count, &first, &keep, &stride) picks the keep frames first, first +
 * stride, ..., first + (keep - 1) stride of count (stride 1: consecutive). */
typedef struct {
  int (*choose)(void *ctx, int count, int *first, int *keep, int *stride);
  void *ctx;
} lie_aug_frames;
/* lie_aug1d_apply restricted to the chosen frames (sel NULL: all), without computing the rest. */
int lie_aug1d_apply_frames(const lie_aug_seq *s, lie_aug_mode mode, const lie_field1d *in, const lie_aug_frames *sel,
                           lie_field1d *out, lie_aug_info *info);

int lie_aug_ns_apply_frames(const lie_aug_seq *s, lie_aug_mode mode, const lie_field_ns *in, const lie_aug_frames *sel,
                            lie_field_ns *out, lie_aug_info *info);

/* Grid mode's time map (time_map.c): tau (nt) holds the transformed times tau(t_n) of the
 * input times t (nt). A pure shift is rounded to whole frames (info: shift, rounding, crop) and
 * the output keeps *count frames from input frame *k0, their times written to tau[0..count);
 * otherwise every frame is kept (*k0 = 0, *count = nt) and tau is the output's times. */
int lie_aug_time_map(int nt, const double *t, double *tau, int *k0, int *count, lie_aug_info *info);
/* The frames grid mode computes: the time map's output frames narrowed to sel's choice (all of
 * them when sel is NULL): output frame m < *count is input frame *k0 + m *stride at time
 * tau[*first + m *stride]. */
int lie_aug_time_frames(int nt, const double *t, double *tau, const lie_aug_frames *sel, int *k0, int *first,
                        int *count, int *stride, lie_aug_info *info);

/* 1D periodic resampling of one row of n samples on a period L (resample.c). Plans are made
 * once per row length and reused for every row of a trajectory. */
typedef struct {
  int n;
  double L;
  double *buf;        /* n reals */
  fftw_complex *hat;  /* n/2+1 */
  fftw_complex *work; /* n/2+1 */
  fftw_plan fwd, bwd;
  double *scratch; /* lie_resample1d_scratch_size(n): tables of the affine evaluation */
} lie_resample1d;

/* The FFTW planner is not thread-safe: every plan creation/destruction in augment/ holds this. */
void lie_fftw_planner_lock(void);
void lie_fftw_planner_unlock(void);

int lie_resample1d_init(lie_resample1d *r, int n, double L);
void lie_resample1d_free(lie_resample1d *r);
/* This thread's resampler for rows of n points on period L (plans kept between calls; freed
 * by lie_aug_thread_cleanup). */
int lie_resample1d_get(int n, double L, lie_resample1d **r);
/* out_j = f(x_j - s): exact Fourier phase shift of the trigonometric interpolant. */
int lie_resample1d_shift(lie_resample1d *r, const double *in, double s, double *out);
/* out_j = f(xi_j) at the affine points xi_j = alpha * j * L/n + beta (coordinates relative to
 * the row's first sample): the trigonometric interpolant summed directly, as a small matrix
 * product, over the modes that carry more than LIE_RESAMPLE1D_TAIL of the coefficients' sum
 * (resample_affine.c). */
#define LIE_RESAMPLE1D_TAIL 1e-14
int lie_resample1d_affine(lie_resample1d *r, const double *in, double alpha, double beta, double *out);
size_t lie_resample1d_scratch_size(int n);
/* The blocked matrix-product path (default on machines with AVX-512) or the per-point
 * recurrences (default elsewhere); for tests, which check both. */
void lie_resample1d_use_blocked(int on);

/* 2D periodic (nx x ny, row-major, y fastest) resampling: shift, and evaluation at the
 * affine image of the grid (Fourier zero-padding x2 then tensor Lagrange, resample2d.c). */
typedef struct {
  int nx, ny;
  double Lx, Ly;
  double *buf;
  fftw_complex *hat, *work;
  fftw_plan fwd, bwd;
  /* upsampled copy for general affine maps: (ux + 8) rows of pw = uy + 16 with periodic ghosts */
  int ux, uy, pw;
  size_t gsize; /* doubles per padded grid; up holds LIE_RS2D_FIELDS of them */
  double *up;
  fftw_complex *uphat;
  fftw_plan upcol, upbwd;    /* padded inverse: x transforms of the filled columns, then y rows */
  double complex *phx, *phy; /* translation phases per fine-grid row / column */
  long *node;                /* per output point: offset of its 8 x 8 stencil in up (prepared) */
  double *w;                 /* per output point: 8 x-weights then 8 y-weights (prepared) */
} lie_resample2d;

int lie_resample2d_init(lie_resample2d *r, int nx, int ny, double Lx, double Ly, int need_affine);
void lie_resample2d_free(lie_resample2d *r);
/* This thread's resampler for nx x ny frames (plans, buffers and stencils kept between calls;
 * freed by lie_aug_thread_cleanup). */
int lie_resample2d_get(int nx, int ny, double Lx, double Ly, int need_affine, lie_resample2d **r);
void lie_resample2d_thread_cleanup(void);
int lie_resample2d_shift(lie_resample2d *r, const double *in, double sx, double sy, double *out);
/* out_f(i,j) = in_f(M (x_i, y_j) + b), coordinates relative to the grid origin: prepare the
 * stencils of the linear part M once (they do not depend on b), then apply to the nf <=
 * LIE_RS2D_FIELDS fields of every frame with its translation b (an exact phase shift of the
 * padded spectrum; the fields share the stencils' weights). */
int lie_resample2d_linear_prepare(lie_resample2d *r, const double M[4]);
int lie_resample2d_affine_apply(lie_resample2d *r, int nf, const double *const *in, const double b[2],
                                double *const *out);
#define LIE_RS2D_FIELDS 4 /* smoke, vx, vy, p */

#define LIE_AUG_LAGRANGE 8 /* points per axis of the local interpolation after x2 upsampling */
#endif
