/* Independent check of a `liereg augment` output: every trajectory, solved from its first
 * frame on its own (transformed) domain L with its nu, must reproduce the stored frames at
 * the stored times (relative L2 <= the bound given, default 1e-9).
 *   aug_check ks|kdv|burgers FILE.h5 [bound [etd|liereg]]
 * Solver: the test-only ETDRK4 of aug_testlib.h (step <= dt/10, default) or liereg's own
 * lie_solver1d_solve_from (accuracy-controlled; grid refined internally). */
#include "aug_testlib.h"

int main(int argc, char **argv) {
  PetscInitialize(&argc, &argv, NULL, NULL);
  lie_ctx ctx;
  lie_pde pde;
  lie_dataset1d ds;
  int n, nt, nx, fL, fnu;
  if (argc < 3) return 2;
  double bound = argc > 3 ? atof(argv[3]) : 1e-9;
  int use_liereg = argc > 4 && !strcmp(argv[4], "liereg");
  LIE_TEST_CALL(lie_ctx_create(PETSC_COMM_WORLD, &ctx));
  LIE_TEST_CALL(lie_pde_from_name(argv[1], &pde));
  LIE_TEST_CALL(lie_dataset1d_open(ctx, argv[2], NULL, NULL, &ds));
  LIE_TEST_CALL(lie_dataset1d_sizes(ds, &n, &nt, &nx));
  lie_solver1d solver = NULL;
  if (use_liereg) {
    char nxs[16];
    snprintf(nxs, sizeof nxs, "%d", nx);
    PetscOptionsSetValue(NULL, "-nx", nxs);
    LIE_TEST_CALL(lie_solver1d_create(ctx, pde, &solver));
    LIE_TEST_CALL(lie_solver1d_set_from_options(solver));
    LIE_TEST_CALL(lie_solver1d_setup(solver));
  }
  double *L = malloc(sizeof(double) * n), *nu = calloc(n, sizeof(double));
  LIE_TEST_CALL(lie_dataset1d_read_param(ds, "L", L, &fL));
  LIE_TEST_CALL(lie_dataset1d_read_param(ds, "nu", nu, &fnu));
  LIE_TEST_TRUE(fL, "file records L");
  lie_field1d f;
  LIE_TEST_CALL(lie_field1d_alloc(nt, nx, 0, &f));
  double *times = malloc(sizeof(double) * nt), *sol = malloc(sizeof(double) * nt * nx), emax = 0;
  for (int i = 0; i < n; i++) {
    LIE_TEST_CALL(lie_dataset1d_read(ds, i, f.u, f.t, f.x));
    for (int m = 0; m < nt; m++)
      times[m] = f.t[m] - f.t[0];
    if (use_liereg)
      LIE_TEST_CALL(lie_solver1d_solve_from(solver, L[i], nu[i], f.u, nx, nt, times, sol));
    else
      etd_solve(pde, L[i], nu[i], nx, f.u, nt, times, (times[nt - 1] / (nt - 1)) / 10, sol);
    double e = lie_rel_l2(sol, f.u, (size_t)nt * nx);
    emax = lie_test_max(emax, e);
    char what[200];
    snprintf(what, sizeof what, "%s trajectory %d (L = %g, nu = %g, %d frames): solve from frame 0 = stored data",
             argv[2], i, L[i], nu[i], nt);
    LIE_TEST_LE(e, bound, what);
  }
  printf("maxerr %.3e\n", emax);
  lie_field1d_free(&f);
  free(times), free(sol), free(L), free(nu);
  LIE_TEST_CALL(lie_dataset1d_close(&ds));
  if (solver) LIE_TEST_CALL(lie_solver1d_destroy(&solver));
  LIE_TEST_CALL(lie_ctx_destroy(&ctx));
  return lie_test_finish();
}
