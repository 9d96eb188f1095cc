/* 2D Navier–Stokes: semi-Lagrangian advection as PhiFlow does it (advect.semi_lagrangian):
 * trace every sample point back by one explicit Euler step, x_d = x - dt v(x), with v
 * bilinearly interpolated from the staggered components, and bilinearly interpolate the
 * field at x_d with the field's extrapolation (velocity: zero outside the box; smoke: zero
 * gradient; periodic: wrap). Option MacCormack (Selle et al. 2008): a forward and a
 * backward semi-Lagrangian pass estimate the error, half of it is removed, and the result
 * is clamped to the values around x_d so no new extrema appear. Buoyancy is added here
 * because it uses the freshly advected smoke, as in PDEArena's loop. */
#include "solvers/ns2d_impl.h"

static inline double value(const lie_ns2d_field *f, int i, int j) {
  int nx = f->nx, ny = f->ny;
  switch (f->ext) {
  case LIE_NS2D_EXT_PERIODIC:
    i %= nx;
    j %= ny;
    if (i < 0) i += nx;
    if (j < 0) j += ny;
    break;
  case LIE_NS2D_EXT_CLAMP:
    i = i < 0 ? 0 : (i >= nx ? nx - 1 : i);
    j = j < 0 ? 0 : (j >= ny ? ny - 1 : j);
    break;
  case LIE_NS2D_EXT_ZERO:
    if (i < 0 || i >= nx || j < 0 || j >= ny) return 0.0;
    break;
  }
  return f->a[(size_t)j * nx + i];
}

/* Bilinear interpolation at (x, y); optionally the min/max of the four values used. */
static inline double sample_mm(const lie_ns2d_field *f, double dx, double dy, double x, double y, double *lo,
                               double *hi) {
  double fx = x / dx - f->ox, fy = y / dy - f->oy;
  if (f->ext == LIE_NS2D_EXT_PERIODIC) {
    fx -= f->nx * floor(fx / f->nx);
    fy -= f->ny * floor(fy / f->ny);
  } else {
    /* Beyond one cell outside, zero and clamp extrapolation are constant: clamping the
     * coordinate keeps the integer conversion safe for any velocity. */
    fx = fmin(fmax(fx, -1.0), (double)f->nx);
    fy = fmin(fmax(fy, -1.0), (double)f->ny);
  }
  double i0 = floor(fx), j0 = floor(fy), tx = fx - i0, ty = fy - j0;
  int i = (int)i0, j = (int)j0;
  double a, b, c, d;
  if (i >= 0 && j >= 0 && i + 1 < f->nx && j + 1 < f->ny) { /* interior: no extrapolation needed */
    const double *r = f->a + (size_t)j * f->nx + i;
    a = r[0];
    b = r[1];
    c = r[f->nx];
    d = r[f->nx + 1];
  } else {
    a = value(f, i, j);
    b = value(f, i + 1, j);
    c = value(f, i, j + 1);
    d = value(f, i + 1, j + 1);
  }
  if (lo) {
    *lo = fmin(fmin(a, b), fmin(c, d));
    *hi = fmax(fmax(a, b), fmax(c, d));
  }
  return (1 - ty) * ((1 - tx) * a + tx * b) + ty * ((1 - tx) * c + tx * d);
}

double lie_ns2d_sample(const lie_ns2d_field *f, double dx, double dy, double x, double y) {
  return sample_mm(f, dx, dy, x, y, NULL, NULL);
}

/* Position of point (i, j) of a field at `loc`. */
static inline void position(lie_ns2d ns, lie_ns2d_loc loc, int i, int j, double *x, double *y) {
  *x = (i + (loc == LIE_NS2D_FACE_X ? 0.0 : 0.5)) * ns->dx;
  *y = (j + (loc == LIE_NS2D_FACE_Y ? 0.0 : 0.5)) * ns->dy;
}

/* Velocity at point (i, j) of `loc`: bilinear interpolation of the staggered components
 * there reduces to the own component (faces) or to 2- and 4-point means. */
static inline void velocity_at(const lie_ns2d_field *U, const lie_ns2d_field *V, lie_ns2d_loc loc, int i, int j,
                               double *vx, double *vy) {
  switch (loc) {
  case LIE_NS2D_CELL:
    *vx = 0.5 * (value(U, i, j) + value(U, i + 1, j));
    *vy = 0.5 * (value(V, i, j) + value(V, i, j + 1));
    break;
  case LIE_NS2D_FACE_X:
    *vx = value(U, i, j);
    *vy = 0.25 * (value(V, i - 1, j) + value(V, i, j) + value(V, i - 1, j + 1) + value(V, i, j + 1));
    break;
  case LIE_NS2D_FACE_Y:
    *vx = 0.25 * (value(U, i, j - 1) + value(U, i + 1, j - 1) + value(U, i, j) + value(U, i + 1, j));
    *vy = value(V, i, j);
    break;
  }
}

/* out = field f advected by (U, V) over time tau (negative tau: forward trace) on the
 * owned points of `loc`; wall faces stay zero. With lo/hi (owned-size arrays, may be NULL)
 * also the stencil extrema at the departure points. */
static int sl_pass(lie_ns2d ns, const lie_ns2d_field *f, lie_ns2d_loc loc, const lie_ns2d_field *U,
                   const lie_ns2d_field *V, double tau, Vec out, double *lo, double *hi) {
  PetscScalar **o;
  size_t k = 0;
  LIE_PETSC(DMDAVecGetArray(ns->da, out, &o));
  for (int j = (int)ns->ys; j < ns->ys + ns->ym; j++)
    for (int i = (int)ns->xs; i < ns->xs + ns->xm; i++, k++) {
      double x, y;
      if (lie_ns2d_is_wall(ns, loc, i, j)) {
        o[j][i] = 0.0;
        continue;
      }
      double vx, vy;
      position(ns, loc, i, j, &x, &y);
      velocity_at(U, V, loc, i, j, &vx, &vy);
      o[j][i] = sample_mm(f, ns->dx, ns->dy, x - tau * vx, y - tau * vy, lo ? lo + k : NULL, hi ? hi + k : NULL);
    }
  LIE_PETSC(DMDAVecRestoreArray(ns->da, out, &o));
  return LIE_OK;
}

/* MacCormack: fwd = A(f); back = A^-1(fwd); out = fwd + (f - back)/2, clamped to the
 * departure stencil of f. `old` is f's own global vector (its owned values). */
static int maccormack(lie_ns2d ns, const lie_ns2d_field *f, Vec old, lie_ns2d_loc loc, const lie_ns2d_field *U,
                      const lie_ns2d_field *V, Vec out) {
  size_t n = (size_t)ns->xm * ns->ym, k = 0;
  double *lo, *hi;
  PetscScalar **o, **b;
  const PetscScalar **f0;
  LIE_ALLOC(lo, 2 * n);
  hi = lo + n;
  LIE_CALL(sl_pass(ns, f, loc, U, V, ns->par.dt, out, lo, hi));
  LIE_CALL(lie_ns2d_gather(ns, out, ns->fw));
  lie_ns2d_field fw = *f;
  fw.a = ns->fw;
  LIE_CALL(sl_pass(ns, &fw, loc, U, V, -ns->par.dt, ns->w2, NULL, NULL));
  LIE_PETSC(DMDAVecGetArray(ns->da, out, &o));
  LIE_PETSC(DMDAVecGetArray(ns->da, ns->w2, &b));
  LIE_PETSC(DMDAVecGetArrayRead(ns->da, old, &f0));
  for (int j = (int)ns->ys; j < ns->ys + ns->ym; j++)
    for (int i = (int)ns->xs; i < ns->xs + ns->xm; i++, k++) {
      double c = o[j][i] + 0.5 * (f0[j][i] - b[j][i]);
      o[j][i] = fmin(fmax(c, lo[k]), hi[k]);
    }
  LIE_PETSC(DMDAVecRestoreArrayRead(ns->da, old, &f0));
  LIE_PETSC(DMDAVecRestoreArray(ns->da, ns->w2, &b));
  LIE_PETSC(DMDAVecRestoreArray(ns->da, out, &o));
  free(lo);
  return LIE_OK;
}

static int advect_one(lie_ns2d ns, const lie_ns2d_field *f, Vec old, lie_ns2d_loc loc, const lie_ns2d_field *U,
                      const lie_ns2d_field *V, Vec out) {
  if (ns->par.advect == LIE_NS2D_ADVECT_MACCORMACK) return maccormack(ns, f, old, loc, U, V, out);
  return sl_pass(ns, f, loc, U, V, ns->par.dt, out, NULL, NULL);
}

/* s <- A(s); v <- A(v) + dt b s_new (y-faces). Uses w1 (new u), w3 (new s); the velocity
 * used for tracing is the one at the start of the step for every field. */
int lie_ns2d_advect_all(lie_ns2d ns) {
  LIE_CALL(lie_ns2d_gather(ns, ns->u, ns->fu));
  LIE_CALL(lie_ns2d_gather(ns, ns->v, ns->fv));
  LIE_CALL(lie_ns2d_gather(ns, ns->s, ns->fs));
  lie_ns2d_field U = lie_ns2d_field_of(ns, ns->fu, LIE_NS2D_FACE_X);
  lie_ns2d_field V = lie_ns2d_field_of(ns, ns->fv, LIE_NS2D_FACE_Y);
  lie_ns2d_field S = lie_ns2d_field_of(ns, ns->fs, LIE_NS2D_CELL);
  LIE_CALL(advect_one(ns, &S, ns->s, LIE_NS2D_CELL, &U, &V, ns->w3));
  LIE_CALL(advect_one(ns, &U, ns->u, LIE_NS2D_FACE_X, &U, &V, ns->w1));
  LIE_PETSC(VecCopy(ns->w3, ns->s));
  LIE_PETSC(VecCopy(ns->w1, ns->u));
  LIE_CALL(advect_one(ns, &V, ns->v, LIE_NS2D_FACE_Y, &U, &V, ns->w1));
  LIE_PETSC(VecCopy(ns->w1, ns->v));
  LIE_CALL(lie_ns2d_buoyancy(ns, ns->s, ns->par.dt));
  return LIE_OK;
}
