/* Strided time crops (-aug_crop_dt): a crop of crop_t frames crop_dt apart commutes with the
 * Lie maps — a time shift or a space-time map acts on the whole trajectory, then the frames
 * are picked — and the embedding window takes frames 0, crop_dt, ... of the stored data.
 * Checked on the exact Burgers solution (Cole–Hopf, aug_testlib.h). */
#include "aug_testlib.h"
#include "liereg/ssl.h"

#define NT 60
#define NX 64
#define DT 0.05
#define T0 4.0
#define NU 0.05

static void make_exact(lie_field1d *f) {
  LIE_TEST_CALL(lie_field1d_alloc(NT, NX, 0, f));
  LIE_TEST_CALL(lie_field1d_set_grid(f, 2 * M_PI, T0, DT));
  f->periodic = 1;
  for (int n = 0; n < NT; n++)
    for (int j = 0; j < NX; j++)
      f->u[(size_t)n * NX + j] = burgers_exact(f->x[j], f->t[n], NU);
}

/* Largest difference of u, t (and X, T when both have them) over the first nt frames; NaN
 * propagates (the comparison below fails). */
static double field_diff(const lie_field1d *a, const lie_field1d *b, int nt) {
  double m = 0;
  for (int n = 0; n < nt; n++) {
    double d = fabs(a->t[n] - b->t[n]);
    if (!(d <= m)) m = d;
    for (int j = 0; j < a->nx; j++) {
      size_t k = (size_t)n * a->nx + j;
      double e = fabs(a->u[k] - b->u[k]);
      if (a->X && b->X) e += fabs(a->X[k] - b->X[k]) + fabs(a->T[k] - b->T[k]);
      if (!(e <= m)) m = e;
    }
  }
  return m;
}

static lie_aug_seq seq_of(int n, const lie_aug_gen *g, const double *eps) {
  lie_aug_seq s;
  LIE_TEST_CALL(lie_aug_seq_init(LIE_PDE_BURGERS, &s));
  for (int i = 0; i < n; i++)
    LIE_TEST_CALL(lie_aug_seq_push(&s, g[i], eps[i]));
  return s;
}

/* A pure time shift by q strided frames (q S dt): the strided crop of the shifted trajectory
 * equals the shift of the strided crop, frame for frame, and both are the exact solution at
 * (label - shift). */
static void shift_commutes(const lie_field1d *u, int S, int q) {
  const int first = 5, N = 8;
  const double eps = q * S * DT;
  lie_aug_gen g = LIE_AUG_T_SHIFT;
  lie_aug_seq s = seq_of(1, &g, &eps);
  lie_field1d shifted, a, c, b;
  char what[160];
  LIE_TEST_CALL(lie_aug1d_apply(&s, LIE_AUG_GRID, u, &shifted, NULL));
  LIE_TEST_CALL(lie_field1d_crop_strided(&shifted, first, N, S, 0, NX, &a)); /* crop of the shifted */
  LIE_TEST_CALL(lie_field1d_crop_strided(u, first, N, S, 0, NX, &c));
  LIE_TEST_CALL(lie_aug1d_apply(&s, LIE_AUG_GRID, &c, &b, NULL)); /* shift of the crop */
  int both = b.nt < a.nt ? b.nt : a.nt;
  snprintf(what, sizeof what, "t shift %g (q %d, stride %d): %d common frames", eps, q, S, both);
  LIE_TEST_TRUE(both == N - abs(q), what);
  snprintf(what, sizeof what, "t shift %g, stride %d: crop(shift(u)) = shift(crop(u))", eps, S);
  LIE_TEST_LE(field_diff(&a, &b, both), 1e-14, what);
  double m = 0;
  for (int n = 0; n < a.nt; n++) {
    double e = n ? fabs(a.t[n] - a.t[n - 1] - S * DT) : 0.0; /* frames S dt apart */
    if (!(e <= m)) m = e;
    for (int j = 0; j < NX; j++) {
      double d = fabs(a.u[(size_t)n * NX + j] - burgers_exact(a.x[j], a.t[n] - eps, NU));
      if (!(d <= m)) m = d;
    }
  }
  snprintf(what, sizeof what, "t shift %g, stride %d: frames S dt apart, u~(t) = u(t - eps) exactly", eps, S);
  LIE_TEST_LE(m, 1e-12, what);
  lie_field1d_free(&shifted), lie_field1d_free(&a), lie_field1d_free(&c), lie_field1d_free(&b);
}

/* Maps that keep every frame (Galilean boost, scaling, space shift): picking frames and
 * mapping commute, in grid and in coords mode. */
static void map_commutes(const lie_field1d *u, lie_aug_mode mode, int S) {
  const lie_aug_gen g[3] = {LIE_AUG_GALILEAN, LIE_AUG_SCALE, LIE_AUG_X_SHIFT};
  const double eps[3] = {0.15, 0.08, 0.4};
  lie_aug_seq s = seq_of(3, g, eps);
  lie_field1d whole, a, c, b;
  char what[160];
  LIE_TEST_CALL(lie_aug1d_apply(&s, mode, u, &whole, NULL));
  LIE_TEST_CALL(lie_field1d_crop_strided(&whole, 3, 7, S, 0, NX, &a));
  LIE_TEST_CALL(lie_field1d_crop_strided(u, 3, 7, S, 0, NX, &c));
  LIE_TEST_CALL(lie_aug1d_apply(&s, mode, &c, &b, NULL));
  snprintf(what, sizeof what, "%s mode, galilean+scale+x_shift, stride %d: crop(map(u)) = map(crop(u)) (%d, %d frames)",
           lie_aug_mode_name(mode), S, a.nt, b.nt);
  LIE_TEST_LE(field_diff(&a, &b, 7) + (a.nt != 7) + (b.nt != 7), 1e-12, what);
  lie_field1d_free(&whole), lie_field1d_free(&a), lie_field1d_free(&c), lie_field1d_free(&b);
}

/* Views: crop_t frames crop_dt apart. With a time shift only, every frame of the view is a
 * stored frame (grid mode rounds the shift to whole frames), S stored frames after the last. */
static void views_are_strided(const lie_field1d *u, int S) {
  lie_aug_opts cfg;
  LIE_TEST_CALL(lie_aug_opts_default(LIE_PDE_BURGERS, &cfg));
  for (int i = 0; i < cfg.ngen; i++)
    cfg.strength[i] = cfg.gens[i] == LIE_AUG_T_SHIFT ? 0.6 : 0.0; /* up to 12 frames */
  cfg.crop_t = 6, cfg.crop_dt = S;
  int bad = 0, starts = 0, seen[NT] = {0};
  for (uint64_t seed = 1; seed <= 40; seed++) {
    lie_field1d v;
    LIE_TEST_CALL(lie_aug_view1d(&cfg, seed, u, &v));
    int r = -1;
    for (int k = 0; k < NT && r < 0; k++)
      if (!memcmp(v.u, u->u + (size_t)k * NX, NX * sizeof(double))) r = k;
    bad += v.nt != 6 || r < 0 || r + 5 * S >= NT;
    for (int n = 0; !bad && n < v.nt; n++) {
      bad += memcmp(v.u + (size_t)n * NX, u->u + (size_t)(r + n * S) * NX, NX * sizeof(double)) != 0;
      bad += n > 0 && !(fabs(v.t[n] - v.t[n - 1] - S * DT) <= 1e-9);
    }
    if (r >= 0 && !seen[r]) seen[r] = 1, starts++;
    lie_field1d_free(&v);
  }
  char what[160];
  snprintf(what, sizeof what, "views with stride %d: 6 stored frames %d apart, %d different starts in 40 views", S, S,
           starts);
  LIE_TEST_TRUE(bad == 0 && starts >= 5, what);

  /* the plain crop of the trained head / supervised baseline: frames 0, S, ... */
  for (int i = 0; i < cfg.ngen; i++)
    cfg.strength[i] = 0;
  cfg.crop_first = 1;
  lie_field1d v, c;
  LIE_TEST_CALL(lie_aug_view1d(&cfg, 7, u, &v));
  LIE_TEST_CALL(lie_field1d_crop_strided(u, 0, 6, S, 0, NX, &c));
  snprintf(what, sizeof what, "crop_first view with stride %d = frames 0, %d, ..., %d", S, S, 5 * S);
  LIE_TEST_LE(field_diff(&v, &c, 6) + (v.nt != 6), 0.0, what);
  lie_field1d_free(&v), lie_field1d_free(&c);

  /* stride 0 and 1 are the same consecutive crop, draw for draw */
  lie_field1d v0, v1;
  cfg.crop_first = 0, cfg.strength[0] = 0.6;
  cfg.crop_dt = 0;
  LIE_TEST_CALL(lie_aug_view1d(&cfg, 11, u, &v0));
  cfg.crop_dt = 1;
  LIE_TEST_CALL(lie_aug_view1d(&cfg, 11, u, &v1));
  LIE_TEST_TRUE(v0.nt == v1.nt && !memcmp(v0.u, v1.u, (size_t)v0.nt * NX * sizeof(double)),
                "crop_dt 0 and 1: the same view");
  lie_field1d_free(&v0), lie_field1d_free(&v1);

  /* a span larger than the trajectory is refused, not clipped */
  cfg.crop_t = 20, cfg.crop_dt = 5; /* 96 frames */
  int err = lie_aug_view1d(&cfg, 3, u, &v);
  LIE_TEST_TRUE(err && strstr(lie_error_message(), "spanning 96"), "crop of 20 frames 5 apart on 60 frames refused");
  lie_error_clear();
}

/* Navier-Stokes views (grid and coords mode) with a time shift only: every field of the view is
 * a stored frame (to resampling round-off in grid mode), S stored frames after the last. */
static void ns_views_are_strided(lie_aug_mode mode, int S) {
  const int nt = 30, n = 8;
  lie_field_ns f;
  LIE_TEST_CALL(lie_field_ns_alloc(nt, n, n, 0, 0, &f));
  LIE_TEST_CALL(lie_field_ns_set_grid(&f, 2 * M_PI, 2 * M_PI, 0.0, 0.5));
  for (int m = 0; m < nt; m++)
    for (int i = 0; i < n; i++)
      for (int j = 0; j < n; j++) {
        size_t k = ((size_t)m * n + i) * n + j;
        f.u[k] = m + 0.1 * cos(f.x[i]), f.vx[k] = -m + 0.2 * sin(f.y[j]),
        f.vy[k] = 0.5 * m + 0.1 * cos(f.x[i] + f.y[j]);
      }
  lie_aug_opts cfg;
  LIE_TEST_CALL(lie_aug_opts_default(LIE_PDE_NS, &cfg));
  cfg.mode = mode;
  for (int i = 0; i < cfg.ngen; i++)
    cfg.strength[i] = cfg.gens[i] == LIE_AUG_T_SHIFT ? 2.0 : 0.0; /* up to 4 frames */
  cfg.crop_t = 4, cfg.crop_dt = S;
  double worst = 0;
  int bad = 0;
  const size_t fr = (size_t)n * n;
  for (uint64_t seed = 1; seed <= 12; seed++) {
    lie_field_ns v;
    LIE_TEST_CALL(lie_aug_view_ns(&cfg, seed, &f, &v));
    int r = (int)lround(v.u[0] - 0.1 * cos(f.x[0])); /* the stored frame of view frame 0 */
    bad += v.nt != 4 || r < 0 || r + 3 * S >= nt;
    for (int m = 0; !bad && m < v.nt; m++)
      for (size_t k = 0; k < fr; k++) {
        size_t a = (size_t)m * fr + k, b = (size_t)(r + m * S) * fr + k;
        double d = fabs(v.u[a] - f.u[b]) + fabs(v.vx[a] - f.vx[b]) + fabs(v.vy[a] - f.vy[b]);
        if (mode == LIE_AUG_COORDS) /* T = t + eps: the same shift on every picked frame */
          d += fabs(v.T[a] - f.t[r + m * S] - (v.T[0] - f.t[r])) + fabs(v.t[m] - f.t[r + m * S]) +
               (v.T[0] - f.t[r] < 0 || v.T[0] - f.t[r] > 2.0);
        if (!(d <= worst)) worst = d;
      }
    lie_field_ns_free(&v);
  }
  char what[160];
  snprintf(what, sizeof what, "NS %s-mode views with stride %d: 4 stored frames %d apart (12 views)",
           lie_aug_mode_name(mode), S, S);
  LIE_TEST_LE(worst + bad, 1e-12, what);
  lie_field_ns_free(&f);
}

/* The embedding window (liereg embed, the inference API): frames 0, S, ... normalised, and in
 * coords mode t/t_end of those frames. */
static void window_is_strided(const lie_field1d *u, int S) {
  lie_ssl_model_opts m;
  memset(&m, 0, sizeof m);
  m.dims = 2, m.width = 8, m.cin = 3, m.crop_t = 5, m.crop_x = NX, m.crop_dt = S;
  const double mean = 0.01, sd = 0.3, t_end = T0 + (NT - 1) * DT;
  float *x = malloc(sizeof(float) * 3 * 5 * NX);
  LIE_TEST_CALL(lie_ssl_window1d_input(&m, mean, sd, u->u, NT, NX, u->L, T0, DT, t_end, x));
  double e = 0;
  for (int n = 0; n < 5; n++)
    for (int j = 0; j < NX; j++) {
      size_t k = (size_t)n * NX + j;
      double d = fabs(x[k] - (float)((u->u[(size_t)n * S * NX + j] - mean) / sd)) +
                 fabs(x[2 * 5 * NX + k] - (float)((T0 + n * S * DT) / t_end));
      if (!(d <= e)) e = d;
    }
  char what[160];
  snprintf(what, sizeof what, "embedding window, stride %d: frames 0..%d step %d, their t/t_end", S, 4 * S, S);
  LIE_TEST_LE(e, 0.0, what);
  LIE_TEST_TRUE(lie_ssl_model_span(&m) == 4 * S + 1, "span of 5 frames S apart = 4 S + 1");
  m.crop_t = 16, m.crop_dt = 4; /* 61 frames > 60 */
  int err = lie_ssl_window1d_input(&m, mean, sd, u->u, NT, NX, u->L, T0, DT, t_end, x);
  LIE_TEST_TRUE(err == LIE_ERR_USAGE && strstr(lie_error_message(), "spanning 61"),
                "window of 60 frames for 16 frames 4 apart refused (usage error)");
  lie_error_clear();
  free(x);
}

int main(int argc, char **argv) {
  PetscInitialize(&argc, &argv, NULL, NULL);
  lie_field1d u;
  make_exact(&u);
  shift_commutes(&u, 4, 2);
  shift_commutes(&u, 4, -1);
  shift_commutes(&u, 3, 1);
  map_commutes(&u, LIE_AUG_GRID, 4);
  map_commutes(&u, LIE_AUG_COORDS, 4);
  views_are_strided(&u, 4);
  views_are_strided(&u, 8);
  window_is_strided(&u, 3);
  ns_views_are_strided(LIE_AUG_GRID, 3);
  ns_views_are_strided(LIE_AUG_COORDS, 5);
  lie_field1d_free(&u);
  lie_aug_thread_cleanup();
  return lie_test_finish();
}
