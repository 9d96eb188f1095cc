/* Cost of in-situ inference calls (include/liereg/infer.h): one lie_encoder_embed call on 1
 * window (and on a batch), one lie_probe_predict call. Prints one JSON line per measurement
 * (median and min over reps, after a warm-up call). Windows are random on the checkpoint's
 * training grid (the cost does not depend on the values).
 *   bench_infer CKPT.h5 PROBE.h5 [reps 50] [threads 1] [batch 8]      (run_bench.sh makes both) */
#include "liereg/liereg.h"

#include <petscsys.h>
#include <stdlib.h>

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void report(const char *what, lie_encoder_info *in, int threads, int n, double *t, int reps) {
  qsort(t, reps, sizeof(double), cmp);
  printf("{\"bench\": \"%s\", \"pde\": \"%s\", \"model\": \"%dD width %d\", \"input\": \"%dx%d\", \"repr\": %d, "
         "\"threads\": %d, \"windows\": %d, \"reps\": %d, \"ms_median\": %.4f, \"ms_min\": %.4f}\n",
         what, in->pde, in->dims, in->width, in->crop_t, in->crop_x, in->repr, threads, n, reps, 1e3 * t[reps / 2],
         1e3 * t[0]);
  fflush(stdout);
}

int main(int argc, char **argv) {
  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  if (argc < 3) {
    fprintf(stderr, "usage: bench_infer CKPT.h5 PROBE.h5 [reps] [threads] [batch]\n");
    return 2;
  }
  int reps = argc > 3 ? atoi(argv[3]) : 50, threads = argc > 4 ? atoi(argv[4]) : 1,
      batch = argc > 5 ? atoi(argv[5]) : 8;
  lie_ctx ctx;
  lie_encoder enc, enc1; /* max_batch = batch, and 1 (a call costs a forward of max_batch windows) */
  lie_probe pr;
  lie_encoder_info in;
  lie_rng r;
  if (lie_ctx_create(PETSC_COMM_SELF, &ctx) || lie_encoder_load(ctx, argv[1], batch, &enc) ||
      lie_encoder_set_threads(enc, threads) || lie_encoder_get_info(enc, &in) || lie_probe_load(ctx, argv[2], &pr) ||
      lie_encoder_load(ctx, argv[1], 1, &enc1) || lie_encoder_set_threads(enc1, threads)) {
    fprintf(stderr, "liereg: error: %s\n", lie_error_message());
    return 1;
  }
  size_t win = (size_t)in.crop_t * in.nx;
  double *u = malloc(sizeof(double) * win * batch), *t = malloc(sizeof(double) * reps), y[64];
  float *z = malloc(sizeof(float) * in.repr * batch);
  lie_rng_seed(&r, 1);
  for (size_t k = 0; k < win * batch; k++)
    u[k] = lie_rng_normal(&r);
  int err = 0;
  for (int n = 1; n <= batch && !err; n = n == 1 ? batch : batch + 1) {
    lie_encoder e = n == 1 ? enc1 : enc;
    err |= lie_encoder_embed(e, n, in.crop_t, in.nx, u, in.dt[0], in.L[0], z); /* warm-up */
    for (int k = 0; k < reps && !err; k++) {
      double t0 = lie_wtime();
      err |= lie_encoder_embed(e, n, in.crop_t, in.nx, u, in.dt[0], in.L[0], z);
      t[k] = lie_wtime() - t0;
    }
    if (!err) report("encoder_embed", &in, threads, n, t, reps);
  }
  for (int k = 0; k < reps && !err; k++) {
    double t0 = lie_wtime();
    err |= lie_probe_predict(pr, 1, in.repr, z, y);
    t[k] = lie_wtime() - t0;
  }
  if (!err) report("probe_predict", &in, threads, 1, t, reps);
  if (err) fprintf(stderr, "liereg: error: %s\n", lie_error_message());
  lie_probe_destroy(&pr), lie_encoder_destroy(&enc), lie_encoder_destroy(&enc1), lie_ctx_destroy(&ctx);
  free(u), free(t), free(z);
  PetscCall(PetscFinalize());
  return err ? 1 : 0;
}
