/* The C twin of stepper_fortran.f90: the same window, grid and conditioning through
 * lie_stepper_predict, printed in the same format, so the test can check that the Fortran
 * binding passes the arrays (layout), scalars and handles correctly.   stepper_ref CKPT.h5 */
#include "liereg/infer.h"

#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  lie_ctx ctx;
  lie_stepper st;
  lie_stepper_info info;
  MPI_Init(&argc, &argv);
  if (argc != 2 || lie_ctx_create(MPI_COMM_SELF, &ctx) || lie_stepper_load(ctx, argv[1], 1, &st) ||
      lie_stepper_get_info(st, &info)) {
    fprintf(stderr, "liereg: error: %s\n", lie_error_message());
    return 1;
  }
  int H = info.history, F = info.future, nx = info.nx;
  double *u = malloc(sizeof(double) * nx * H), *future = malloc(sizeof(double) * nx * F);
  double dx = 1.0 / nx, dt = 0.05, cond = -3.0, s = 0;
  for (int k = 0; k < H; k++)
    for (int j = 0; j < nx; j++)
      u[k * nx + j] = 0.01 * ((7 * j + 13 * k) % 97) - 0.48;
  if (lie_stepper_predict(st, 1, H, nx, u, &dx, &dt, info.cond_dim ? &cond : NULL, future)) {
    fprintf(stderr, "liereg: error: %s\n", lie_error_message());
    return 1;
  }
  for (int i = 0; i < nx * F; i++)
    s += future[i];
  printf("%.16e %.16e %.16e %.16e %.16e\n", s, future[0], future[1], future[(F - 1) * nx + nx - 1],
         future[(F - 1) * nx]);
  free(u), free(future);
  lie_stepper_destroy(&st), lie_ctx_destroy(&ctx);
  MPI_Finalize();
  return 0;
}
