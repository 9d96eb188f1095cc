/* Views per second on one core: KS samples 128 x 256 (from 140-frame trajectories) and NS
 * samples 16 x 128 x 128 (from 56-frame trajectories), default groups and strengths,
 * Strang splitting with 2 steps, grid and coords modes. Prints one JSON line per case.
 *   bench_augment [-seconds S] */
#include <math.h>
#include <petscsys.h>
#include <stdio.h>

#include "liereg/liereg.h"

static double bench1d(lie_aug_mode mode, double seconds, int *views) {
  lie_field1d f, v;
  lie_aug_opts cfg;
  lie_field1d_alloc(140, 256, 0, &f);
  lie_field1d_set_grid(&f, 64, 0, 0.2);
  for (int n = 0; n < 140; n++)
    for (int j = 0; j < 256; j++)
      f.u[n * 256 + j] = sin(2 * M_PI * j / 256 * 3 + 0.01 * n) + 0.3 * cos(2 * M_PI * j / 256 * 7);
  lie_aug_opts_default(LIE_PDE_KS, &cfg);
  cfg.mode = mode, cfg.crop_t = 128;
  double t0 = lie_wtime();
  int k = 0;
  while (lie_wtime() - t0 < seconds) {
    if (lie_aug_view1d(&cfg, (uint64_t)k, &f, &v)) return -1;
    lie_field1d_free(&v);
    k++;
  }
  *views = k;
  double el = lie_wtime() - t0;
  lie_field1d_free(&f);
  return el;
}

static double bench_ns(lie_aug_mode mode, int rotate, double seconds, int *views) {
  lie_field_ns f, v;
  lie_aug_opts cfg;
  lie_field_ns_alloc(56, 128, 128, 0, 0, &f);
  lie_field_ns_set_grid(&f, 32, 32, 12, 1.5);
  for (size_t k = 0; k < (size_t)56 * 128 * 128; k++)
    f.u[k] = sin(0.001 * k), f.vx[k] = cos(0.002 * k), f.vy[k] = sin(0.003 * k);
  lie_aug_opts_default(LIE_PDE_NS, &cfg);
  if (!rotate) /* the box breaks rotation: without it every frame is a Fourier shift */
    for (int i = 0; i < cfg.ngen; i++)
      if (cfg.gens[i] == LIE_AUG_ROTATE) cfg.strength[i] = 0;
  cfg.mode = mode, cfg.crop_t = 16;
  double t0 = lie_wtime();
  int k = 0;
  while (lie_wtime() - t0 < seconds) {
    if (lie_aug_view_ns(&cfg, (uint64_t)k, &f, &v)) return -1;
    lie_field_ns_free(&v);
    k++;
  }
  *views = k;
  double el = lie_wtime() - t0;
  lie_field_ns_free(&f);
  return el;
}

int main(int argc, char **argv) {
  PetscInitialize(&argc, &argv, NULL, NULL);
  PetscReal seconds = 3;
  PetscOptionsGetReal(NULL, NULL, "-seconds", &seconds, NULL);
  int n;
  for (int m = 0; m < 2; m++) {
    double el = bench1d((lie_aug_mode)m, seconds, &n);
    printf("{\"bench\":\"augment_view\",\"pde\":\"ks\",\"shape\":[128,256],\"mode\":\"%s\",\"gens\":3,\"views\":%d,"
           "\"seconds\":%.3f,\"views_per_s\":%.1f,\"ms_per_view\":%.3f}\n",
           lie_aug_mode_name((lie_aug_mode)m), n, el, n / el, 1e3 * el / n);
  }
  for (int m = 0; m < 2; m++)
    for (int rot = 0; rot < 2; rot++) {
      double el = bench_ns((lie_aug_mode)m, rot, seconds, &n);
      printf("{\"bench\":\"augment_view\",\"pde\":\"ns\",\"shape\":[16,128,128],\"mode\":\"%s\",\"rotation\":%s,"
             "\"gens\":%d,\"views\":%d,\"seconds\":%.3f,\"views_per_s\":%.2f,\"ms_per_view\":%.2f}\n",
             lie_aug_mode_name((lie_aug_mode)m), rot ? "true" : "false", rot ? 9 : 8, n, el, n / el, 1e3 * el / n);
    }
  PetscFinalize();
  return 0;
}
