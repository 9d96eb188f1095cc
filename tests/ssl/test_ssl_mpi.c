/* Distributed VICReg, RankMe and representation std equal the single-process values on the
 * gathered batch, at any rank count (run with 1, 2 and 4 ranks; the global batch of 30 rows is
 * split unevenly over 4 ranks). */
#include "lie_test.h"

enum { N = 30, D = 20 };

static void make_batch(float *z, float *zp) {
  lie_rng r;
  lie_rng_seed(&r, 2024);
  for (int i = 0; i < N; i++) {
    double c = lie_rng_normal(&r);
    for (int j = 0; j < D; j++) {
      z[i * D + j] = (float)((0.2 + 0.1 * j) * (lie_rng_normal(&r) + 0.7 * c));
      zp[i * D + j] = (float)(z[i * D + j] + 0.25 * lie_rng_normal(&r));
    }
  }
}

static double maxdiff(const float *a, const float *b, int n) {
  double m = 0;
  for (int i = 0; i < n; i++)
    m = lie_test_max(m, fabs((double)a[i] - b[i]));
  return m;
}

int main(int argc, char **argv) {
  lie_ctx ctx;
  static float z[N * D], zp[N * D], dz[N * D], dzp[N * D], ldz[N * D], ldzp[N * D];
  PetscInitialize(&argc, &argv, NULL, NULL);
  LIE_TEST_CALL(lie_ctx_create(PETSC_COMM_WORLD, &ctx));
  int size = lie_ctx_size(ctx), rank = lie_ctx_rank(ctx);
  int nl = N / size + (rank < N % size), r0 = rank * (N / size) + (rank < N % size ? rank : N % size);
  make_batch(z, zp);

  lie_vicreg_opts o;
  lie_vicreg_opts_default(&o);
  lie_vicreg_terms ts, td;
  LIE_TEST_CALL(lie_vicreg_loss(&o, N, D, z, zp, &ts, dz, dzp));
  LIE_TEST_CALL(lie_vicreg_loss_dist(ctx, &o, nl, D, z + r0 * D, zp + r0 * D, &td, ldz, ldzp));
  printf("[%d/%d] rows %d..%d  loss %.17g (single %.17g) inv %.6g var %.6g cov %.6g\n", rank, size, r0, r0 + nl - 1,
         td.loss, ts.loss, td.inv, td.var, td.cov);
  LIE_TEST_NEAR(td.loss, ts.loss, 1e-12 * fabs(ts.loss), "distributed loss = single-process loss");
  LIE_TEST_NEAR(td.inv, ts.inv, 1e-12 * fabs(ts.inv), "distributed inv term");
  LIE_TEST_NEAR(td.var, ts.var, 1e-12 * fabs(ts.var), "distributed var term");
  LIE_TEST_NEAR(td.cov, ts.cov, 1e-12 * fabs(ts.cov), "distributed cov term");
  double g = 0;
  for (int i = 0; i < N * D; i++)
    g = lie_test_max(g, lie_test_max(fabs(dz[i]), fabs(dzp[i])));
  LIE_TEST_LE(maxdiff(ldz, dz + r0 * D, nl * D) / g, 1e-6, "own rows of dL/dz = single-process rows (rel. to max)");
  LIE_TEST_LE(maxdiff(ldzp, dzp + r0 * D, nl * D) / g, 1e-6, "own rows of dL/dz' = single-process rows");

  double rk, rkd, sd, sdd;
  LIE_TEST_CALL(lie_rankme(N, D, z, &rk));
  LIE_TEST_CALL(lie_rankme_dist(ctx, nl, D, z + r0 * D, &rkd));
  LIE_TEST_NEAR(rkd, rk, 1e-10 * rk, "distributed RankMe = single-process RankMe");
  LIE_TEST_CALL(lie_repr_std(N, D, z, &sd));
  LIE_TEST_CALL(lie_repr_std_dist(ctx, nl, D, z + r0 * D, &sdd));
  LIE_TEST_NEAR(sdd, sd, 1e-12 * sd, "distributed representation std = single-process");

  /* NaN on one rank is reported on every rank (no rank left waiting in a collective). */
  float save = z[r0 * D];
  if (rank == size - 1) z[r0 * D] = NAN;
  int e = lie_vicreg_loss_dist(ctx, &o, nl, D, z + r0 * D, zp + r0 * D, &td, ldz, ldzp);
  LIE_TEST_TRUE(e == LIE_ERR_NUMERIC, "NaN on the last rank: LIE_ERR_NUMERIC on every rank");
  z[r0 * D] = save;
  lie_error_clear();
  LIE_TEST_CALL(lie_ctx_destroy(&ctx));
  return lie_test_finish();
}
