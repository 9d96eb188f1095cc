/* The C twin of examples/insitu_burgers.f90: the same test-pattern window through the C API,
 * printed in the same format, so the test can check that the Fortran binding passes arrays,
 * strings and handles correctly (identical output).   fortran_ref CKPT.h5 PROBE.h5 */
#include "liereg/infer.h"

#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  lie_ctx ctx;
  lie_encoder enc;
  lie_probe probe;
  lie_encoder_info info;
  double nu;
  MPI_Init(&argc, &argv);
  if (argc != 3 || lie_ctx_create(MPI_COMM_SELF, &ctx) || lie_encoder_load(ctx, argv[1], 1, &enc) ||
      lie_encoder_get_info(enc, &info) || lie_probe_load(ctx, argv[2], &probe)) {
    fprintf(stderr, "liereg: error: %s\n", lie_error_message());
    return 1;
  }
  double *u = malloc(sizeof(double) * info.nx * info.crop_t);
  float *z = malloc(sizeof(float) * info.repr);
  for (int k = 0; k < info.crop_t; k++)
    for (int j = 0; j < info.nx; j++)
      u[k * info.nx + j] = 0.01 * ((7 * j + 13 * k) % 97) - 0.48;
  if (lie_encoder_embed(enc, 1, info.crop_t, info.nx, u, 0.0, info.L[0], z) ||
      lie_probe_predict(probe, 1, info.repr, z, &nu)) {
    fprintf(stderr, "liereg: error: %s\n", lie_error_message());
    return 1;
  }
  printf("%.17e %.8e %.8e %.8e %.8e\n", nu, z[0], z[1], z[2], z[3]);
  free(u), free(z);
  lie_probe_destroy(&probe), lie_encoder_destroy(&enc), lie_ctx_destroy(&ctx);
  MPI_Finalize();
  return 0;
}
