static const char help[] = "In-situ use of liereg from an MPI/PETSc code: solve one Kuramoto-Sivashinsky\n"
                           "trajectory per rank with the library and report its mean and energy.\n"
                           "Options: the 1D solver's (-nx, -nt, -accuracy, -ks_L, ...) and -seed.\n";
/* The calling code owns MPI/PETSc initialisation and the communicator; liereg gets it
 * through a lie_ctx and never touches MPI_COMM_WORLD. */
#include <liereg/liereg.h>
#include <math.h>
#include <petscsys.h>

static int run(MPI_Comm comm, PetscInt seed) {
  lie_ctx ctx;
  lie_solver1d ks;
  lie_traj1d p;
  int nx, ntot, nsave, start, nw, ok;
  LIE_CALL(lie_ctx_create(comm, &ctx));
  LIE_CALL(lie_solver1d_create(ctx, LIE_PDE_KS, &ks));
  LIE_CALL(lie_solver1d_set_from_options(ks));
  LIE_CALL(lie_solver1d_setup(ks));
  LIE_CALL(lie_solver1d_get_sizes(ks, &nx, &ntot, &nsave, &start, &nw));
  double *u = malloc(sizeof(double) * (size_t)nsave * nx), *t = malloc(sizeof(double) * nsave),
         *x = malloc(sizeof(double) * nx);
  LIE_CHECK(u && t && x, LIE_ERR_MEM, "out of memory");
  LIE_CALL(lie_solver1d_sample(ks, lie_seed_derive((uint64_t)seed, LIE_SPLIT_TRAIN, (uint64_t)lie_ctx_rank(ctx)), &p));
  LIE_CALL(lie_solver1d_solve(ks, &p, u, t, x, &ok));
  double mean = 0, energy = 0;
  for (int j = 0; j < nx; j++)
    mean += u[(size_t)(nsave - 1) * nx + j] / nx;
  for (int j = 0; j < nx; j++)
    energy += pow(u[(size_t)(nsave - 1) * nx + j], 2) / nx;
  printf("[rank %d] KS L=%.3f T=%.3f ok=%d: at t=%.3f mean=%.3e energy=%.6f\n", lie_ctx_rank(ctx), p.L, p.T, ok,
         t[nsave - 1], mean, energy);
  free(u), free(t), free(x);
  LIE_CALL(lie_solver1d_destroy(&ks));
  LIE_CALL(lie_ctx_destroy(&ctx));
  LIE_CHECK(ok && fabs(mean) < 1e-10 && energy > 0.1, LIE_ERR_NUMERIC, "unexpected KS solution");
  return LIE_OK;
}

int main(int argc, char **argv) {
  PetscInt seed = 1;
  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-seed", &seed, NULL));
  if (run(PETSC_COMM_WORLD, seed)) {
    lie_error_print(stderr, 0, 0.0, 1);
    PetscFinalize();
    return 1;
  }
  PetscCall(PetscFinalize());
  return 0;
}
