/* Views: sampled epsilons composed by splitting, then random crops. A view is a pure function
 * of (configuration, seed, input): its own Philox stream draws the epsilons first and the
 * crop offsets second, so views do not depend on rank count or call order. */
#include "liereg/options.h"
#include <limits.h>
#include <math.h>
#include <petscsys.h>
#include <string.h>

#include "augment_impl.h"

/* Default strengths (liereg's choice, see docs/AUGMENT.md), in the PDE's own units. */
static double default_strength(lie_pde pde, lie_aug_gen g) {
  switch (g) {
  case LIE_AUG_T_SHIFT: /* about 10 stored frames (3 for NS) at the default grids */
    return pde == LIE_PDE_BURGERS ? 1.0 : pde == LIE_PDE_NS ? 4.5 : pde == LIE_PDE_KDV ? 4.0 : 2.0;
  case LIE_AUG_X_SHIFT:
    return pde == LIE_PDE_BURGERS ? 3.14 : pde == LIE_PDE_NS ? 8.0 : pde == LIE_PDE_KDV ? 64.0 : 32.0;
  case LIE_AUG_Y_SHIFT:
    return 8.0;
  case LIE_AUG_GALILEAN:
    return pde == LIE_PDE_BURGERS ? 0.2 : 0.4;
  case LIE_AUG_SCALE:
    return 0.1;
  case LIE_AUG_PROJECTIVE:
    return 0.01;
  case LIE_AUG_ROTATE:
    return 0.1;
  case LIE_AUG_BOOST_X:
  case LIE_AUG_BOOST_Y:
    return 0.1;
  case LIE_AUG_QUAD_X:
  case LIE_AUG_QUAD_Y:
    return 0.001;
  default:
    return 0.0;
  }
}

int lie_aug_opts_default(lie_pde pde, lie_aug_opts *cfg) {
  memset(cfg, 0, sizeof *cfg);
  cfg->pde = pde;
  cfg->mode = LIE_AUG_GRID;
  cfg->ngen = lie_aug_group(pde, cfg->gens);
  LIE_CHECK(cfg->ngen > 0, LIE_ERR_ARG, "no symmetry group for PDE id %d", (int)pde);
  for (int i = 0; i < cfg->ngen; i++)
    cfg->strength[i] = default_strength(pde, cfg->gens[i]);
  cfg->order = 2;
  cfg->steps = 2;
  cfg->crop_dt = 1;
  return 0;
}

int lie_aug_crop_span(int crop_t, int crop_dt) {
  if (crop_t <= 0) return 0;
  long long span = (long long)(crop_t - 1) * (crop_dt > 1 ? crop_dt : 1) + 1;
  return span < INT_MAX ? (int)span : INT_MAX; /* saturated: never fits, never wraps to a small value */
}

static int read_gens(lie_aug_opts *cfg, char **names, int n) {
  cfg->ngen = n;
  for (int i = 0; i < n; i++) {
    LIE_CALL(lie_aug_gen_from_name(names[i], &cfg->gens[i]));
    LIE_CALL(lie_aug_gen_check(cfg->pde, cfg->gens[i]));
    cfg->strength[i] = default_strength(cfg->pde, cfg->gens[i]);
  }
  return 0;
}

int lie_aug_opts_set_from_options(lie_ctx ctx, lie_aug_opts *cfg) {
  char mode[32] = "", *names[LIE_AUG_NGEN] = {0};
  PetscInt nnames = LIE_AUG_NGEN, nstr = LIE_AUG_NGEN, order = cfg->order, steps = cfg->steps;
  PetscInt crop_t = cfg->crop_t, crop_x = cfg->crop_x, crop_dt = cfg->crop_dt > 1 ? cfg->crop_dt : 1;
  PetscReal str[LIE_AUG_NGEN];
  PetscBool has_mode = PETSC_FALSE, has_names = PETSC_FALSE, has_str = PETSC_FALSE;
  int err = LIE_OK;
  snprintf(mode, sizeof mode, "%s", lie_aug_mode_name(cfg->mode));
  for (int i = 0; i < LIE_AUG_NGEN; i++)
    str[i] = i < cfg->ngen ? cfg->strength[i] : 0.0;
  nstr = cfg->ngen; /* PETSc shows this many values as the default */
  PetscOptionsBegin(lie_ctx_comm(ctx), NULL, "Lie point symmetry augmentations", NULL);
  LIE_PETSC(PetscOptionsString("-aug_mode", "grid (resample onto the grid) or coords (coordinate channels)", NULL, mode,
                               mode, sizeof mode, &has_mode));
  LIE_PETSC(PetscOptionsStringArray("-aug_gens", "generators to compose (t_shift,x_shift,galilean,...)", NULL, names,
                                    &nnames, &has_names));
  nstr = LIE_AUG_NGEN;
  /* strengths bound |eps|: 1e3 is far beyond any useful transform (scaling by e^1000 overflows) */
  LIE_PETSC(lie_options_real_array(PetscOptionsObject, NULL, "-aug_strengths",
                                   "strength s_i per generator: eps_1~U[0,s_1], eps_i~U[-s_i,s_i]", str, &nstr,
                                   &has_str, 0.0, 1e3));
  LIE_PETSC(
      LIE_OPTIONS_RANGE_INT("-aug_order", "splitting order: 1 Lie-Trotter, 2 Strang", NULL, order, &order, NULL, 1, 2));
  LIE_PETSC(LIE_OPTIONS_RANGE_INT("-aug_steps", "splitting steps", NULL, steps, &steps, NULL, 1, 1000));
  LIE_PETSC(
      LIE_OPTIONS_RANGE_INT("-aug_crop_t", "frames per view (0 = all)", NULL, crop_t, &crop_t, NULL, 0, LIE_MAX_GRID));
  LIE_PETSC(LIE_OPTIONS_RANGE_INT("-aug_crop_x", "points per view in x (0 = all, 1D only)", NULL, crop_x, &crop_x, NULL,
                                  0, LIE_MAX_GRID));
  LIE_PETSC(LIE_OPTIONS_RANGE_INT("-aug_crop_dt", "frame stride of the time crop (1 = consecutive frames)", NULL,
                                  crop_dt, &crop_dt, NULL, 1, LIE_MAX_GRID));
  PetscOptionsEnd();
  if (has_mode) LIE_CALL_GOTO(lie_aug_mode_from_name(mode, &cfg->mode));
  if (has_names) LIE_CALL_GOTO(read_gens(cfg, names, (int)nnames));
  if (has_str) {
    LIE_CHECK_GOTO(nstr == cfg->ngen, LIE_ERR_USAGE, "-aug_strengths has %d values for %d generators", (int)nstr,
                   cfg->ngen);
    for (int i = 0; i < cfg->ngen; i++)
      cfg->strength[i] = str[i];
  }
  LIE_CHECK_GOTO(order == 1 || order == 2, LIE_ERR_USAGE, "-aug_order must be 1 or 2, got %d", (int)order);
  LIE_CHECK_GOTO(steps >= 1, LIE_ERR_USAGE, "-aug_steps must be >= 1, got %d", (int)steps);
  LIE_CHECK_GOTO(crop_t >= 0 && crop_x >= 0, LIE_ERR_USAGE, "-aug_crop_t/-aug_crop_x must be >= 0");
  LIE_CHECK_GOTO(crop_dt >= 1, LIE_ERR_USAGE, "-aug_crop_dt must be >= 1, got %d", (int)crop_dt);
  cfg->order = (int)order, cfg->steps = (int)steps, cfg->crop_t = (int)crop_t, cfg->crop_x = (int)crop_x;
  cfg->crop_dt = (int)crop_dt;
done:
  for (int i = 0; i < LIE_AUG_NGEN; i++)
    PetscFree(names[i]);
  return err;
}

int lie_aug_sample_seq(const lie_aug_opts *cfg, lie_rng *rng, lie_aug_seq *s) {
  double eps[LIE_AUG_NGEN];
  for (int i = 0; i < cfg->ngen; i++) {
    double si = cfg->strength[i];
    eps[i] = i == 0 ? lie_rng_range(rng, 0.0, si) : lie_rng_range(rng, -si, si);
  }
  LIE_CALL(lie_aug_seq_split(cfg->pde, cfg->ngen, cfg->gens, eps, cfg->order, cfg->steps, s));
  return 0;
}

/* want: the points (frames) the crop spans; first: offset 0 instead of a draw. */
static int crop_offset(lie_rng *rng, int want, int have, int first, const char *what, int *off) {
  *off = 0;
  if (want == 0) return 0;
  LIE_CHECK(want <= have, LIE_ERR_ARG, "%s crop spanning %d is larger than the %d available after the transform", what,
            want, have);
  if (!first) *off = lie_rng_int(rng, 0, have - want + 1);
  return 0;
}

/* Frames a view needs before the transform: the crop plus what the largest time shift can
 * consume, so that only those frames are resampled (the window start is drawn first). */
static int prewindow(const lie_aug_opts *cfg, const double *t, int nt, lie_rng *rng, int *w0, int *wn) {
  *w0 = 0, *wn = nt;
  if (cfg->crop_t <= 0 || nt < 2) return 0;
  double dt = (t[nt - 1] - t[0]) / (nt - 1), smax = 0;
  for (int i = 0; i < cfg->ngen; i++)
    if (cfg->gens[i] == LIE_AUG_T_SHIFT) smax = fmax(smax, fabs(cfg->strength[i]));
  double need = lie_aug_crop_span(cfg->crop_t, cfg->crop_dt) + ceil(smax / fabs(dt)) + 1; /* dt 0/NaN: not < nt */
  if (!(need < nt)) return 0;
  *wn = (int)need;
  if (!cfg->crop_first) *w0 = lie_rng_int(rng, 0, nt - need + 1);
  return 0;
}

/* The draws every view starts with, in the contract's order: the view's stream seeded, the
 * epsilons, then the pre-window [*w0, *w0 + *wn) of the nt frames t. */
static int view_begin(const lie_aug_opts *cfg, uint64_t seed, const double *t, int nt, lie_rng *rng, lie_aug_seq *s,
                      int *w0, int *wn) {
  lie_rng_seed(rng, seed);
  LIE_CALL(lie_aug_sample_seq(cfg, rng, s));
  LIE_CALL(prewindow(cfg, t, nt, rng, w0, wn));
  return 0;
}

/* Frames [w0, w0+wn) of `in` without copying (the window borrows in's memory). */
static lie_field1d window1d(const lie_field1d *in, int w0, int wn) {
  lie_field1d w = *in;
  size_t off = (size_t)w0 * in->nx;
  w.nt = wn, w.u = in->u + off, w.t = in->t + w0;
  if (in->X) w.X = in->X + off, w.T = in->T + off;
  return w;
}

static lie_field_ns window_ns(const lie_field_ns *in, int w0, int wn) {
  lie_field_ns w = *in;
  size_t off = (size_t)w0 * in->nx * in->ny;
  w.nt = wn, w.u = in->u + off, w.vx = in->vx + off, w.vy = in->vy + off, w.t = in->t + w0;
  if (in->p) w.p = in->p + off;
  if (in->X) w.X = in->X + off, w.Y = in->Y + off, w.T = in->T + off;
  return w;
}

/* The time crop, drawn from the view's stream once the transformed frame count is known:
 * crop_t frames crop_dt apart (no crop: every frame). */
typedef struct {
  lie_rng *rng;
  const lie_aug_opts *cfg;
} time_crop;

static int choose_frames(void *ctx, int count, int *first, int *keep, int *stride) {
  time_crop *c = ctx;
  const lie_aug_opts *cfg = c->cfg;
  LIE_CALL(crop_offset(c->rng, lie_aug_crop_span(cfg->crop_t, cfg->crop_dt), count, cfg->crop_first, "time", first));
  *keep = cfg->crop_t ? cfg->crop_t : count;
  *stride = cfg->crop_t && cfg->crop_dt > 1 ? cfg->crop_dt : 1;
  return 0;
}

/* Draws: epsilons, pre-window, time crop, space crop (in that order, as the view's contract).
 * Only the frames of the time crop are transformed (lie_aug1d_apply_frames). */
int lie_aug_view1d(const lie_aug_opts *cfg, uint64_t seed, const lie_field1d *in, lie_field1d *out) {
  lie_rng rng;
  lie_aug_seq s;
  lie_field1d tmp, win;
  int x0, w0, wn, err = LIE_OK;
  LIE_CALL(view_begin(cfg, seed, in->t, in->nt, &rng, &s, &w0, &wn));
  win = window1d(in, w0, wn);
  time_crop tc = {&rng, cfg};
  lie_aug_frames sel = {choose_frames, &tc};
  LIE_CALL(lie_aug1d_apply_frames(&s, cfg->mode, &win, &sel, &tmp, NULL));
  LIE_CALL_GOTO(crop_offset(&rng, cfg->crop_x, tmp.nx, cfg->crop_first, "space", &x0));
  if (x0 == 0 && (!cfg->crop_x || cfg->crop_x == tmp.nx)) {
    *out = tmp; /* nothing left to cut: ownership moves to the caller */
    return 0;
  }
  LIE_CALL_GOTO(lie_field1d_crop(&tmp, 0, tmp.nt, x0, cfg->crop_x ? cfg->crop_x : tmp.nx, out));
done:
  lie_field1d_free(&tmp);
  return err;
}

int lie_aug_view_ns(const lie_aug_opts *cfg, uint64_t seed, const lie_field_ns *in, lie_field_ns *out) {
  lie_rng rng;
  lie_aug_seq s;
  lie_field_ns win;
  int w0, wn;
  LIE_CALL(view_begin(cfg, seed, in->t, in->nt, &rng, &s, &w0, &wn));
  win = window_ns(in, w0, wn);
  time_crop tc = {&rng, cfg};
  lie_aug_frames sel = {choose_frames, &tc};
  LIE_CALL(lie_aug_ns_apply_frames(&s, cfg->mode, &win, &sel, out, NULL)); /* the crop's frames only */
  return 0;
}
