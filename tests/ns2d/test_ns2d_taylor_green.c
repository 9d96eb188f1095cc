/* Periodic Taylor–Green vortex u = A sin x cos y, v = -A cos x sin y on [0, 2pi)^2: an exact
 * Navier–Stokes solution decaying like exp(-2 nu t) (k^2 = 2). The semi-Lagrangian
 * scheme is first order (Euler back-trace, O(dx^2/dt) interpolation error at fixed
 * dt/dx), so under refinement with dt = 0.25 dx the error of the field and of the decay
 * rate must fall at first order, and the finest grid must be accurate. */
#include "ns2d_test_util.h"

typedef struct {
  double A, decay;
} tg_arg;
static double tg_u(double x, double y, void *a) {
  tg_arg *t = a;
  return t->A * t->decay * sin(x) * cos(y);
}
static double tg_v(double x, double y, void *a) {
  tg_arg *t = a;
  return -t->A * t->decay * cos(x) * sin(y);
}

/* Runs to time T on an n x n grid; returns relative L2 error of (u, v) and of the decay rate. */
static void run(lie_ctx ctx, int n, lie_ns2d_advect adv, double *field_err, double *rate_err) {
  lie_ns2d_opts p;
  lie_ns2d_opts_default(&p);
  const double nu = 0.05, T = 2.0, A = 0.5;
  p.nx = p.ny = n;
  p.Lx = p.Ly = 2 * M_PI;
  p.nu = nu;
  p.bc = LIE_NS2D_BC_PERIODIC;
  p.advect = adv;
  p.ranks_per_traj = 0;
  int steps = (int)lround(T / (0.25 * p.Lx / n));
  p.dt = T / steps;
  lie_ns2d ns = ns2d_test_make(ctx, &p);
  Vec u, v, s;
  lie_ns2d_get_fields(ns, NULL, &u, &v, &s, NULL);
  tg_arg a = {A, 1.0};
  ns2d_test_set(ns, u, 0.0, 0.5, tg_u, &a);
  ns2d_test_set(ns, v, 0.5, 0.0, tg_v, &a);
  VecSet(s, 0.0);
  lie_ns2d_set_buoyancy(ns, 0.0);
  double maxrel = 0;
  for (int k = 0; k < steps; k++) {
    int ok;
    double dmax, vmax;
    LIE_TEST_CALL(lie_ns2d_step(ns, &ok));
    LIE_TEST_CALL(lie_ns2d_divergence(ns, &dmax, &vmax));
    maxrel = lie_test_max(maxrel, dmax * (p.Lx / n) / vmax);
    if (!ok) printf("step %d failed\n", k);
  }
  char what[128];
  snprintf(what, sizeof what, "n=%d max relative divergence dx|div v|/|v| over all steps", n);
  LIE_TEST_LE(maxrel, 1e-10, what);
  /* Amplitude by projection on the mode, then the decay rate. */
  double e2 = 0, n2 = 0;
  a.decay = exp(-2 * nu * T);
  ns2d_test_err(ns, u, 0.0, 0.5, tg_u, &a, &e2, &n2);
  ns2d_test_err(ns, v, 0.5, 0.0, tg_v, &a, &e2, &n2);
  *field_err = sqrt(e2 / n2);
  /* amplitude = <u, shape> / <shape, shape> (shape = initial field), via the polarisation
   * identity <u, w> = (|u|^2 + |w|^2 - |u - w|^2) / 2 from the error sums. */
  tg_arg one = {A, 1.0}, zero = {0.0, 0.0};
  double uu = 0, dummy = 0, ew = 0, ww = 0;
  ns2d_test_err(ns, u, 0.0, 0.5, tg_u, &zero, &uu, &dummy);
  ns2d_test_err(ns, v, 0.5, 0.0, tg_v, &zero, &uu, &dummy);
  ns2d_test_err(ns, u, 0.0, 0.5, tg_u, &one, &ew, &ww);
  ns2d_test_err(ns, v, 0.5, 0.0, tg_v, &one, &ew, &ww);
  double amp = (uu + ww - ew) / 2 / ww; /* u(T) = amp * u(0) */
  double rate = -log(amp) / T;
  *rate_err = fabs(rate - 2 * nu) / (2 * nu);
  lie_log_info(ctx,
               "{\"test\":\"taylor_green\",\"advect\":\"%s\",\"n\":%d,\"steps\":%d,\"field_err\":%.4e,\"rate\":%.6f,"
               "\"rate_exact\":%.6f,\"rate_err\":%.4e}",
               adv == LIE_NS2D_ADVECT_SL ? "sl" : "maccormack", n, steps, *field_err, rate, 2 * nu, *rate_err);
  lie_ns2d_destroy(&ns);
}

static void convergence(lie_ctx ctx, lie_ns2d_advect adv, double min_order, double fine_field, double fine_rate) {
  const int ns[3] = {16, 32, 64};
  double fe[3], re[3];
  for (int k = 0; k < 3; k++)
    run(ctx, ns[k], adv, &fe[k], &re[k]);
  const char *name = adv == LIE_NS2D_ADVECT_SL ? "sl" : "maccormack";
  char what[128];
  for (int k = 1; k < 3; k++) {
    double of = log2(fe[k - 1] / fe[k]), orr = log2(re[k - 1] / re[k]);
    snprintf(what, sizeof what, "%s field error order %d->%d (observed)", name, ns[k - 1], ns[k]);
    LIE_TEST_LE(min_order, of, what);
    snprintf(what, sizeof what, "%s decay-rate error order %d->%d (observed)", name, ns[k - 1], ns[k]);
    LIE_TEST_LE(min_order, orr, what);
  }
  snprintf(what, sizeof what, "%s relative field error at 64^2", name);
  LIE_TEST_LE(fe[2], fine_field, what);
  snprintf(what, sizeof what, "%s relative decay-rate error at 64^2", name);
  LIE_TEST_LE(re[2], fine_rate, what);
}

int main(int argc, char **argv) {
  lie_ctx ctx;
  PetscInitialize(&argc, &argv, NULL, NULL);
  LIE_TEST_CALL(lie_ctx_create(PETSC_COMM_WORLD, &ctx));
  /* Observed (16->32->64): SL order 0.87, 0.94 (field) and 0.92, 0.96 (rate); MacCormack
   * 0.74, 0.87 — also first order, the Euler back-trace and the splitting dominate — with
   * 14x smaller errors. */
  convergence(ctx, LIE_NS2D_ADVECT_SL, 0.85, 0.05, 0.25);
  convergence(ctx, LIE_NS2D_ADVECT_MACCORMACK, 0.65, 5e-3, 0.02);
  lie_ctx_destroy(&ctx);
  return lie_test_finish();
}
