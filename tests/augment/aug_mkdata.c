/* Writes a small 1D dataset of exact / accurately solved trajectories for the CLI tests:
 *   aug_mkdata ks|kdv|burgers OUT.h5
 * 3 trajectories, 21 frames, 256 points (KdV two-solitons at different positions, Burgers
 * by Cole–Hopf at different phases and viscosities, KS by fine ETDRK4), in liereg's layout. */
#include "aug_testlib.h"

int main(int argc, char **argv) {
  PetscInitialize(&argc, &argv, NULL, NULL);
  lie_ctx ctx;
  lie_pde pde;
  lie_writer1d w;
  const int n = 3, nt = 21, nx = 256;
  if (argc < 3) return 2;
  LIE_TEST_CALL(lie_ctx_create(PETSC_COMM_WORLD, &ctx));
  LIE_TEST_CALL(lie_pde_from_name(argv[1], &pde));
  LIE_TEST_CALL(lie_writer1d_create(ctx, argv[2], LIE_SPLIT_TRAIN, pde, n, nt, nx, 1, &w));
  for (int r = 0; r < lie_writer1d_rounds(w); r++) {
    int i = r * lie_ctx_size(ctx) + lie_ctx_rank(ctx);
    double *u, *t, *x, dt = pde == LIE_PDE_BURGERS ? 0.05 : 0.02;
    lie_traj1d p = {0};
    LIE_TEST_CALL(lie_writer1d_slot(w, r, &u, &t, &x));
    lie_field1d f;
    if (i < n) {
      if (pde == LIE_PDE_KDV)
        make_kdv(&f, nt, 0.0, dt);
      else if (pde == LIE_PDE_BURGERS)
        make_burgers(&f, nt, 0.5 + 0.3 * i, dt, 0.05 + 0.03 * i);
      else
        make_ks(&f, nt, 1.0 + 0.5 * i, dt);
      /* vary the trajectories: KdV/KS by a shift, Burgers by its start time and viscosity */
      for (int m = 0; m < nt && pde != LIE_PDE_BURGERS; m++)
        for (int j = 0; j < nx; j++)
          u[m * nx + j] = f.u[m * nx + (j + 17 * i) % nx];
      if (pde == LIE_PDE_BURGERS) memcpy(u, f.u, sizeof(double) * nt * nx);
      memcpy(t, f.t, sizeof(double) * nt);
      memcpy(x, f.x, sizeof(double) * nx);
      p.L = f.L, p.T = f.t[nt - 1], p.nu = pde == LIE_PDE_BURGERS ? 0.05 + 0.03 * i : 0, p.nwaves = 1, p.seed = 100 + i;
      lie_field1d_free(&f);
    } else
      p.nwaves = 1;
    LIE_TEST_CALL(lie_writer1d_set(w, r, &p, dt, 1));
    LIE_TEST_CALL(lie_writer1d_flush(w, r, r == lie_writer1d_rounds(w) - 1));
  }
  LIE_TEST_CALL(lie_writer1d_destroy(&w));
  LIE_TEST_CALL(lie_ctx_destroy(&ctx));
  PetscFinalize();
  return 0;
}
