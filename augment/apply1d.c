/* Applying a group element to a 1D trajectory, in coords and grid modes.
 *
 * Every 1D group element here (products of shifts, Galilean boosts, scalings and projective
 * maps) has the structure t~ = tau(t), x~ = a(t) x + b(t), u~ = c(t) u + d(t) x + e(t).
 * Grid mode therefore evaluates the coefficients per stored frame from three point images,
 * and resamples each frame once from the original (periodic) data: a composition costs one
 * interpolation, not one per generator. A view resamples only the frames its crop keeps
 * (lie_aug1d_apply_frames: the crop — consecutive or strided frames — is chosen from the
 * transformed frame count before any frame is resampled). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "augment_impl.h"

typedef int (*point1d_fn)(lie_aug_gen, double, double *, double *, double *);

static int point_fn(const lie_aug_seq *s, point1d_fn *f) {
  switch (s->pde) {
  case LIE_PDE_KS:
    *f = lie_aug_ks_point;
    break;
  case LIE_PDE_KDV:
    *f = lie_aug_kdv_point;
    break;
  case LIE_PDE_BURGERS:
    *f = lie_aug_burgers_point;
    break;
  default:
    LIE_ERROR(LIE_ERR_ARG, "1D augmentation asked for PDE %s", lie_aug_pde_label(s->pde));
  }
  for (int i = 0; i < s->n; i++)
    LIE_CALL(lie_aug_gen_check(s->pde, s->op[i].gen));
  return 0;
}

static int seq_point(point1d_fn f, const lie_aug_seq *s, double *x, double *t, double *u) {
  for (int i = 0; i < s->n; i++)
    LIE_CALL(f(s->op[i].gen, s->op[i].eps, x, t, u));
  return 0;
}

typedef struct {
  double tau, a, b, c, d, e;
} row_coef;

/* Coefficients of the affine structure at time t from three point images. */
static int row_coefficients(point1d_fn f, const lie_aug_seq *s, double t, double xa, double L, row_coef *r) {
  double x1 = xa, t1 = t, u1 = 0, x2 = xa + L, t2 = t, u2 = 0, x3 = xa, t3 = t, u3 = 1;
  LIE_CALL(seq_point(f, s, &x1, &t1, &u1));
  LIE_CALL(seq_point(f, s, &x2, &t2, &u2));
  LIE_CALL(seq_point(f, s, &x3, &t3, &u3));
  LIE_CHECK(fabs(t2 - t1) <= 1e-12 * (1 + fabs(t1)) && fabs(x3 - x1) <= 1e-12 * (1 + fabs(x1)), LIE_ERR_INTERNAL,
            "group element does not have the affine structure grid mode relies on");
  r->tau = t1;
  r->a = (x2 - x1) / L;
  r->b = x1 - r->a * xa;
  r->d = (u2 - u1) / L;
  r->e = u1 - r->d * xa;
  r->c = u3 - u1;
  return 0;
}

/* Coords mode. Gridded input: the map's affine coefficients per frame (same as grid mode)
 * applied to every sample; coordinate-channel input: the point maps sample by sample. */
static int apply_coords(point1d_fn f, const lie_aug_seq *s, const lie_field1d *in, const lie_aug_frames *sel,
                        lie_field1d *out) {
  int first = 0, keep = in->nt, stride = 1, nx = in->nx;
  if (sel) LIE_CALL(sel->choose(sel->ctx, in->nt, &first, &keep, &stride)); /* the chosen frames only */
  LIE_CALL(lie_field1d_alloc(keep, nx, 1, out));
  out->L = in->L;
  out->periodic = 0; /* scattered samples: the coordinates live in X, T */
  memcpy(out->x, in->x, (size_t)nx * sizeof(double));
  int gridded = !in->X && !in->T;
  for (int n = 0; n < keep; n++) {
    int k = first + n * stride; /* input frame of output frame n */
    row_coef r;
    out->t[n] = in->t[k];
    if (gridded) LIE_CALL(row_coefficients(f, s, in->t[k], 0.0, in->L > 0 ? in->L : 1.0, &r));
    for (int j = 0; j < nx; j++) {
      size_t p = (size_t)k * nx + j, q = (size_t)n * nx + j;
      double x = in->X ? in->X[p] : in->x[j], t = in->T ? in->T[p] : in->t[k], u = in->u[p];
      if (gridded) {
        out->X[q] = r.a * x + r.b, out->T[q] = r.tau, out->u[q] = r.c * u + r.d * x + r.e;
        continue;
      }
      LIE_CALL(seq_point(f, s, &x, &t, &u));
      out->X[q] = x, out->T[q] = t, out->u[q] = u;
    }
  }
  return 0;
}

static int check_grid_input(const lie_field1d *in) {
  LIE_CHECK(!in->X && !in->T, LIE_ERR_ARG, "grid mode needs gridded input, got coordinate channels (coords-mode data)");
  LIE_CHECK(in->periodic && in->L > 0.0, LIE_ERR_ARG,
            "grid mode needs periodic input with L > 0 (L = %g, periodic = %d)", in->L, in->periodic);
  LIE_CHECK(in->nx >= 2, LIE_ERR_ARG, "grid mode needs nx >= 2 (nx = %d)", in->nx);
  double h = in->L / in->nx;
  for (int j = 0; j < in->nx; j++)
    LIE_CHECK(fabs(in->x[j] - in->x[0] - j * h) <= 1e-9 * in->L, LIE_ERR_ARG,
              "grid mode needs a uniform x grid with spacing L/nx = %g (x[%d] = %g)", h, j, in->x[j]);
  return 0;
}

static int apply_grid(point1d_fn f, const lie_aug_seq *s, const lie_field1d *in, const lie_aug_frames *sel,
                      lie_field1d *out, lie_aug_info *info) {
  LIE_CALL(check_grid_input(in));
  int nt = in->nt, nx = in->nx, err = LIE_OK, k0 = 0, first = 0, count = 0, stride = 1;
  double L = in->L, x0 = in->x[0], h = L / nx;
  row_coef *rc = NULL;
  double *tout = NULL;
  lie_resample1d *rs = NULL;
  LIE_ALLOC_GOTO(rc, nt);
  LIE_ALLOC_GOTO(tout, nt);
  for (int n = 0; n < nt; n++)
    LIE_CALL_GOTO(row_coefficients(f, s, in->t[n], x0, L, &rc[n]));
  for (int n = 0; n < nt; n++)
    tout[n] = rc[n].tau;
  LIE_CALL_GOTO(lie_aug_time_frames(nt, in->t, tout, sel, &k0, &first, &count, &stride, info));
  /* Output x grid: scaled with a when a is the same for every frame (the data stay
   * periodic on the scaled domain); otherwise the input grid, and the output is not
   * periodic (projective maps). */
  int same_a = 1, periodic = in->periodic;
  for (int n = 0; n < nt; n++) {
    same_a &= fabs(rc[n].a - rc[0].a) <= 1e-12 * fabs(rc[0].a);
    periodic &= fabs(rc[n].d) * L <= 1e-12;
  }
  double A = same_a ? rc[0].a : 1.0;
  periodic &= same_a;
  LIE_CALL_GOTO(lie_field1d_alloc(count, nx, 0, out));
  LIE_CALL_GOTO(lie_resample1d_get(nx, L, &rs));
  for (int m = 0; m < count; m++) {
    const row_coef *r = &rc[k0 + m * stride];
    const double *row = in->u + (size_t)(k0 + m * stride) * nx;
    double *o = out->u + (size_t)m * nx;
    double alpha = A / r->a, beta = (alpha - 1.0) * x0 - r->b / r->a;
    if (alpha == 1.0 && beta == 0.0)
      memcpy(o, row, (size_t)nx * sizeof(double)); /* frames moved whole */
    else if (fabs(alpha - 1.0) <= 1e-13)
      LIE_CALL_GOTO(lie_resample1d_shift(rs, row, -beta, o));
    else
      LIE_CALL_GOTO(lie_resample1d_affine(rs, row, alpha, beta, o));
    for (int j = 0; j < nx; j++)
      o[j] = r->c * o[j] + r->d * (x0 + alpha * j * h + beta) + r->e;
  }
  out->L = A * L;
  out->periodic = periodic;
  for (int j = 0; j < nx; j++)
    out->x[j] = A * in->x[j];
  for (int m = 0; m < count; m++)
    out->t[m] = tout[first + m * stride];
done:
  free(rc), free(tout);
  return err;
}

int lie_aug1d_apply(const lie_aug_seq *s, lie_aug_mode mode, const lie_field1d *in, lie_field1d *out,
                    lie_aug_info *info) {
  LIE_CALL(lie_aug1d_apply_frames(s, mode, in, NULL, out, info));
  return 0;
}

int lie_aug1d_apply_frames(const lie_aug_seq *s, lie_aug_mode mode, const lie_field1d *in, const lie_aug_frames *sel,
                           lie_field1d *out, lie_aug_info *info) {
  LIE_CHECK(s && in && out, LIE_ERR_ARG, "lie_aug1d_apply: NULL argument");
  point1d_fn f = NULL;
  LIE_CALL(point_fn(s, &f));
  lie_aug_info tmp;
  if (!info) info = &tmp;
  memset(info, 0, sizeof *info);
  memset(out, 0, sizeof *out);
  int err = mode == LIE_AUG_COORDS ? apply_coords(f, s, in, sel, out) : apply_grid(f, s, in, sel, out, info);
  if (err) lie_field1d_free(out); /* a partial output */
  LIE_CALL(err);
  return 0;
}
