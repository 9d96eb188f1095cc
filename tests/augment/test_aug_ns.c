/* Navier–Stokes generators: the PDE residual (momentum, continuity, smoke) of transformed
 * analytic solutions stays at the untransformed level and wrong maps (the reference code's
 * mistakes among them) raise it; rotation is exact on a rotation-invariant vortex. */
#include "aug_testlib.h"

typedef struct {
  double nu, b;
} ns_par;

/* Taylor–Green (b = 0; smoke = 0 would make the smoke checks vacuous, so smoke is a
 * passive tracer that is not checked here: see the hydrostatic case for s). */
static void tg(double x, double y, double t, double nu, double *vx, double *vy, double *p) {
  double F = exp(-2 * nu * t);
  *vx = sin(x) * cos(y) * F, *vy = -cos(x) * sin(y) * F;
  *p = 0.25 * (cos(2 * x) + cos(2 * y)) * F * F;
}

/* Uniform flow carrying a stratified smoke layer in hydrostatic balance with buoyancy b:
 * v = (U, V), s = sin(y - V t) + 0.3 cos(2 (y - V t)), dp/dy = b s. */
static void strat(double x, double y, double t, double b, double *vx, double *vy, double *s, double *p) {
  const double U = 0.3, V = 0.2;
  double z = y - V * t;
  *vx = U, *vy = V;
  *s = sin(z) + 0.3 * cos(2 * z);
  *p = b * (-cos(z) + 0.15 * sin(2 * z));
  (void)x;
}

static void make_ns(lie_field_ns *f, int kind, int nt, int n, double dt, ns_par par) {
  LIE_TEST_CALL(lie_field_ns_alloc(nt, n, n, 1, 0, f));
  LIE_TEST_CALL(lie_field_ns_set_grid(f, 2 * M_PI, 2 * M_PI, 0.3, dt));
  for (int m = 0; m < nt; m++)
    for (int i = 0; i < n; i++)
      for (int j = 0; j < n; j++) {
        size_t k = ((size_t)m * n + i) * n + j;
        if (kind == 0)
          tg(f->x[i], f->y[j], f->t[m], par.nu, &f->vx[k], &f->vy[k], &f->p[k]), f->u[k] = 0;
        else
          strat(f->x[i], f->y[j], f->t[m], par.b, &f->vx[k], &f->vy[k], &f->u[k], &f->p[k]);
      }
}

/* 8th-order central first/second derivative along an axis (stride), at index i of n. */
static double d1c(const double *f, size_t i, size_t st, double h) {
  static const double w[4] = {4.0 / 5, -1.0 / 5, 4.0 / 105, -1.0 / 280};
  double a = 0;
  for (int k = 1; k <= 4; k++)
    a += w[k - 1] * (f[i + k * st] - f[i - k * st]);
  return a / h;
}
static double d2c(const double *f, size_t i, size_t st, double h) {
  static const double w[4] = {8.0 / 5, -1.0 / 5, 8.0 / 315, -1.0 / 560};
  double a = -205.0 / 72 * f[i];
  for (int k = 1; k <= 4; k++)
    a += w[k - 1] * (f[i + k * st] + f[i - k * st]);
  return a / (h * h);
}

/* Max relative residuals {momentum, continuity, smoke} over interior points and frames. */
static void residual_ns(const lie_field_ns *f, ns_par par, double r[3]) {
  int nx = f->nx, ny = f->ny;
  double hx = f->Lx / nx, hy = f->Ly / ny, rm = 0, sm = 0, rc = 0, sc = 0, rs = 0, ss = 0;
  size_t fr = (size_t)nx * ny;
  for (int m = 4; m < f->nt - 4; m++) {
    double w[9];
    fornberg(f->t[m], f->t + m - 4, 9, 1, w);
    for (int i = 4; i < nx - 4; i++)
      for (int j = 4; j < ny - 4; j++) {
        size_t k = (size_t)m * fr + (size_t)i * ny + j;
        double ut = 0, vt = 0, st = 0;
        for (int q = 0; q < 9; q++) {
          size_t kq = k + (size_t)(q - 4) * fr;
          ut += w[q] * f->vx[kq], vt += w[q] * f->vy[kq], st += w[q] * f->u[kq];
        }
        double u = f->vx[k], v = f->vy[k];
        double ux = d1c(f->vx, k, ny, hx), uy = d1c(f->vx, k, 1, hy), vx = d1c(f->vy, k, ny, hx),
               vy = d1c(f->vy, k, 1, hy);
        double px = d1c(f->p, k, ny, hx), py = d1c(f->p, k, 1, hy), sx = d1c(f->u, k, ny, hx), sy = d1c(f->u, k, 1, hy);
        double lu = d2c(f->vx, k, ny, hx) + d2c(f->vx, k, 1, hy), lv = d2c(f->vy, k, ny, hx) + d2c(f->vy, k, 1, hy);
        double r1 = ut + u * ux + v * uy + px - par.nu * lu;
        double r2 = vt + u * vx + v * vy + py - par.nu * lv - par.b * f->u[k];
        rm = lie_test_max(rm, lie_test_max(fabs(r1), fabs(r2)));
        sm = lie_test_max(sm, fabs(ut) + fabs(u * ux) + fabs(v * uy) + fabs(px) + fabs(par.nu * lu) + fabs(vt) +
                                  fabs(py) + fabs(par.b * f->u[k]));
        rc = lie_test_max(rc, fabs(ux + vy)), sc = lie_test_max(sc, fabs(ux) + fabs(vy));
        rs = lie_test_max(rs, fabs(st + u * sx + v * sy)),
        ss = lie_test_max(ss, fabs(st) + fabs(u * sx) + fabs(v * sy));
      }
  }
  r[0] = rm / sm, r[1] = sc > 0 ? rc / sc : 0, r[2] = ss > 0 ? rs / ss : 0;
}

typedef void (*wrong_fn)(lie_field_ns *f, double eps);
static void w_boost_x(lie_field_ns *f, double e) { /* boost without +eps on vx */
  for (size_t k = 0; k < (size_t)f->nt * f->nx * f->ny; k++)
    f->vx[k] -= e;
}
static void w_quad_p(lie_field_ns *f, double e) { /* quadratic boost without the pressure term */
  size_t fr = (size_t)f->nx * f->ny;
  for (int m = 0; m < f->nt; m++)
    for (int i = 0; i < f->nx; i++)
      for (int j = 0; j < f->ny; j++)
        f->p[m * fr + (size_t)i * f->ny + j] += 2 * e * f->x[i];
}
static void w_quad_y_ref(lie_field_ns *f, double e) { /* the reference code's y-boost: vy + eps, not 2 eps t */
  size_t fr = (size_t)f->nx * f->ny;
  for (int m = 0; m < f->nt; m++)
    for (size_t k = 0; k < fr; k++)
      f->vy[m * fr + k] += e - 2 * e * f->t[m];
}
static void w_scale_s(lie_field_ns *f, double e) { /* smoke scaled as s/lambda^2 instead of s/lambda^3 */
  for (size_t k = 0; k < (size_t)f->nt * f->nx * f->ny; k++)
    f->u[k] *= exp(e);
}
static void w_scale_p(lie_field_ns *f, double e) { /* the reference code's pressure scaling (p/lambda) */
  for (size_t k = 0; k < (size_t)f->nt * f->nx * f->ny; k++)
    f->p[k] *= exp(e);
}
static void w_rotate_v(lie_field_ns *f, double e) { /* coordinates rotated, velocity not */
  double c = cos(e), s = sin(e);
  for (size_t k = 0; k < (size_t)f->nt * f->nx * f->ny; k++) {
    double a = f->vx[k], b = f->vy[k];
    f->vx[k] = c * a + s * b, f->vy[k] = -s * a + c * b;
  }
}

static void check(const char *name, const lie_field_ns *d, ns_par par, lie_aug_gen g, double eps, wrong_fn wrong,
                  int comp, double floor) {
  lie_aug_seq s;
  lie_field_ns o;
  char what[200];
  double r0[3], r1[3], r2[3];
  LIE_TEST_CALL(lie_aug_seq_init(LIE_PDE_NS, &s));
  LIE_TEST_CALL(lie_aug_seq_push(&s, g, eps));
  LIE_TEST_CALL(lie_aug_ns_apply(&s, LIE_AUG_GRID, d, &o, NULL));
  residual_ns(d, par, r0);
  residual_ns(&o, par, r1);
  printf("%s %s eps=%g: residual momentum %.2e -> %.2e, div %.2e -> %.2e, smoke %.2e -> %.2e\n", name,
         lie_aug_gen_name(g), eps, r0[0], r1[0], r0[1], r1[1], r0[2], r1[2]);
  for (int c = 0; c < 3; c++) {
    snprintf(what, sizeof what, "%s %s: %s residual stays at the untransformed level", name, lie_aug_gen_name(g),
             c == 0   ? "momentum"
             : c == 1 ? "continuity"
                      : "smoke");
    LIE_TEST_LE(r1[c], 3 * r0[c] + floor, what);
  }
  if (wrong) {
    wrong(&o, eps);
    residual_ns(&o, par, r2);
    snprintf(what, sizeof what, "%s %s: wrong map raises the %s residual >= 100x", name, lie_aug_gen_name(g),
             comp == 0 ? "momentum" : "smoke");
    LIE_TEST_LE(100 * r0[comp], r2[comp], what);
  }
  lie_field_ns_free(&o);
}

/* Radial vortex v = A r e^{-r^2/s^2} e_theta (a steady Euler solution), radial smoke and
 * pressure p = -A^2 s^2/4 e^{-2 r^2/s^2}, centred at c with periodic images on the lattice
 * rotated by th (the rotated periodic extension is periodic on the rotated lattice). */
static void vortex(double x, double y, double cx, double cy, double L, double th, double *vx, double *vy, double *s,
                   double *p) {
  const double A = 1.0, sg = 0.8;
  double c = cos(th), sn = sin(th);
  *vx = *vy = *s = *p = 0;
  for (int a = -2; a <= 2; a++)
    for (int b = -2; b <= 2; b++) {
      double ix = cx + c * a * L - sn * b * L, iy = cy + sn * a * L + c * b * L;
      double dx = x - ix, dy = y - iy, r2 = dx * dx + dy * dy, e = exp(-r2 / (sg * sg));
      *vx += -A * dy * e, *vy += A * dx * e;
      *s += exp(-r2 / (2 * sg * sg)) * (1 + 0.2 * r2);
      *p += -A * A * sg * sg / 4 * e * e;
    }
}

static void rotation_exact(void) {
  const int n = 64;
  const double L = 10, cx = 5.3, cy = 4.6, th = 0.35;
  lie_field_ns d, o, c;
  LIE_TEST_CALL(lie_field_ns_alloc(3, n, n, 1, 0, &d));
  LIE_TEST_CALL(lie_field_ns_set_grid(&d, L, L, 0, 0.1));
  for (int m = 0; m < 3; m++)
    for (int i = 0; i < n; i++)
      for (int j = 0; j < n; j++) {
        size_t k = ((size_t)m * n + i) * n + j;
        vortex(d.x[i], d.y[j], cx, cy, L, 0.0, &d.vx[k], &d.vy[k], &d.u[k], &d.p[k]);
      }
  lie_aug_seq s;
  LIE_TEST_CALL(lie_aug_seq_init(LIE_PDE_NS, &s));
  LIE_TEST_CALL(lie_aug_seq_push(&s, LIE_AUG_ROTATE, th));
  LIE_TEST_CALL(lie_aug_ns_apply(&s, LIE_AUG_GRID, &d, &o, NULL));
  LIE_TEST_CALL(lie_aug_ns_apply(&s, LIE_AUG_COORDS, &d, &c, NULL));
  /* the rotated vortex is the same vortex centred at R c (mod L) */
  double rcx = cos(th) * cx - sin(th) * cy, rcy = sin(th) * cx + cos(th) * cy;
  double eg = 0, ec = 0, ew = 0, vmax = 0;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      size_t k = (size_t)(2 * n + i) * n + j;
      double vx, vy, sm, p, X = c.X[k], Y = c.Y[k];
      vortex(o.x[i], o.y[j], rcx, rcy, L, th, &vx, &vy, &sm, &p);
      eg = lie_test_max(eg, lie_test_max(lie_test_max(fabs(o.vx[k] - vx), fabs(o.vy[k] - vy)),
                                         lie_test_max(fabs(o.u[k] - sm), fabs(o.p[k] - p))));
      /* the velocity left unrotated (the error this test must catch) */
      double c0 = cos(th), s0 = sin(th), ux = c0 * o.vx[k] + s0 * o.vy[k], uy = -s0 * o.vx[k] + c0 * o.vy[k];
      ew = lie_test_max(ew, lie_test_max(fabs(ux - vx), fabs(uy - vy)));
      vmax = lie_test_max(vmax, fabs(vx));
      vortex(X, Y, rcx, rcy, L, th, &vx, &vy, &sm, &p);
      ec = lie_test_max(ec, lie_test_max(lie_test_max(fabs(c.vx[k] - vx), fabs(c.vy[k] - vy)),
                                         lie_test_max(fabs(c.u[k] - sm), fabs(c.p[k] - p))));
    }
  LIE_TEST_LE(eg / vmax, 1e-6, "rotate (grid): vortex rotated about the origin = vortex at R c, all fields");
  LIE_TEST_LE(ec / vmax, 1e-13, "rotate (coords): pointwise map = vortex at R c at the mapped coordinates");
  LIE_TEST_LE(1e-2, ew / vmax, "rotate: velocity not rotated is caught");
  /* inverse: the rotated grid data are not periodic on the box any more, so the inverse is
   * checked in coords mode (exact), where the coordinates come back to the grid */
  lie_aug_seq inv;
  lie_field_ns back;
  LIE_TEST_CALL(lie_aug_seq_inverse(&s, &inv));
  LIE_TEST_CALL(lie_aug_ns_apply(&inv, LIE_AUG_COORDS, &c, &back, NULL));
  double eb = 0;
  for (size_t k = 0; k < (size_t)3 * n * n; k++)
    eb = lie_test_max(eb, fabs(back.vx[k] - d.vx[k]) + fabs(back.vy[k] - d.vy[k]) + fabs(back.u[k] - d.u[k]) +
                              fabs(back.p[k] - d.p[k]) + fabs(back.X[k] - d.x[(k / n) % n]) +
                              fabs(back.Y[k] - d.y[k % n]));
  LIE_TEST_LE(eb, 1e-13, "rotate(-e) rotate(e) = id (coords)");
  lie_field_ns_free(&d), lie_field_ns_free(&o), lie_field_ns_free(&c), lie_field_ns_free(&back);
}

/* Group law of the quadratic boost including its pressure term, pointwise. */
static void quad_group_law(void) {
  double err = 0;
  for (int g = LIE_AUG_QUAD_X; g <= LIE_AUG_QUAD_Y; g++) {
    lie_ns_point a = {1.2, -0.7, 0.9, 0.3, -0.2, 0.5, 0.8}, b = a;
    LIE_TEST_CALL(lie_aug_ns_point((lie_aug_gen)g, 0.3, &a));
    LIE_TEST_CALL(lie_aug_ns_point((lie_aug_gen)g, -0.55, &a));
    LIE_TEST_CALL(lie_aug_ns_point((lie_aug_gen)g, -0.25, &b));
    err =
        lie_test_max(err, fabs(a.x - b.x) + fabs(a.y - b.y) + fabs(a.vx - b.vx) + fabs(a.vy - b.vy) + fabs(a.p - b.p));
  }
  LIE_TEST_LE(err, 1e-15, "quad boosts: g(b) g(a) = g(a+b) including pressure");
}

/* Naive trigonometric-interpolant shift of n samples with stride st: out_i = f(x_i + d h). */
static void dft_shift(const double *in, int n, size_t st, double d, double *out) {
  double cr[n / 2 + 1], ci[n / 2 + 1];
  for (int k = 0; k <= n / 2; k++) {
    cr[k] = ci[k] = 0;
    for (int j = 0; j < n; j++)
      cr[k] += in[j * st] * cos(2 * M_PI * k * j / n), ci[k] -= in[j * st] * sin(2 * M_PI * k * j / n);
  }
  for (int i = 0; i < n; i++) {
    double acc = 0;
    for (int k = 0; k <= n / 2; k++) {
      double th = 2 * M_PI * k * (i + d) / n, w = (k == 0 || 2 * k == n) ? 1.0 : 2.0;
      acc += w * (cr[k] * cos(th) - ci[k] * sin(th));
    }
    out[i * st] = acc / n;
  }
}

/* NS coords mode, resampled onto grid mode's points, equals grid mode (non-rotating
 * composition: each coords frame is a shifted, scaled periodic grid). */
static void ns_coords_vs_grid(const lie_field_ns *d) {
  lie_aug_gen g[6] = {LIE_AUG_X_SHIFT, LIE_AUG_Y_SHIFT, LIE_AUG_SCALE,
                      LIE_AUG_BOOST_X, LIE_AUG_BOOST_Y, LIE_AUG_QUAD_Y};
  double e[6] = {0.7, -1.3, 0.15, 0.4, -0.3, 0.2};
  lie_aug_seq s;
  lie_field_ns gr, co;
  LIE_TEST_CALL(lie_aug_seq_split(LIE_PDE_NS, 6, g, e, 2, 2, &s));
  LIE_TEST_CALL(lie_aug_ns_apply(&s, LIE_AUG_GRID, d, &gr, NULL));
  LIE_TEST_CALL(lie_aug_ns_apply(&s, LIE_AUG_COORDS, d, &co, NULL));
  int nx = d->nx, ny = d->ny;
  size_t fr = (size_t)nx * ny;
  double *tmp = malloc(sizeof(double) * fr), *res = malloc(sizeof(double) * fr), emax = 0;
  for (int m = 0; m < d->nt; m++) {
    const double *X = co.X + m * fr, *Y = co.Y + m * fr;
    double hx = X[ny] - X[0], hy = Y[1] - Y[0];
    double dxs = (gr.x[0] - X[0]) / hx, dys = (gr.y[0] - Y[0]) / hy; /* in cells */
    const double *src[3] = {co.u + m * fr, co.vx + m * fr, co.vy + m * fr},
                 *ref[3] = {gr.u + m * fr, gr.vx + m * fr, gr.vy + m * fr};
    for (int f = 0; f < 3; f++) {
      for (int j = 0; j < ny; j++)
        dft_shift(src[f] + j, nx, ny, dxs, tmp + j);
      for (int i = 0; i < nx; i++)
        dft_shift(tmp + (size_t)i * ny, ny, 1, dys, res + (size_t)i * ny);
      for (size_t k = 0; k < fr; k++)
        emax = lie_test_max(emax, fabs(res[k] - ref[f][k]));
    }
  }
  LIE_TEST_LE(emax, 1e-12, "NS coords mode resampled onto the grid = grid mode (shifts, scaling, boosts, quad_y)");
  free(tmp), free(res);
  lie_field_ns_free(&gr), lie_field_ns_free(&co);
}

int main(int argc, char **argv) {
  PetscInitialize(&argc, &argv, NULL, NULL);
  ns_par ptg = {0.05, 0.0}, pst = {0.0, 0.7};
  lie_field_ns tgf, stf;
  make_ns(&tgf, 0, 13, 48, 0.05, ptg);
  make_ns(&stf, 1, 13, 48, 0.05, pst);
  check("taylor-green", &tgf, ptg, LIE_AUG_T_SHIFT, 0.1, NULL, 0, 1e-13);
  check("taylor-green", &tgf, ptg, LIE_AUG_X_SHIFT, 0.7, NULL, 0, 1e-13);
  check("taylor-green", &tgf, ptg, LIE_AUG_Y_SHIFT, -1.1, NULL, 0, 1e-13);
  check("taylor-green", &tgf, ptg, LIE_AUG_SCALE, 0.2, w_scale_p, 0, 1e-13);
  check("taylor-green", &tgf, ptg, LIE_AUG_BOOST_X, 0.3, w_boost_x, 0, 1e-13);
  check("taylor-green", &tgf, ptg, LIE_AUG_BOOST_Y, -0.2, NULL, 0, 1e-13);
  check("taylor-green", &tgf, ptg, LIE_AUG_QUAD_X, 0.5, w_quad_p, 0, 1e-13);
  check("taylor-green", &tgf, ptg, LIE_AUG_QUAD_Y, 0.4, w_quad_y_ref, 0, 1e-13);
  check("taylor-green", &tgf, ptg, LIE_AUG_ROTATE, 0.3, w_rotate_v, 0,
        1e-8); /* interpolated: x2 padding + 8-point Lagrange */
  check("stratified+buoyancy", &stf, pst, LIE_AUG_SCALE, -0.25, w_scale_s, 0, 1e-13);
  check("stratified+buoyancy", &stf, pst, LIE_AUG_BOOST_X, 0.4, NULL, 0, 1e-13);
  check("stratified+buoyancy", &stf, pst, LIE_AUG_QUAD_Y, 0.3, NULL, 0, 1e-13);
  rotation_exact();
  ns_coords_vs_grid(&tgf);
  quad_group_law();
  /* NS views: full group by Strang splitting + time crop, deterministic given the seed */
  lie_aug_opts cfg;
  lie_field_ns v1, v2;
  LIE_TEST_CALL(lie_aug_opts_default(LIE_PDE_NS, &cfg));
  cfg.strength[0] = 0.1, cfg.crop_t = 4;
  LIE_TEST_CALL(lie_aug_view_ns(&cfg, 77, &tgf, &v1));
  LIE_TEST_CALL(lie_aug_view_ns(&cfg, 77, &tgf, &v2));
  LIE_TEST_TRUE(v1.nt == 4 && !memcmp(v1.vx, v2.vx, sizeof(double) * 4 * 48 * 48),
                "NS view: 4 frames, same seed -> same view");
  double r[3];
  ns_par p0 = {0.05, 0.0};
  lie_field_ns big;
  cfg.crop_t = 0;
  LIE_TEST_CALL(lie_aug_view_ns(&cfg, 78, &tgf, &big));
  residual_ns(&big, p0, r);
  LIE_TEST_LE(r[0], 1e-7, "NS view of Taylor-Green (all 9 generators composed) is still a solution");
  lie_field_ns_free(&v1), lie_field_ns_free(&v2), lie_field_ns_free(&big);
  lie_field_ns_free(&tgf), lie_field_ns_free(&stf);
  return lie_test_finish();
}
