/* Parallel 1D writer: rows written collectively by any number of ranks land at the right
 * indices (the file equals the one a single rank writes), the reader returns them, and
 * the checker accepts the file and rejects a NaN. Synthetic rows: u[i][k][j] = f(i,k,j). */
#include "lie_test.h"
#include <string.h>
#include <unistd.h>

static double value(int i, int k, int j) { return i + 1e-3 * k + 1e-6 * j; }

static int write_file(lie_ctx ctx, const char *path, int n, int nt, int nx, int poison) {
  lie_writer1d w;
  int size = lie_ctx_size(ctx), rank = lie_ctx_rank(ctx);
  LIE_CALL(lie_writer1d_create(ctx, path, LIE_SPLIT_VALID, LIE_PDE_BURGERS, n, nt, nx, 3, &w));
  for (int r = 0; r < lie_writer1d_rounds(w); r++) {
    int i = r * size + rank;
    if (i < n) {
      double *u, *t, *x;
      lie_traj1d p = {.L = 2.0 + i, .T = 5.0, .nu = 0.01 * (i + 1), .nwaves = 3, .seed = 1000u + i};
      for (int k = 0; k < 3; k++)
        p.amp[k] = i + k, p.phase[k] = -k, p.l[k] = k + 1;
      LIE_CALL(lie_writer1d_slot(w, r, &u, &t, &x));
      for (int k = 0; k < nt; k++)
        for (int j = 0; j < nx; j++)
          u[k * nx + j] = value(i, k, j);
      for (int k = 0; k < nt; k++)
        t[k] = 0.5 * k;
      for (int j = 0; j < nx; j++)
        x[j] = p.L * j / nx;
      if (poison && i == n - 1) u[3] = NAN;
      LIE_CALL(lie_writer1d_set(w, r, &p, 0.5, 1));
    }
    LIE_CALL(lie_writer1d_flush(w, r, r == lie_writer1d_rounds(w) - 1));
  }
  LIE_CALL(lie_writer1d_destroy(&w));
  return LIE_OK;
}

int main(int argc, char **argv) {
  lie_ctx ctx;
  lie_dataset1d ds;
  const int n = 7, nt = 5, nx = 8;
  char path[256], bad[256];
  PetscInitialize(&argc, &argv, NULL, NULL);
  LIE_TEST_CALL(lie_ctx_create(PETSC_COMM_WORLD, &ctx));
  snprintf(path, sizeof path, "test_io_writer_np%d.h5", lie_ctx_size(ctx));
  snprintf(bad, sizeof bad, "test_io_writer_bad_np%d.h5", lie_ctx_size(ctx));
  LIE_TEST_CALL(write_file(ctx, path, n, nt, nx, 0));

  LIE_TEST_CALL(lie_dataset1d_open(ctx, path, NULL, NULL, &ds));
  int N, NT, NX, found;
  lie_dataset1d_sizes(ds, &N, &NT, &NX);
  LIE_TEST_TRUE(N == n && NT == nt && NX == nx && !strcmp(lie_dataset1d_mode(ds), "valid") &&
                    !strcmp(lie_dataset1d_field(ds), "pde_5-8"),
                "reader finds /valid/pde_5-8 with shape (7, 5, 8)");
  double u[5 * 8], t[5], x[8], nu[7], maxerr = 0;
  for (int i = 0; i < n; i++) {
    LIE_TEST_CALL(lie_dataset1d_read(ds, i, u, t, x));
    for (int k = 0; k < nt; k++)
      for (int j = 0; j < nx; j++)
        maxerr = lie_test_max(maxerr, fabs(u[k * nx + j] - value(i, k, j)));
    maxerr = lie_test_max(maxerr, fabs(x[1] - (2.0 + i) / nx));
  }
  LIE_TEST_NEAR(maxerr, 0.0, 0.0, "every row at its index, bit-exact");
  LIE_TEST_CALL(lie_dataset1d_read_param(ds, "nu", nu, &found));
  LIE_TEST_TRUE(found && nu[0] == 0.01 && nu[6] == 0.07, "nu stored per trajectory");
  LIE_TEST_CALL(lie_dataset1d_close(&ds));

  FILE *devnull = fopen("/dev/null", "w");
  LIE_TEST_TRUE(lie_dataset_check(ctx, path, devnull) == LIE_OK, "checker accepts the file");
  LIE_TEST_CALL(write_file(ctx, bad, n, nt, nx, 1));
  int e = lie_dataset_check(ctx, bad, devnull);
  LIE_TEST_TRUE(e == LIE_ERR_FORMAT && strstr(lie_error_message(), "1 NaN/Inf"), "checker reports the NaN");
  printf("     (message: %s)\n", lie_error_message());
  fclose(devnull);
  MPI_Barrier(PETSC_COMM_WORLD);
  if (lie_ctx_rank(ctx) == 0) unlink(bad);
  lie_ctx_destroy(&ctx);
  return lie_test_finish();
}
