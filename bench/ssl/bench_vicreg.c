/* Cost of the SSL/eval numerics per call: VICReg loss forward+backward (fp32 in, double
 * accumulation), RankMe, and the CV ridge probe. Prints one JSON line per measurement.
 * usage: bench_vicreg [N D reps]   (compare: bench/ssl/vicreg_torch.py N D reps) */
#include "liereg/liereg.h"

#include <petscsys.h>
#include <stdlib.h>

static void fill(lie_rng *r, size_t n, float *z) {
  for (size_t i = 0; i < n; i++)
    z[i] = (float)lie_rng_normal(r);
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 256, d = argc > 2 ? atoi(argv[2]) : 512, reps = argc > 3 ? atoi(argv[3]) : 20;
  PetscInitialize(&argc, &argv, NULL, NULL);
  float *z = malloc(sizeof(float) * 4 * n * d), *zp = z + n * d, *dz = zp + n * d, *dzp = dz + n * d;
  lie_rng r;
  lie_rng_seed(&r, 1);
  fill(&r, 2 * (size_t)n * d, z);
  lie_vicreg_opts o;
  lie_vicreg_opts_default(&o);
  lie_vicreg_terms t;
  double t0, rk;
  int err = 0;
  err |= lie_vicreg_loss(&o, n, d, z, zp, &t, dz, dzp); /* warm-up */
  t0 = lie_wtime();
  for (int k = 0; k < reps; k++)
    err |= lie_vicreg_loss(&o, n, d, z, zp, &t, dz, dzp);
  printf("{\"bench\": \"vicreg_fwd_bwd\", \"impl\": \"liereg\", \"N\": %d, \"D\": %d, \"ms\": %.3f, \"loss\": %.6f}\n",
         n, d, 1e3 * (lie_wtime() - t0) / reps, t.loss);
  t0 = lie_wtime();
  for (int k = 0; k < reps; k++)
    err |= lie_vicreg_loss(&o, n, d, z, zp, &t, NULL, NULL);
  printf("{\"bench\": \"vicreg_fwd\", \"impl\": \"liereg\", \"N\": %d, \"D\": %d, \"ms\": %.3f}\n", n, d,
         1e3 * (lie_wtime() - t0) / reps);
  t0 = lie_wtime();
  for (int k = 0; k < reps; k++)
    err |= lie_rankme(n, d, z, &rk);
  printf("{\"bench\": \"rankme\", \"impl\": \"liereg\", \"N\": %d, \"D\": %d, \"ms\": %.3f, \"rankme\": %.3f}\n", n, d,
         1e3 * (lie_wtime() - t0) / reps, rk);

  /* probe at paper scale: 1D datasets have ~2000 labelled trajectories, D = 512, 5-fold CV
   * over 25 lambdas, 2 targets */
  int np = 2048, m = 2;
  double *X = malloc(sizeof(double) * np * d), *Y = malloc(sizeof(double) * np * m), lam;
  for (int i = 0; i < np * d; i++)
    X[i] = lie_rng_normal(&r);
  for (int i = 0; i < np * m; i++)
    Y[i] = X[i % (np * d)] + lie_rng_normal(&r);
  lie_mat mx = {np, d, X}, my = {np, m, Y};
  lie_ridge_cv_opts co;
  lie_ridge_cv_opts_default(&co);
  lie_ridge model;
  t0 = lie_wtime();
  err |= lie_ridge_cv(&mx, &my, &co, &lam, NULL, &model);
  printf("{\"bench\": \"ridge_cv\", \"impl\": \"liereg\", \"n\": %d, \"D\": %d, \"targets\": %d, \"folds\": %d, "
         "\"lambdas\": %d, \"s\": %.3f}\n",
         np, d, m, co.folds, co.lambda_num, lie_wtime() - t0);
  lie_ridge_destroy(&model);
  if (err) lie_error_print(stderr, 0, 0, 1);
  free(z), free(X), free(Y);
  PetscFinalize();
  return err ? 1 : 0;
}
