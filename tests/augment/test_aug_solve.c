/* Transform-then-solve = solve-then-transform for every 1D generator in grid mode: the
 * transformed trajectory's first frame is solved forward on the transformed domain (L~) to
 * the transformed times and compared with the transformed trajectory. The integrator is the
 * test-only ETDRK4 of aug_testlib.h (step <= dt/10); the asserted bound, 1e-10 relative L2,
 * is set by that integrator and the data (exact solutions / fine ETDRK4), not by the
 * augmentation, which is exact for these maps (phase shifts, relabelled grids).
 * The same comparison is repeated with liereg's own solver (lie_solver1d_solve_from,
 * accuracy-controlled, default target 1e-8): bound 1e-7.
 * The projective map is excluded: its image is not periodic on any fixed domain (it adds
 * eps*x), so a periodic solver cannot evolve it; test_aug_residual covers it. */
#include "aug_testlib.h"

static lie_ctx ctx;

/* Re-solve with liereg's solver (set up for this PDE and nx). */
static double solve_check_liereg(lie_pde pde, double nu, const lie_field1d *f) {
  lie_solver1d s;
  char nxs[16];
  int nt = f->nt, nx = f->nx;
  snprintf(nxs, sizeof nxs, "%d", nx);
  PetscOptionsSetValue(NULL, "-nx", nxs);
  LIE_TEST_CALL(lie_solver1d_create(ctx, pde, &s));
  LIE_TEST_CALL(lie_solver1d_set_from_options(s));
  LIE_TEST_CALL(lie_solver1d_setup(s));
  double *times = malloc(sizeof(double) * nt), *sol = malloc(sizeof(double) * nt * nx);
  for (int m = 0; m < nt; m++)
    times[m] = f->t[m] - f->t[0];
  LIE_TEST_CALL(lie_solver1d_solve_from(s, f->L, nu, f->u, nx, nt, times, sol));
  double e = lie_rel_l2(sol, f->u, (size_t)nt * nx);
  free(times), free(sol);
  LIE_TEST_CALL(lie_solver1d_destroy(&s));
  return e;
}

static double solve_check(lie_pde pde, double nu, const lie_field1d *f) {
  int nt = f->nt, nx = f->nx;
  double *times = malloc(sizeof(double) * nt), *sol = malloc(sizeof(double) * nt * nx);
  for (int m = 0; m < nt; m++)
    times[m] = f->t[m] - f->t[0];
  double hmax = (f->t[nt - 1] - f->t[0]) / (nt - 1) / 10;
  etd_solve(pde, f->L, nu, nx, f->u, nt, times, hmax, sol);
  double e = lie_rel_l2(sol, f->u, (size_t)nt * nx);
  free(times), free(sol);
  return e;
}

static void check(const char *name, lie_pde pde, double nu, const lie_field1d *d, lie_aug_gen g, double eps,
                  double bound) {
  lie_aug_seq s;
  lie_field1d o;
  char what[200];
  LIE_TEST_CALL(lie_aug_seq_init(pde, &s));
  LIE_TEST_CALL(lie_aug_seq_push(&s, g, eps));
  LIE_TEST_CALL(lie_aug1d_apply(&s, LIE_AUG_GRID, d, &o, NULL));
  double e0 = solve_check(pde, nu, d), e1 = solve_check(pde, nu, &o);
  snprintf(what, sizeof what, "%s %s eps=%g: solve from transformed frame 0 on L=%g (untransformed: %.2e)", name,
           lie_aug_gen_name(g), eps, o.L, e0);
  LIE_TEST_LE(e1, bound, what);
  double l0 = solve_check_liereg(pde, nu, d), l1 = solve_check_liereg(pde, nu, &o);
  snprintf(what, sizeof what, "%s %s eps=%g: same with lie_solver1d_solve_from (untransformed: %.2e)", name,
           lie_aug_gen_name(g), eps, l0);
  LIE_TEST_LE(l1, 1e-7, what);
  if (g == LIE_AUG_GALILEAN || g == LIE_AUG_SCALE) { /* negative control: drop the change of u */
    double f = g == LIE_AUG_GALILEAN ? 0 : exp(eps);
    for (size_t i = 0; i < (size_t)o.nt * o.nx; i++)
      o.u[i] = g == LIE_AUG_GALILEAN ? o.u[i] - eps : o.u[i] * f;
    double e2 = solve_check(pde, nu, &o);
    snprintf(what, sizeof what, "%s %s: the wrong map (u not transformed) fails this check", name, lie_aug_gen_name(g));
    LIE_TEST_LE(1e-4, e2, what);
  }
  lie_field1d_free(&o);
}

int main(int argc, char **argv) {
  PetscInitialize(&argc, &argv, NULL, NULL);
  LIE_TEST_CALL(lie_ctx_create(PETSC_COMM_WORLD, &ctx));
  lie_field1d kdv, bur, ks;
  make_kdv(&kdv, 21, 0.0, 0.02);
  make_burgers(&bur, 21, 0.5, 0.05, 0.1);
  make_ks(&ks, 21, 1.0, 0.02);
  check("kdv", LIE_PDE_KDV, 0, &kdv, LIE_AUG_T_SHIFT, 0.1, 1e-10);
  check("kdv", LIE_PDE_KDV, 0, &kdv, LIE_AUG_X_SHIFT, 7.3, 1e-10);
  check("kdv", LIE_PDE_KDV, 0, &kdv, LIE_AUG_GALILEAN, 0.5, 1e-10);
  check("kdv", LIE_PDE_KDV, 0, &kdv, LIE_AUG_SCALE, 0.25, 1e-10);
  check("burgers", LIE_PDE_BURGERS, 0.1, &bur, LIE_AUG_T_SHIFT, 0.15, 1e-10);
  check("burgers", LIE_PDE_BURGERS, 0.1, &bur, LIE_AUG_X_SHIFT, 2.0, 1e-10);
  check("burgers", LIE_PDE_BURGERS, 0.1, &bur, LIE_AUG_GALILEAN, -0.6, 1e-10);
  check("burgers", LIE_PDE_BURGERS, 0.1, &bur, LIE_AUG_SCALE, -0.3, 1e-10);
  check("ks", LIE_PDE_KS, 0, &ks, LIE_AUG_T_SHIFT, 0.06, 1e-10);
  check("ks", LIE_PDE_KS, 0, &ks, LIE_AUG_X_SHIFT, 11.0, 1e-10);
  check("ks", LIE_PDE_KS, 0, &ks, LIE_AUG_GALILEAN, 0.8, 1e-10);
  lie_field1d_free(&kdv), lie_field1d_free(&bur), lie_field1d_free(&ks);
  LIE_TEST_CALL(lie_ctx_destroy(&ctx));
  return lie_test_finish();
}
