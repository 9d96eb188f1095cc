/* Synchronised batch norm (src/nn/batchnorm_sync.c): each rank holds a slice of a global batch;
 * the synced layer with an MPI-sum reduce must reproduce the plain layer run on the whole batch
 * — output, batch statistics, running statistics, input gradient of the slice — and its local
 * dgamma/dbeta summed over ranks must equal the plain ones. Run on 1, 2 and 4 ranks. */
#include "lie_test.h"

static int mpi_sum(double *buf, int n, void *user) {
  return MPI_Allreduce(MPI_IN_PLACE, buf, n, MPI_DOUBLE, MPI_SUM, *(MPI_Comm *)user) == MPI_SUCCESS ? 0 : LIE_ERR_MPI;
}

static double maxdiff(const float *a, const float *b, size_t n) {
  double m = 0;
  for (size_t i = 0; i < n; i++)
    m = lie_test_max(m, fabs((double)a[i] - b[i]));
  return m;
}

int main(int argc, char **argv) {
  enum { B = 8, C = 3, HW = 5 };
  PetscInitialize(&argc, &argv, NULL, NULL);
  MPI_Comm comm = PETSC_COMM_WORLD;
  int P, r;
  MPI_Comm_size(comm, &P);
  MPI_Comm_rank(comm, &r);
  const int bl = B / P, N = B * C * HW, nl = bl * C * HW;
  float x[B * C * HW], dy[B * C * HW], g[C], be[C], y[B * C * HW], dx[B * C * HW] = {0};
  float m[C], rs[C], rm[C], rv[C], dg[C] = {0}, db[C] = {0};
  float ys[B * C * HW], dxs[B * C * HW] = {0}, ms[C], rss[C], rms[C], rvs[C], dgs[C] = {0}, dbs[C] = {0};
  lie_rng rng;
  lie_rng_seed(&rng, 11);
  for (int i = 0; i < N; i++)
    x[i] = (float)(3 * lie_rng_normal(&rng) + 1), dy[i] = (float)lie_rng_normal(&rng);
  for (int c = 0; c < C; c++)
    g[c] = 1.0f + 0.1f * c, be[c] = 0.2f * c, rm[c] = rms[c] = 0.5f, rv[c] = rvs[c] = 2.0f;
  /* whole batch, plain layer */
  lie_nn_batchnorm_forward(y, m, rs, x, g, be, rm, rv, B, C, HW, 0.1f, 1e-5f, 1);
  lie_nn_batchnorm_backward(dx, dg, db, dy, x, m, rs, g, B, C, HW, 1);
  /* this rank's slice, synced layer */
  const float *xs = x + (size_t)r * nl, *dys = dy + (size_t)r * nl;
  LIE_TEST_CALL(
      lie_nn_batchnorm_forward_sync(ys, ms, rss, xs, g, be, rms, rvs, bl, C, HW, 0.1f, 1e-5f, mpi_sum, &comm));
  LIE_TEST_CALL(lie_nn_batchnorm_backward_sync(dxs, dgs, dbs, dys, xs, ms, rss, g, bl, C, HW, mpi_sum, &comm));
  MPI_Allreduce(MPI_IN_PLACE, dgs, C, MPI_FLOAT, MPI_SUM, comm);
  MPI_Allreduce(MPI_IN_PLACE, dbs, C, MPI_FLOAT, MPI_SUM, comm);
  LIE_TEST_LE(maxdiff(ys, y + (size_t)r * nl, nl), 1e-5, "output of the slice = whole-batch output");
  LIE_TEST_LE(lie_test_max(maxdiff(ms, m, C), maxdiff(rss, rs, C)), 1e-6, "batch mean and 1/std = whole batch's");
  LIE_TEST_LE(lie_test_max(maxdiff(rms, rm, C), maxdiff(rvs, rv, C)), 1e-6, "running statistics = whole batch's");
  LIE_TEST_LE(maxdiff(dxs, dx + (size_t)r * nl, nl), 1e-5, "input gradient of the slice");
  LIE_TEST_LE(lie_test_max(maxdiff(dgs, dg, C), maxdiff(dbs, db, C)), 1e-4, "dgamma, dbeta summed over ranks");
  if (P > 1) { /* control: the plain layer on the slice alone differs */
    float yl[B * C * HW], ml[C], rsl[C];
    lie_nn_batchnorm_forward(yl, ml, rsl, xs, g, be, NULL, NULL, bl, C, HW, 0.1f, 1e-5f, 1);
    double dmax = lie_test_allmax(maxdiff(yl, y + (size_t)r * nl, nl), comm);
    LIE_TEST_LE(1e-3, dmax, "control: unsynced slice statistics give a different output");
  }
  return lie_test_finish();
}
