/* Observed convergence orders of the time integrators (internal API): ETDRK4 (order 4) and
 * ETD Adams-Bashforth q (order q) on a short KS run (smooth, stiff: k^4 up to 2.4e4) and
 * ETDRK4 on KdV (imaginary linear part, full contour). The error of each run is measured
 * against an ETDRK4 run with a 16x smaller step; the order is log2 of the error ratio of
 * step h and h/2, in the asymptotic range. */
#include "lie_test.h"
#include "solvers/solver1d_impl.h"

typedef struct {
  lie_spec1d *sp, *out;
  lie_etd4 *e4;
  lie_etdab *ab;
  double complex *Lk, *v;
  lie_pde1d p;
  lie_traj1d traj;
} rig;

static void rig_make(rig *r, lie_pde pde, int n, double L, int q) {
  LIE_TEST_CALL(lie_spec1d_create(n, pde != LIE_PDE_KS, &r->sp));
  LIE_TEST_CALL(lie_spec1d_create(n, 0, &r->out));
  LIE_TEST_CALL(lie_etd4_create(r->sp->nk, &r->e4));
  LIE_TEST_CALL(lie_etdab_create(r->sp->nk, q, &r->ab));
  r->Lk = fftw_alloc_complex(r->sp->nk);
  r->v = fftw_alloc_complex(r->sp->nk);
  lie_spec1d_set_length(r->sp, L);
  r->p = (lie_pde1d){.pde = pde, .nu = 0, .sp = r->sp};
  lie_pde1d_linear(&r->p, r->Lk);
  /* a fixed smooth initial condition with modes 1..3 */
  r->traj = (lie_traj1d){.L = L, .nwaves = 3, .amp = {0.4, -0.3, 0.25}, .phase = {0.3, 1.9, 4.0}, .l = {1, 2, 3}};
}

static void rig_free(rig *r) {
  lie_spec1d_destroy(&r->sp);
  lie_spec1d_destroy(&r->out);
  lie_etd4_destroy(&r->e4);
  lie_etdab_destroy(&r->ab);
  fftw_free(r->Lk);
  fftw_free(r->v);
}

/* s steps per output interval; ab = 0: ETDRK4, else ETD-AB. */
static void rig_run(rig *r, int ab, int s, int nt, const double *times, double *U) {
  double tail;
  lie_ic1d_coeffs(&r->traj, r->sp, r->v);
  r->e4->h = r->ab->h = -1;
  long st;
  if (ab)
    st = lie_integrate1d_ab(&r->p, r->ab, r->e4, r->v, r->Lk, times[1] - times[0], s, 8, nt, 0, r->out, U, &tail);
  else
    st = lie_integrate1d(&r->p, r->e4, r->v, r->Lk, (times[1] - times[0]) / s, nt, times, 0, r->out, U, &tail);
  LIE_TEST_TRUE(st > 0, "run finite");
}

static void order_test(lie_pde pde, int ab, int q, double L, double T, const int *steps, int nsteps, double want,
                       double tol) {
  enum { NT = 6, N = 128 };
  double times[NT], *U = malloc(sizeof(double) * NT * N), *R = malloc(sizeof(double) * NT * N), err[8];
  for (int i = 0; i < NT; i++)
    times[i] = i * T / (NT - 1);
  rig r;
  rig_make(&r, pde, N, L, q);
  rig_run(&r, 0, 16 * steps[nsteps - 1], NT, times, R);
  for (int k = 0; k < nsteps; k++) {
    rig_run(&r, ab, steps[k], NT, times, U);
    err[k] = lie_rel_l2(U, R, (size_t)NT * N);
    printf("     %s %s%d steps/interval %d: rel error %.3e\n", lie_pde_name(pde), ab ? "ETD-AB" : "ETDRK", ab ? q : 4,
           steps[k], err[k]);
  }
  char what[128];
  snprintf(what, sizeof what, "%s %s%d observed order (last halving)", lie_pde_name(pde), ab ? "ETD-AB" : "ETDRK",
           ab ? q : 4);
  LIE_TEST_NEAR(log2(err[nsteps - 2] / err[nsteps - 1]), want, tol, what);
  rig_free(&r);
  free(U);
  free(R);
}

/* phi_k by the contour integral vs a long double reference (Taylor series for |z| < 4, the
 * closed-form recurrence otherwise): the coefficients must be accurate to ~1e-15, since a
 * coefficient error acts like an h-independent perturbation of the equation that KS's chaos
 * amplifies (with K&T's closed forms on the circle the error was ~1e-13). */
static void phi_accuracy(void) {
  const long double complex zs[6] = {0.0L, 0.01L, -0.7L, 1.3L * I, -3.0L + 2.0L * I, -40.0L};
  double worst = 0;
  for (int c = 0; c < 6; c++) {
    const long double complex z = zs[c];
    long double complex ref[6];
    if (cabsl(z) < 4) {
      for (int k = 0; k < 6; k++) {
        long double complex s = 0, term = 1;
        for (int i = 2; i <= k; i++)
          term /= i;
        for (int i = 0; i < 80; i++) {
          s += term;
          term *= z / (i + k + 1);
        }
        ref[k] = s;
      }
    } else {
      long double f = 1;
      ref[0] = cexpl(z);
      for (int k = 0; k < 5; k++) {
        ref[k + 1] = (ref[k] - 1 / f) / z;
        f *= k + 1;
      }
    }
    double complex phi[6];
    lie_phi_contour((double complex)z, 5, 64, phi);
    for (int k = 1; k < 6; k++)
      worst = lie_test_max(worst, (double)(cabsl(phi[k] - ref[k]) / cabsl(ref[k])));
  }
  LIE_TEST_LE(worst, 1e-14, "phi_1..phi_5 by contour integral: max relative error vs long double");
}

int main(int argc, char **argv) {
  PetscInitialize(&argc, &argv, NULL, NULL);
  phi_accuracy();
  const int s_rk[3] = {2, 4, 8}, s_ab[3] = {8, 16, 32};
  /* Cox-Matthews ETDRK4 shows its known stiff order reduction to 3 on KS (Hochbruck &
   * Ostermann 2005); the solver's Richardson estimate assumes order 3 for it. */
  order_test(LIE_PDE_KS, 0, 4, 32, 5, s_rk, 3, 3.0, 0.35);
  order_test(LIE_PDE_KS, 1, 4, 32, 5, s_ab, 3, 4.0, 0.35);
  order_test(LIE_PDE_KS, 1, 5, 32, 5, s_ab, 3, 5.0, 0.4);
  order_test(LIE_PDE_KDV, 0, 4, 32, 2, s_rk, 3, 4.0, 0.35);
  return lie_test_finish();
}
