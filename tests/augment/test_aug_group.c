/* Group laws, exact inverses, splitting order, coords-vs-grid agreement, views and error
 * handling of the 1D augmentations. */
#include "aug_testlib.h"

static lie_aug_seq one(lie_pde pde, lie_aug_gen g, double e) {
  lie_aug_seq s;
  LIE_TEST_CALL(lie_aug_seq_init(pde, &s));
  LIE_TEST_CALL(lie_aug_seq_push(&s, g, e));
  return s;
}

static void apply(lie_pde pde, lie_aug_gen g, double e, const lie_field1d *in, lie_field1d *out) {
  lie_aug_seq s = one(pde, g, e);
  LIE_TEST_CALL(lie_aug1d_apply(&s, LIE_AUG_GRID, in, out, NULL));
}

/* Max relative difference of frames with equal time labels (both must have them). */
static double frame_diff(const lie_field1d *a, const lie_field1d *b, int *matched) {
  double num = 0, den = 0;
  *matched = 0;
  for (int m = 0; m < a->nt; m++)
    for (int n = 0; n < b->nt; n++) {
      if (fabs(a->t[m] - b->t[n]) > 1e-9) continue;
      (*matched)++;
      for (int j = 0; j < a->nx; j++) {
        double d = a->u[(size_t)m * a->nx + j] - b->u[(size_t)n * b->nx + j];
        num += d * d, den += b->u[(size_t)n * b->nx + j] * b->u[(size_t)n * b->nx + j];
      }
    }
  return sqrt(num / den);
}

/* Successive grid-mode applications: g(b) after g(a) vs g(a+b); g(-a) after g(a) vs id. */
static void group_law(const char *name, lie_pde pde, const lie_field1d *d, lie_aug_gen g, double a, double b,
                      double tol) {
  lie_field1d o1, o2, o3, o4;
  char what[200];
  int matched;
  apply(pde, g, a, d, &o1);
  apply(pde, g, b, &o1, &o2);
  apply(pde, g, a + b, d, &o3);
  double e = frame_diff(&o2, &o3, &matched);
  snprintf(what, sizeof what, "%s %s: g(%g) g(%g) = g(%g) (%d frames, L %g vs %g)", name, lie_aug_gen_name(g), b, a,
           a + b, matched, o2.L, o3.L);
  LIE_TEST_LE(e + fabs(o2.L - o3.L) + (matched < 20), tol, what);
  apply(pde, g, -a, &o1, &o4);
  e = frame_diff(&o4, d, &matched);
  snprintf(what, sizeof what, "%s %s: g(-%g) g(%g) = id (%d frames)", name, lie_aug_gen_name(g), a, a, matched);
  LIE_TEST_LE(e + fabs(o4.L - d->L) + (matched < 20), tol, what);
  lie_field1d_free(&o1), lie_field1d_free(&o2), lie_field1d_free(&o3), lie_field1d_free(&o4);
}

/* Projective: maps are not periodic, so the law is checked on sequences (one resampling). */
static void projective_law(const lie_field1d *d) {
  lie_aug_seq ab, c, inv;
  lie_field1d o1, o2, o3;
  LIE_TEST_CALL(lie_aug_seq_init(LIE_PDE_BURGERS, &ab));
  LIE_TEST_CALL(lie_aug_seq_push(&ab, LIE_AUG_PROJECTIVE, 0.2));
  LIE_TEST_CALL(lie_aug_seq_push(&ab, LIE_AUG_PROJECTIVE, -0.35));
  c = one(LIE_PDE_BURGERS, LIE_AUG_PROJECTIVE, -0.15);
  LIE_TEST_CALL(lie_aug1d_apply(&ab, LIE_AUG_GRID, d, &o1, NULL));
  LIE_TEST_CALL(lie_aug1d_apply(&c, LIE_AUG_GRID, d, &o2, NULL));
  LIE_TEST_LE(lie_rel_l2(o1.u, o2.u, (size_t)o1.nt * o1.nx), 1e-12, "burgers projective: g(-0.35) g(0.2) = g(-0.15)");
  lie_aug_seq one02 = one(LIE_PDE_BURGERS, LIE_AUG_PROJECTIVE, 0.2);
  LIE_TEST_CALL(lie_aug_seq_inverse(&one02, &inv));
  LIE_TEST_CALL(lie_aug_seq_compose(&one02, &inv, &ab));
  LIE_TEST_CALL(lie_aug1d_apply(&ab, LIE_AUG_GRID, d, &o3, NULL));
  LIE_TEST_LE(lie_rel_l2(o3.u, d->u, (size_t)d->nt * d->nx), 1e-12, "burgers projective: inverse(g) g = id");
  double tmax = 0;
  for (int n = 0; n < d->nt; n++)
    tmax = lie_test_max(tmax, fabs(o3.t[n] - d->t[n]));
  LIE_TEST_LE(tmax, 1e-13, "burgers projective: inverse restores the time labels");
  lie_field1d_free(&o1), lie_field1d_free(&o2), lie_field1d_free(&o3);
}

/* Pointwise image of (x, t, u) under a sequence. */
static void seq_apply_point(const lie_aug_seq *s, double p[3]) {
  for (int i = 0; i < s->n; i++)
    LIE_TEST_CALL(lie_aug1d_point(s->pde, s->op[i].gen, s->op[i].eps, &p[0], &p[1], &p[2]));
}

/* Splitting error vs a 4096-step Strang reference, on the Burgers group (non-abelian). */
static void splitting_order(void) {
  lie_aug_gen g[LIE_AUG_NGEN];
  int ng = lie_aug_group(LIE_PDE_BURGERS, g);
  double eps[5] = {0.3, 0.5, 0.2, 0.15, 0.05};
  double pts[3][3] = {{1.0, 0.6, 0.3}, {4.0, 1.0, -0.5}, {2.5, 0.2, 1.1}}, ref[3][3];
  const int R = 4096;
  for (int k = 0; k < 3; k++) {
    double *p = ref[k];
    p[0] = pts[k][0], p[1] = pts[k][1], p[2] = pts[k][2];
    for (int st = 0; st < R; st++) {
      for (int i = 0; i < ng - 1; i++)
        LIE_TEST_CALL(lie_aug1d_point(LIE_PDE_BURGERS, g[i], 0.5 * eps[i] / R, &p[0], &p[1], &p[2]));
      LIE_TEST_CALL(lie_aug1d_point(LIE_PDE_BURGERS, g[ng - 1], eps[ng - 1] / R, &p[0], &p[1], &p[2]));
      for (int i = ng - 2; i >= 0; i--)
        LIE_TEST_CALL(lie_aug1d_point(LIE_PDE_BURGERS, g[i], 0.5 * eps[i] / R, &p[0], &p[1], &p[2]));
    }
  }
  for (int order = 1; order <= 2; order++) {
    double err[4];
    for (int l = 0; l < 4; l++) {
      lie_aug_seq s;
      LIE_TEST_CALL(lie_aug_seq_split(LIE_PDE_BURGERS, ng, g, eps, order, 1 << l, &s));
      err[l] = 0;
      for (int k = 0; k < 3; k++) {
        double p[3] = {pts[k][0], pts[k][1], pts[k][2]};
        seq_apply_point(&s, p);
        for (int c = 0; c < 3; c++)
          err[l] = lie_test_max(err[l], fabs(p[c] - ref[k][c]));
      }
      printf("splitting order %d steps %d: error %.3e\n", order, 1 << l, err[l]);
    }
    for (int l = 1; l < 4; l++) {
      double rate = log2(err[l - 1] / err[l]);
      char what[128];
      snprintf(what, sizeof what, "order-%d splitting: observed order %.2f at %d steps", order, rate, 1 << l);
      LIE_TEST_LE(fabs(rate - order), 0.25, what);
    }
  }
}

/* Naive trigonometric interpolation of n samples f_j at X0 + j H (period n H): DFT
 * coefficients (cr, ci) once per row, then evaluation at any xi. */
static void dft_coef(const double *f, int n, double *cr, double *ci) {
  for (int k = 0; k <= n / 2; k++) {
    cr[k] = ci[k] = 0;
    for (int j = 0; j < n; j++)
      cr[k] += f[j] * cos(2 * M_PI * k * j / n), ci[k] -= f[j] * sin(2 * M_PI * k * j / n);
  }
}
static double dft_eval(const double *cr, const double *ci, int n, double X0, double H, double xi) {
  double acc = 0, P = n * H;
  for (int k = 0; k <= n / 2; k++) {
    double th = 2 * M_PI * k * (xi - X0) / P, wgt = (k == 0 || 2 * k == n) ? 1.0 : 2.0;
    acc += wgt * (cr[k] * cos(th) - ci[k] * sin(th));
  }
  return acc / n;
}

/* Lagrange interpolation with 10 nodes around xi on the uniform row; NAN near the edges. */
static double lagrange_eval(const double *f, int n, double X0, double H, double xi) {
  double s = (xi - X0) / H;
  int i0 = (int)floor(s) - 4;
  if (i0 < 0 || i0 + 9 >= n) return NAN;
  double acc = 0;
  for (int k = 0; k < 10; k++) {
    double w = 1;
    for (int m = 0; m < 10; m++)
      if (m != k) w *= (s - (i0 + m)) / (double)(k - m);
    acc += w * f[i0 + k];
  }
  return acc;
}

/* Resample the coords-mode output onto the grid-mode output's points and compare. */
static void coords_vs_grid(const char *name, const lie_aug_seq *s, const lie_field1d *d, double tol) {
  lie_field1d g, c;
  LIE_TEST_CALL(lie_aug1d_apply(s, LIE_AUG_GRID, d, &g, NULL));
  LIE_TEST_CALL(lie_aug1d_apply(s, LIE_AUG_COORDS, d, &c, NULL));
  double emax = 0, umax = 0;
  int rows = 0, n = d->nx;
  for (int m = 0; m < g.nt; m++)
    for (int r = 0; r < c.nt; r++) {
      if (fabs(c.T[(size_t)r * n] - g.t[m]) > 1e-9) continue;
      rows++;
      const double *X = c.X + (size_t)r * n, *U = c.u + (size_t)r * n;
      double H = X[1] - X[0], cr[n / 2 + 1], ci[n / 2 + 1];
      if (g.periodic) dft_coef(U, n, cr, ci);
      for (int j = 0; j < n; j += 3) {
        double v = g.periodic ? dft_eval(cr, ci, n, X[0], H, g.x[j]) : lagrange_eval(U, n, X[0], H, g.x[j]);
        if (isnan(v)) continue;
        emax = lie_test_max(emax, fabs(v - g.u[(size_t)m * n + j]));
        umax = lie_test_max(umax, fabs(v));
      }
    }
  char what[200];
  snprintf(what, sizeof what, "%s: coords mode resampled = grid mode (%d rows matched)", name, rows);
  LIE_TEST_LE(emax / umax + (rows < g.nt), tol, what);
  lie_field1d_free(&g), lie_field1d_free(&c);
}

static void expect_error(int err, const char *needle, const char *what) {
  char buf[300];
  int ok = err != 0 && strstr(lie_error_message(), needle) != NULL;
  snprintf(buf, sizeof buf, "%s -> error \"%s\"", what, err ? lie_error_message() : "(none)");
  LIE_TEST_TRUE(ok, buf);
  lie_error_clear();
}

int main(int argc, char **argv) {
  PetscInitialize(&argc, &argv, NULL, NULL);
  lie_field1d kdv, bur, ks;
  make_kdv(&kdv, 40, 0.0, 0.01);
  make_burgers(&bur, 40, 0.5, 0.02, 0.1);
  make_ks(&ks, 30, 1.0, 0.02);

  /* group laws and inverses, grid mode applied twice */
  group_law("kdv", LIE_PDE_KDV, &kdv, LIE_AUG_T_SHIFT, 0.03, 0.02, 1e-14);
  group_law("kdv", LIE_PDE_KDV, &kdv, LIE_AUG_X_SHIFT, 2.3, -5.1, 1e-12);
  group_law("kdv", LIE_PDE_KDV, &kdv, LIE_AUG_GALILEAN, 0.3, 0.25, 1e-12);
  group_law("kdv", LIE_PDE_KDV, &kdv, LIE_AUG_SCALE, 0.2, -0.35, 1e-12);
  group_law("burgers", LIE_PDE_BURGERS, &bur, LIE_AUG_SCALE, 0.3, 0.1, 1e-12);
  group_law("burgers", LIE_PDE_BURGERS, &bur, LIE_AUG_GALILEAN, -0.4, 0.7, 1e-12);
  group_law("ks", LIE_PDE_KS, &ks, LIE_AUG_GALILEAN, 0.5, 0.3, 1e-12);
  projective_law(&bur);
  splitting_order();

  /* coords mode vs grid mode after resampling */
  lie_aug_seq s;
  lie_aug_gen gb[LIE_AUG_NGEN];
  int ngb = lie_aug_group(LIE_PDE_BURGERS, gb);
  double eb[5] = {0.0, 1.1, 0.3, 0.2, 0.1};
  LIE_TEST_CALL(lie_aug_seq_split(LIE_PDE_BURGERS, ngb, gb, eb, 2, 2, &s));
  coords_vs_grid("burgers composition with projective", &s, &bur, 1e-8);
  double eb2[5] = {0.0, 1.1, 0.3, 0.2, 0.0};
  LIE_TEST_CALL(lie_aug_seq_split(LIE_PDE_BURGERS, ngb, gb, eb2, 2, 2, &s));
  coords_vs_grid("burgers composition (periodic)", &s, &bur, 1e-12);
  lie_aug_gen gk[LIE_AUG_NGEN];
  int ngk = lie_aug_group(LIE_PDE_KS, gk);
  double ek[3] = {0.04, 3.0, 0.6};
  LIE_TEST_CALL(lie_aug_seq_split(LIE_PDE_KS, ngk, gk, ek, 2, 2, &s));
  coords_vs_grid("ks composition (t shift 2 frames)", &s, &ks, 1e-11);
  lie_aug_gen gd[LIE_AUG_NGEN];
  int ngd = lie_aug_group(LIE_PDE_KDV, gd);
  double ed[4] = {0.0, -7.0, 0.3, 0.25};
  LIE_TEST_CALL(lie_aug_seq_split(LIE_PDE_KDV, ngd, gd, ed, 2, 2, &s));
  coords_vs_grid("kdv composition with scaling", &s, &kdv, 1e-11);

  /* time shifts are rounded to whole frames and reported */
  lie_field1d o;
  lie_aug_info info;
  s = one(LIE_PDE_KDV, LIE_AUG_T_SHIFT, 0.024);
  LIE_TEST_CALL(lie_aug1d_apply(&s, LIE_AUG_GRID, &kdv, &o, &info));
  LIE_TEST_NEAR(info.t_shift, 0.02, 1e-15, "t_shift 0.024 rounds to 2 frames of dt 0.01");
  LIE_TEST_NEAR(info.t_rounding, -0.004, 1e-15, "reported rounding");
  LIE_TEST_TRUE(o.nt == 38 && fabs(o.t[0] - 0.02) < 1e-15 && o.u[0] == kdv.u[0], "frames moved whole and cropped");
  lie_field1d_free(&o);

  /* views: deterministic given the seed, crops of the requested size */
  lie_aug_opts cfg;
  lie_field1d v1, v2, v3;
  LIE_TEST_CALL(lie_aug_opts_default(LIE_PDE_KS, &cfg));
  cfg.strength[0] = 0.1;
  cfg.crop_t = 16, cfg.crop_x = 128;
  LIE_TEST_CALL(lie_aug_view1d(&cfg, 1234, &ks, &v1));
  LIE_TEST_CALL(lie_aug_view1d(&cfg, 1234, &ks, &v2));
  LIE_TEST_CALL(lie_aug_view1d(&cfg, 1235, &ks, &v3));
  LIE_TEST_TRUE(v1.nt == 16 && v1.nx == 128, "view has the crop size 16 x 128");
  LIE_TEST_TRUE(!memcmp(v1.u, v2.u, sizeof(double) * 16 * 128), "same seed -> identical view");
  LIE_TEST_TRUE(lie_rel_l2(v1.u, v3.u, 16 * 128) > 1e-3, "different seed -> different view");
  lie_field1d_free(&v1), lie_field1d_free(&v2), lie_field1d_free(&v3);
  /* views built concurrently from OpenMP threads equal the serial ones */
  enum { NV = 8 };
  lie_field1d par[NV], ser;
  int perr = 0, same = 1;
#pragma omp parallel for num_threads(2) reduction(+ : perr)
  for (int i = 0; i < NV; i++)
    perr += lie_aug_view1d(&cfg, 500 + i, &ks, &par[i]) != 0;
  LIE_TEST_TRUE(perr == 0, "views from 2 OpenMP threads succeed");
  for (int i = 0; i < NV && !perr; i++) {
    LIE_TEST_CALL(lie_aug_view1d(&cfg, 500 + i, &ks, &ser));
    same &= !memcmp(ser.u, par[i].u, sizeof(double) * 16 * 128);
    lie_field1d_free(&ser), lie_field1d_free(&par[i]);
  }
  LIE_TEST_TRUE(same, "threaded views are identical to serial ones");

  /* bad input */
  lie_aug_seq bad;
  lie_aug_gen gg;
  LIE_TEST_CALL(lie_aug_seq_init(LIE_PDE_KS, &bad));
  expect_error(lie_aug_seq_push(&bad, LIE_AUG_SCALE, 0.1), "not a symmetry of ks", "scale on KS");
  LIE_TEST_CALL(lie_aug_seq_init(LIE_PDE_KDV, &bad));
  expect_error(lie_aug_seq_push(&bad, LIE_AUG_PROJECTIVE, 0.1), "not a symmetry of kdv", "projective on KdV");
  expect_error(lie_aug_seq_push(&bad, LIE_AUG_ROTATE, 0.1), "not a symmetry of kdv", "rotate on KdV");
  expect_error(lie_aug_gen_from_name("shear", &gg), "unknown symmetry generator 'shear'", "unknown name");
  s = one(LIE_PDE_BURGERS, LIE_AUG_PROJECTIVE, 1.0); /* window t in [0.5, 1.28]: 1 - eps t < 0 */
  expect_error(lie_aug1d_apply(&s, LIE_AUG_GRID, &bur, &o, NULL), "projective map singular", "projective eps = 1");
  expect_error(lie_aug1d_apply(&s, LIE_AUG_COORDS, &bur, &o, NULL), "projective map singular", "projective coords");
  expect_error(lie_field1d_crop(&kdv, 0, 41, 0, 256, &o), "does not fit", "crop of 41 frames from 40");
  expect_error(lie_field1d_crop(&kdv, 0, 10, 0, 300, &o), "does not fit", "crop of 300 points from 256");
  cfg.crop_t = 31;
  expect_error(lie_aug_view1d(&cfg, 1, &ks, &o), "larger than", "view crop of 31 frames from 30");
  s = one(LIE_PDE_KDV, LIE_AUG_T_SHIFT, 0.5);
  expect_error(lie_aug1d_apply(&s, LIE_AUG_GRID, &kdv, &o, NULL), "leaves no frame", "time shift past the window");
  lie_field1d co;
  s = one(LIE_PDE_KDV, LIE_AUG_X_SHIFT, 1.0);
  LIE_TEST_CALL(lie_aug1d_apply(&s, LIE_AUG_COORDS, &kdv, &co, NULL));
  expect_error(lie_aug1d_apply(&s, LIE_AUG_GRID, &co, &o, NULL), "grid mode needs gridded input",
               "grid on coords data");
  lie_field1d_free(&co);

  lie_field1d_free(&kdv), lie_field1d_free(&bur), lie_field1d_free(&ks);
  return lie_test_finish();
}
