/* Cost of view construction, in CPU time of this thread (a loaded, shared machine inflates it
 * less than wall time): the HDF5 read of a trajectory (once per sample, as in training) and a
 * whole view as the pretrainer builds it (copy to a field, transform with its resampling and
 * crop, normalisation to fp32). Default group and strengths of the PDE; one JSON line. The
 * split inside a view comes from `perf record` on this program (docs/BENCHMARKS.md).
 * usage: bench_views FILE.h5 PDE grid|coords CROP_T CROP_X [VIEWS]   (CROP_X ignored for NS) */
#include "liereg/liereg.h"

#include <petscsys.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double cpu(void) {
  struct timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

typedef struct {
  double read, view;
} stages;

int main(int argc, char **argv) {
  if (argc < 6) {
    fprintf(stderr, "usage: bench_views FILE.h5 PDE grid|coords CROP_T CROP_X [VIEWS]\n");
    return 2;
  }
  PetscInitialize(&argc, &argv, NULL, NULL);
  lie_ctx ctx;
  lie_ssl_data d;
  lie_aug_opts aug;
  lie_ssl_model_opts m;
  lie_pde pde = LIE_PDE_KS;
  int views = argc > 6 ? atoi(argv[6]) : 64, n, err = lie_ctx_create(PETSC_COMM_WORLD, &ctx);
  if (!err) err = lie_pde_from_name(argv[2], &pde);
  if (!err) err = lie_aug_opts_default(pde, &aug);
  if (!err) err = lie_aug_mode_from_name(argv[3], &aug.mode);
  aug.crop_t = atoi(argv[4]), aug.crop_x = pde == LIE_PDE_NS ? 0 : atoi(argv[5]);
  if (!err) err = lie_ssl_data_open(ctx, argv[1], NULL, NULL, &d);
  if (!err) err = lie_ssl_data_model_opts(d, &aug, pde == LIE_PDE_NS ? 2 : 1, 64, &m);
  if (!err) err = lie_ssl_data_sizes(d, &n, NULL, NULL);
  int C, H, W;
  if (!err) err = lie_ssl_model_input_shape(&m, &C, &H, &W);
  float *x = err ? NULL : malloc((size_t)C * H * W * sizeof(float));
  stages st = {0};
  for (int k = 0; k < views && !err && x; k += 2) { /* two views per read, as in training */
    double t0 = cpu();
    err = lie_ssl_data_load(d, (k / 2) % n);
    double t1 = cpu();
    for (int v = 0; v < 2 && !err; v++)
      err = lie_ssl_data_view(d, &aug, &m, (uint64_t)(k + v), (k / 2) % n, x);
    double t2 = cpu();
    st.read += t1 - t0, st.view += t2 - t1;
  }
  if (err) {
    fprintf(stderr, "bench_views: %s\n", lie_error_message());
    PetscFinalize();
    return 1;
  }
  printf("{\"bench\":\"views\",\"pde\":\"%s\",\"mode\":\"%s\",\"input\":\"%dx%dx%d\",\"views\":%d,"
         "\"read_ms_per_traj\":%.4f,\"view_ms\":%.4f,\"batch32_ms\":%.3f}\n",
         argv[2], argv[3], C, H, W, views, 1e3 * st.read / (views / 2), 1e3 * st.view / views,
         1e3 * (st.read / (views / 2) * 32 + st.view / views * 64));
  free(x);
  lie_ssl_data_close(&d);
  lie_ctx_destroy(&ctx);
  PetscFinalize();
  return 0;
}
