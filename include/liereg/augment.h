/* Lie point symmetry augmentations (DESIGN §6): every generator of the KS, KdV, Burgers and
 * 2D Navier–Stokes symmetry groups, their exact inverses, Lie–Trotter/Strang composition,
 * epsilon sampling and crops, applied to in-memory trajectories in two modes:
 *
 *   LIE_AUG_GRID    the transformed solution is resampled onto a fixed index grid (Fourier
 *                   phase shifts, spectral interpolation); the physical coordinates of the
 *                   output (x, t, L) are recorded in the output trajectory;
 *   LIE_AUG_COORDS  coordinates are carried as channels (X, T[, Y]) and the map is applied
 *                   pointwise to coordinates and fields (no resampling), as the reference
 *                   SSLForPDEs code does — with the algebra of DESIGN §6.
 *
 * A group element is a sequence of elementary generators g_i(eps_i), applied first to last.
 * See docs/AUGMENT.md for the formulas, the output grids and the error bounds. */
#ifndef LIEREG_AUGMENT_H
#define LIEREG_AUGMENT_H

#include "liereg/core.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { LIE_AUG_GRID = 0, LIE_AUG_COORDS = 1 } lie_aug_mode;
int lie_aug_mode_from_name(const char *name, lie_aug_mode *mode); /* "grid", "coords" */
const char *lie_aug_mode_name(lie_aug_mode mode);

/* Elementary generators; lambda = e^eps for LIE_AUG_SCALE. */
typedef enum {
  LIE_AUG_T_SHIFT = 0, /* (x, t + e, u) */
  LIE_AUG_X_SHIFT,     /* (x + e, t, u) */
  LIE_AUG_GALILEAN,    /* (x + e t, t, u + e)                 1D */
  LIE_AUG_SCALE,       /* KdV (lx, l^3 t, u/l^2); Burgers (lx, l^2 t, u/l); NS see below */
  LIE_AUG_PROJECTIVE,  /* Burgers (x/(1-et), t/(1-et), u(1-et)+ex) */
  LIE_AUG_Y_SHIFT,     /* NS (y + e) */
  LIE_AUG_ROTATE,      /* NS rotation by angle e about the origin, of (x,y) and of v */
  LIE_AUG_BOOST_X,     /* NS (x + e t, vx + e) */
  LIE_AUG_BOOST_Y,     /* NS (y + e t, vy + e) */
  LIE_AUG_QUAD_X,      /* NS (x + e t^2, vx + 2 e t, p - 2 e x) */
  LIE_AUG_QUAD_Y,      /* NS (y + e t^2, vy + 2 e t, p - 2 e y) */
  LIE_AUG_NGEN
} lie_aug_gen;
/* NS scaling: (lx, ly, l^2 t, v/l, s/l^3, p/l^2). */

int lie_aug_gen_from_name(const char *name, lie_aug_gen *g); /* t_shift, x_shift, galilean, ... */
const char *lie_aug_gen_name(lie_aug_gen g);
/* 0 when g is a symmetry of pde; LIE_ERR_ARG with a message naming both otherwise. */
int lie_aug_gen_check(lie_pde pde, lie_aug_gen g);
/* The generators of pde's group in canonical order (t shift first); returns the count. */
int lie_aug_group(lie_pde pde, lie_aug_gen gens[LIE_AUG_NGEN]);

/* ---------------------------------------------------------------- group elements */
#define LIE_AUG_MAXOPS 128
typedef struct {
  lie_aug_gen gen;
  double eps;
} lie_aug_op;

typedef struct {
  lie_pde pde;
  int n;
  lie_aug_op op[LIE_AUG_MAXOPS]; /* applied op[0] first */
} lie_aug_seq;

int lie_aug_seq_init(lie_pde pde, lie_aug_seq *s);
int lie_aug_seq_push(lie_aug_seq *s, lie_aug_gen g, double eps); /* checks g against s->pde */
/* b after a (apply a, then b). */
int lie_aug_seq_compose(const lie_aug_seq *a, const lie_aug_seq *b, lie_aug_seq *out);
/* The exact inverse: reversed order, negated eps (each generator is a one-parameter group). */
int lie_aug_seq_inverse(const lie_aug_seq *s, lie_aug_seq *out);

/* Splitting approximation of exp(sum_i eps_i X_i): order 1 (Lie–Trotter, each step applies
 * gens in order) or 2 (Strang, symmetric), `steps` steps. The result is a product of exact
 * one-parameter maps, hence an exact symmetry; only its distance to exp(sum) depends on
 * order/steps. */
int lie_aug_seq_split(lie_pde pde, int ngen, const lie_aug_gen *gens, const double *eps, int order, int steps,
                      lie_aug_seq *out);

/* Pointwise maps (coords mode, and the building block of grid mode).
 * 1D: (x, t, u) -> in place. */
int lie_aug1d_point(lie_pde pde, lie_aug_gen g, double eps, double *x, double *t, double *u);
/* NS: point (x, y, t), fields v = (vx, vy), smoke s, pressure p (p may be NULL). */
typedef struct {
  double x, y, t, vx, vy, s, p;
} lie_ns_point;
int lie_aug_ns_point(lie_aug_gen g, double eps, lie_ns_point *q);

/* ---------------------------------------------------------------- 1D trajectories */
/* nt x nx samples (row-major, time-major) on x_j (nx) and times t_n (nt).
 * Grid mode: x is uniform, x_j = x_0 + j L/nx; periodic = 1 when u is L-periodic in x.
 * Coords mode: X, T (nt x nx) hold each sample's coordinates; x, t are then informative. */
typedef struct {
  int nt, nx;
  double L;
  int periodic;
  double *u, *x, *t;
  double *X, *T; /* NULL unless coords */
} lie_field1d;

int lie_field1d_alloc(int nt, int nx, int coords, lie_field1d *f); /* f is overwritten */
void lie_field1d_free(lie_field1d *f);
int lie_field1d_copy(const lie_field1d *in, lie_field1d *out);
/* Fills x_j = j L / nx, t_n = t0 + n dt (grid); X, T too when present. */
int lie_field1d_set_grid(lie_field1d *f, double L, double t0, double dt);

/* What the grid mode did (rounded time shift, crop). */
typedef struct {
  double t_shift;    /* total time shift applied after rounding to a multiple of dt */
  double t_rounding; /* rounded - unrounded */
  int crop_t0;       /* first input frame kept */
} lie_aug_info;

/* Apply a group element. `out` is allocated (free with lie_field1d_free).
 * Grid mode needs a periodic input with uniform x (and uniform t when the time map is a pure
 * shift, which is then rounded to a multiple of dt and cropped to the input's time window).
 * info may be NULL. */
int lie_aug1d_apply(const lie_aug_seq *s, lie_aug_mode mode, const lie_field1d *in, lie_field1d *out,
                    lie_aug_info *info);

/* ---------------------------------------------------------------- 2D Navier–Stokes */
/* Fields on nt x nx x ny (axes [t, x, y], row-major), periodic box [0,Lx) x [0,Ly) in grid
 * mode. p may be NULL (no pressure). Coords mode: X, Y, T channels (nt x nx x ny). */
typedef struct {
  int nt, nx, ny;
  double Lx, Ly;
  int periodic;
  double *u, *vx, *vy, *p; /* u = smoke */
  double *x, *y, *t;
  double *X, *Y, *T;
} lie_field_ns;

int lie_field_ns_alloc(int nt, int nx, int ny, int with_p, int coords, lie_field_ns *f);
void lie_field_ns_free(lie_field_ns *f);
int lie_field_ns_set_grid(lie_field_ns *f, double Lx, double Ly, double t0, double dt);
int lie_aug_ns_apply(const lie_aug_seq *s, lie_aug_mode mode, const lie_field_ns *in, lie_field_ns *out,
                     lie_aug_info *info);

/* ---------------------------------------------------------------- crops and views */
/* Window [t0, t0+nt) x [x0, x0+nx) (nx = in->nx keeps all of x; periodic data may wrap). */
int lie_field1d_crop(const lie_field1d *in, int t0, int nt, int x0, int nx, lie_field1d *out);
/* The same with frames t0, t0 + dt, ..., t0 + (nt - 1) dt (dt >= 1). */
int lie_field1d_crop_strided(const lie_field1d *in, int t0, int nt, int dt, int x0, int nx, lie_field1d *out);
int lie_field_ns_crop(const lie_field_ns *in, int t0, int nt, lie_field_ns *out);

/* View sampler: generators with strengths s_i, eps_1 ~ U[0, s_1], eps_i ~ U[-s_i, s_i],
 * composed by splitting, then a random time crop (and optional x crop). The time crop takes
 * crop_t frames crop_dt apart, t0, t0 + crop_dt, ..., t0 + (crop_t - 1) crop_dt, of the
 * transformed trajectory (a time shift or scaling acts on the whole trajectory first, then the
 * frames are picked; docs/AUGMENT.md "Crops"), t0 uniform over the positions that fit. */
typedef struct {
  lie_pde pde;
  lie_aug_mode mode;
  int ngen;
  lie_aug_gen gens[LIE_AUG_NGEN];
  double strength[LIE_AUG_NGEN];
  int order, steps; /* splitting, default 2, 2 */
  int crop_t;       /* frames per view (0 = no crop) */
  int crop_x;       /* points per view (0 = no crop; 1D only) */
  int crop_dt;      /* frame stride of the time crop (0 or 1 = consecutive frames) */
  int crop_first;   /* 1: crops start at the first frame / point left by the transform (no random
                       offset; not an -aug_ option: the trained head's and supervised baseline's
                       -probe_train_crop / -sup_train_crop first) */
} lie_aug_opts;

/* Stored frames a time crop of crop_t frames with stride crop_dt spans: (crop_t - 1) crop_dt + 1
 * (crop_dt 0 counts as 1; crop_t 0 spans 0; saturates at INT_MAX). */
int lie_aug_crop_span(int crop_t, int crop_dt);

/* Defaults: the PDE's full group, the paper's strengths, grid mode, Strang with 2 steps. */
int lie_aug_opts_default(lie_pde pde, lie_aug_opts *cfg);
/* Reads -aug_mode, -aug_strengths (comma list, one per generator), -aug_gens (names),
 * -aug_order, -aug_steps, -aug_crop_t, -aug_crop_x, -aug_crop_dt from the PETSc options database. */
int lie_aug_opts_set_from_options(lie_ctx ctx, lie_aug_opts *cfg);
/* Draw the epsilons of one view from its own rng (deterministic given the seed). */
int lie_aug_sample_seq(const lie_aug_opts *cfg, lie_rng *rng, lie_aug_seq *s);
int lie_aug_view1d(const lie_aug_opts *cfg, uint64_t seed, const lie_field1d *in, lie_field1d *out);
int lie_aug_view_ns(const lie_aug_opts *cfg, uint64_t seed, const lie_field_ns *in, lie_field_ns *out);
/* Frees this thread's cached FFTW plans and buffers (views keep them between calls); call it
 * before a thread that built views exits. */
void lie_aug_thread_cleanup(void);

/* ---------------------------------------------------------------- augmenting a file (file.c) */
/* One generator with a fixed eps applied to every trajectory of a dataset file (1D LPSDA
 * layout or NS PDEArena layout, docs/AUGMENT.md), written as a file of the same layout plus
 * aug_t_shift (and coord_* channels in coords mode); group, eps, mode and source are root
 * attributes. A grid-mode time shift crops every trajectory by the largest rounded shift in
 * the file. Collective; out is written as out.tmp and renamed when complete (io's output
 * helper), never over the input, and over an existing file only with force. */
typedef struct {
  char in[4096], out[4096];
  char split[16]; /* "" = the first of train, valid, test */
  char pde[16];   /* "" = the file's root attribute `pde` (LPSDA files have none) */
  lie_aug_gen gen;
  double eps;
  lie_aug_mode mode;
  int force;
} lie_aug_file_opts;
typedef struct {
  int n, nt, nx, ny; /* trajectories and output grid (ny = 0 for 1D) */
} lie_aug_file_result;
void lie_aug_file_opts_default(lie_aug_file_opts *o);
int lie_aug_file(lie_ctx ctx, const lie_aug_file_opts *o, lie_aug_file_result *r);

#ifdef __cplusplus
}
#endif
#endif
