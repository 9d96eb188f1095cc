/* Applying a group element to a Navier–Stokes trajectory (fields u = smoke, vx, vy, p).
 *
 * Every NS group element here has the structure t~ = tau(t), (x~, y~) = A (x, y) + b(t)
 * with A = lambda R constant, v~ = M v + w(t) with M = R / lambda, s~ = sigma s and
 * p~ = pi p + q(t).(x, y) + r(t). Grid mode reads the coefficients per frame from point
 * images and resamples each field of each frame once: a Fourier phase shift when A is a
 * multiple of the identity, the x2-padded spectral + Lagrange interpolation when it rotates
 * (stencils of the rotation prepared once per element, the frame's translation an exact phase).
 * A view computes only the frames of its time crop (lie_aug_ns_apply_frames). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "augment_impl.h"

static int check_seq(const lie_aug_seq *s) {
  LIE_CHECK(s->pde == LIE_PDE_NS, LIE_ERR_ARG, "NS augmentation asked for PDE %s", lie_aug_pde_label(s->pde));
  for (int i = 0; i < s->n; i++)
    LIE_CALL(lie_aug_gen_check(s->pde, s->op[i].gen));
  return 0;
}

static int seq_point(const lie_aug_seq *s, lie_ns_point *q) {
  for (int i = 0; i < s->n; i++)
    LIE_CALL(lie_aug_ns_point(s->op[i].gen, s->op[i].eps, q));
  return 0;
}

typedef struct {
  double tau, A[4], b[2], M[4], w[2], sigma, pi, q[2], r;
} frame_coef;

static int frame_coefficients(const lie_aug_seq *s, double t, double Lx, double Ly, frame_coef *c) {
  lie_ns_point z = {0, 0, t, 0, 0, 0, 0}, P[7];
  for (int k = 0; k < 7; k++)
    P[k] = z;
  P[1].x = Lx, P[2].y = Ly, P[3].vx = 1, P[4].vy = 1, P[5].s = 1, P[6].p = 1;
  for (int k = 0; k < 7; k++)
    LIE_CALL(seq_point(s, &P[k]));
  for (int k = 1; k < 7; k++)
    LIE_CHECK(fabs(P[k].t - P[0].t) <= 1e-12 * (1 + fabs(P[0].t)), LIE_ERR_INTERNAL,
              "NS group element does not have the structure grid mode relies on");
  c->tau = P[0].t;
  c->b[0] = P[0].x, c->b[1] = P[0].y;
  c->A[0] = (P[1].x - P[0].x) / Lx, c->A[2] = (P[1].y - P[0].y) / Lx;
  c->A[1] = (P[2].x - P[0].x) / Ly, c->A[3] = (P[2].y - P[0].y) / Ly;
  c->w[0] = P[0].vx, c->w[1] = P[0].vy;
  c->M[0] = P[3].vx - P[0].vx, c->M[2] = P[3].vy - P[0].vy;
  c->M[1] = P[4].vx - P[0].vx, c->M[3] = P[4].vy - P[0].vy;
  c->sigma = P[5].s - P[0].s;
  c->r = P[0].p;
  c->q[0] = (P[1].p - P[0].p) / Lx, c->q[1] = (P[2].p - P[0].p) / Ly;
  c->pi = P[6].p - P[0].p;
  return 0;
}

/* Coords mode. Gridded input: per-frame affine coefficients applied to every sample;
 * coordinate-channel input: the point maps sample by sample. */
static void coords_affine(const frame_coef *c, const lie_field_ns *in, lie_field_ns *out, size_t k, double x,
                          double y) {
  double vx = in->vx[k], vy = in->vy[k];
  out->X[k] = c->A[0] * x + c->A[1] * y + c->b[0], out->Y[k] = c->A[2] * x + c->A[3] * y + c->b[1];
  out->T[k] = c->tau;
  out->vx[k] = c->M[0] * vx + c->M[1] * vy + c->w[0], out->vy[k] = c->M[2] * vx + c->M[3] * vy + c->w[1];
  out->u[k] = c->sigma * in->u[k];
  if (out->p) out->p[k] = c->pi * in->p[k] + c->q[0] * x + c->q[1] * y + c->r;
}

static int apply_coords(const lie_aug_seq *s, const lie_field_ns *in, const lie_aug_frames *sel, lie_field_ns *out) {
  int first = 0, keep = in->nt, stride = 1, nx = in->nx, ny = in->ny, gridded = !in->X && !in->Y && !in->T;
  if (sel) LIE_CALL(sel->choose(sel->ctx, in->nt, &first, &keep, &stride)); /* the chosen frames only */
  LIE_CALL(lie_field_ns_alloc(keep, nx, ny, in->p != NULL, 1, out));
  out->Lx = in->Lx, out->Ly = in->Ly, out->periodic = 0;
  memcpy(out->x, in->x, sizeof(double) * nx);
  memcpy(out->y, in->y, sizeof(double) * ny);
  const size_t fr = (size_t)nx * ny;
  for (int n = 0; n < keep; n++) {
    const int kf = first + n * stride;        /* input frame of output frame n */
    const size_t off = (size_t)(kf - n) * fr; /* input sample = output sample + off */
    lie_field_ns frame = *in;                 /* shifted so that output index k reads input frame kf */
    frame.u = in->u + off, frame.vx = in->vx + off, frame.vy = in->vy + off;
    if (in->p) frame.p = in->p + off;
    if (in->X) frame.X = in->X + off, frame.Y = in->Y + off, frame.T = in->T + off;
    out->t[n] = in->t[kf];
    frame_coef c;
    if (gridded) LIE_CALL(frame_coefficients(s, in->t[kf], in->Lx > 0 ? in->Lx : 1.0, in->Ly > 0 ? in->Ly : 1.0, &c));
    for (int i = 0; i < nx; i++)
      for (int j = 0; j < ny; j++) {
        size_t k = ((size_t)n * nx + i) * ny + j;
        if (gridded) {
          coords_affine(&c, &frame, out, k, in->x[i], in->y[j]);
          continue;
        }
        lie_ns_point q = {frame.X ? frame.X[k] : in->x[i],
                          frame.Y ? frame.Y[k] : in->y[j],
                          frame.T ? frame.T[k] : in->t[kf],
                          frame.vx[k],
                          frame.vy[k],
                          frame.u[k],
                          frame.p ? frame.p[k] : 0.0};
        LIE_CALL(seq_point(s, &q));
        out->X[k] = q.x, out->Y[k] = q.y, out->T[k] = q.t;
        out->vx[k] = q.vx, out->vy[k] = q.vy, out->u[k] = q.s;
        if (out->p) out->p[k] = q.p;
      }
  }
  return 0;
}

/* The pre-image points of a frame, relative to the grid origin: xi - origin = P (i hx, j hy)
 * + off with P = a A^-1 (A = lambda R, the same for every frame of an element) and off the
 * frame's translation. */
static void preimage_map(const frame_coef *c, double a, double x0, double y0, double P[4], double off[2]) {
  double det = c->A[0] * c->A[3] - c->A[1] * c->A[2];
  double Ai[4] = {c->A[3] / det, -c->A[1] / det, -c->A[2] / det, c->A[0] / det};
  P[0] = a * Ai[0], P[1] = a * Ai[1], P[2] = a * Ai[2], P[3] = a * Ai[3];
  double ox = a * x0 - c->b[0], oy = a * y0 - c->b[1];
  off[0] = Ai[0] * ox + Ai[1] * oy - x0, off[1] = Ai[2] * ox + Ai[3] * oy - y0;
}

/* One output frame: each field resampled at the pre-image points (the stencils of P are
 * prepared once per view when it rotates), then mapped. */
static int map_frame(lie_resample2d *rs, const frame_coef *c, double a, int rot, const lie_field_ns *in, int nin,
                     lie_field_ns *out, int nout, double *tmp[4]) {
  int nx = in->nx, ny = in->ny;
  size_t fr = (size_t)nx * ny, si = (size_t)nin * fr, so = (size_t)nout * fr;
  double x0 = in->x[0], y0 = in->y[0], P[4], off[2];
  preimage_map(c, a, x0, y0, P, off);
  const double *src[4] = {in->u + si, in->vx + si, in->vy + si, in->p ? in->p + si : NULL};
  int nf = src[3] ? 4 : 3;
  if (rot) LIE_CALL(lie_resample2d_affine_apply(rs, nf, src, off, tmp)); /* the fields share stencils */
  for (int f = 0; f < nf && !rot; f++)
    LIE_CALL(lie_resample2d_shift(rs, src[f], -off[0], -off[1], tmp[f]));
  double hx = in->Lx / nx, hy = in->Ly / ny;
  for (int i = 0; i < nx; i++)
    for (int j = 0; j < ny; j++) {
      size_t k = (size_t)i * ny + j;
      double vx = tmp[1][k], vy = tmp[2][k];
      out->u[so + k] = c->sigma * tmp[0][k];
      out->vx[so + k] = c->M[0] * vx + c->M[1] * vy + c->w[0];
      out->vy[so + k] = c->M[2] * vx + c->M[3] * vy + c->w[1];
      if (in->p) {
        double xi = x0 + P[0] * i * hx + P[1] * j * hy + off[0], eta = y0 + P[2] * i * hx + P[3] * j * hy + off[1];
        out->p[so + k] = c->pi * tmp[3][k] + c->q[0] * xi + c->q[1] * eta + c->r;
      }
    }
  return 0;
}

/* Stencils of the frame's linear part P, prepared again only when P differs from the one they
 * were made for (*have: P of the prepared stencils valid). For NS group elements P is the same
 * on every frame (A = lambda R), so this runs once per element. */
static int prepare_rotation(lie_resample2d *rs, const frame_coef *c, double a, const lie_field_ns *in, double Pp[4],
                            int *have) {
  double P[4], off[2];
  preimage_map(c, a, in->x[0], in->y[0], P, off);
  int same = *have;
  for (int q = 0; q < 4; q++)
    same &= fabs(P[q] - Pp[q]) <= 1e-12;
  if (same) return 0;
  LIE_CALL(lie_resample2d_linear_prepare(rs, P));
  memcpy(Pp, P, sizeof P);
  *have = 1;
  return 0;
}

static int check_grid_input(const lie_field_ns *in) {
  LIE_CHECK(!in->X, LIE_ERR_ARG, "grid mode needs gridded input, got coordinate channels (coords-mode data)");
  LIE_CHECK(in->periodic && in->Lx > 0 && in->Ly > 0, LIE_ERR_ARG,
            "grid mode needs periodic NS data (run the solver with -ns_bc periodic; box %g x %g)", in->Lx, in->Ly);
  for (int i = 0; i < in->nx; i++)
    LIE_CHECK(fabs(in->x[i] - in->x[0] - i * in->Lx / in->nx) <= 1e-9 * in->Lx, LIE_ERR_ARG, "non-uniform x grid");
  for (int j = 0; j < in->ny; j++)
    LIE_CHECK(fabs(in->y[j] - in->y[0] - j * in->Ly / in->ny) <= 1e-9 * in->Ly, LIE_ERR_ARG, "non-uniform y grid");
  return 0;
}

static int apply_grid(const lie_aug_seq *s, const lie_field_ns *in, const lie_aug_frames *sel, lie_field_ns *out,
                      lie_aug_info *info) {
  LIE_CALL(check_grid_input(in));
  int nt = in->nt, nx = in->nx, ny = in->ny, k0 = 0, first = 0, count = 0, stride = 1, err = LIE_OK;
  frame_coef *fc = NULL;
  double *tout = NULL, *tmp[4] = {0};
  lie_resample2d *rs = NULL; /* this thread's (lie_resample2d_get), kept for the next view */
  double Pp[4] = {0};        /* the linear part the rotation stencils were prepared for */
  int have = 0;
  LIE_ALLOC_GOTO(fc, nt);
  LIE_ALLOC_GOTO(tout, nt);
  for (int n = 0; n < nt; n++)
    LIE_CALL_GOTO(frame_coefficients(s, in->t[n], in->Lx, in->Ly, &fc[n]));
  for (int n = 0; n < nt; n++)
    tout[n] = fc[n].tau;
  LIE_CALL_GOTO(lie_aug_time_frames(nt, in->t, tout, sel, &k0, &first, &count, &stride, info));
  /* A = lambda R; the output grid is the input grid scaled by lambda. */
  double a = sqrt(fabs(fc[0].A[0] * fc[0].A[3] - fc[0].A[1] * fc[0].A[2]));
  int rot = fabs(fc[0].A[1]) + fabs(fc[0].A[2]) > 1e-14 * a;
  int qzero = 1;
  for (int n = 0; n < nt; n++)
    qzero &= fabs(fc[n].q[0]) * in->Lx + fabs(fc[n].q[1]) * in->Ly <= 1e-12;
  LIE_CALL_GOTO(lie_field_ns_alloc(count, nx, ny, in->p != NULL, 0, out));
  LIE_CALL_GOTO(lie_resample2d_get(nx, ny, in->Lx, in->Ly, rot, &rs)); /* this thread's, kept */
  for (int f = 0; f < 4; f++) {
    tmp[f] = malloc(sizeof(double) * nx * ny);
    LIE_CHECK_GOTO(tmp[f], LIE_ERR_MEM, "out of memory");
  }
  for (int m = 0; m < count; m++) {
    const int k = k0 + m * stride; /* input frame of output frame m */
    if (rot) LIE_CALL_GOTO(prepare_rotation(rs, &fc[k], a, in, Pp, &have));
    LIE_CALL_GOTO(map_frame(rs, &fc[k], a, rot, in, k, out, m, tmp));
  }
  out->Lx = a * in->Lx, out->Ly = a * in->Ly;
  out->periodic = !rot && (qzero || !in->p);
  for (int i = 0; i < nx; i++)
    out->x[i] = a * in->x[i];
  for (int j = 0; j < ny; j++)
    out->y[j] = a * in->y[j];
  for (int m = 0; m < count; m++)
    out->t[m] = tout[first + m * stride];
done:
  for (int f = 0; f < 4; f++)
    free(tmp[f]);
  free(fc), free(tout);
  return err;
}

int lie_aug_ns_apply(const lie_aug_seq *s, lie_aug_mode mode, const lie_field_ns *in, lie_field_ns *out,
                     lie_aug_info *info) {
  LIE_CALL(lie_aug_ns_apply_frames(s, mode, in, NULL, out, info));
  return 0;
}

int lie_aug_ns_apply_frames(const lie_aug_seq *s, lie_aug_mode mode, const lie_field_ns *in, const lie_aug_frames *sel,
                            lie_field_ns *out, lie_aug_info *info) {
  LIE_CHECK(s && in && out, LIE_ERR_ARG, "lie_aug_ns_apply: NULL argument");
  LIE_CALL(check_seq(s));
  lie_aug_info tmp;
  if (!info) info = &tmp;
  memset(info, 0, sizeof *info);
  memset(out, 0, sizeof *out);
  int err = mode == LIE_AUG_COORDS ? apply_coords(s, in, sel, out) : apply_grid(s, in, sel, out, info);
  if (err) lie_field_ns_free(out); /* a partial output */
  LIE_CALL(err);
  return 0;
}
