/* Shared by the pretraining tests: a small synthetic 1D dataset (travelling waves, periodic
 * in x, with per-trajectory parameters) and a tiny model configuration that trains in
 * seconds on the reference backend. */
#ifndef LIE_PRETRAIN_TESTLIB_H
#define LIE_PRETRAIN_TESTLIB_H
#include <math.h>
#include <string.h>

#include "lie_test.h"

/* u_i(x,t) = sum_k a_k sin(2 pi l_k x / L + phi_k - w_k t), parameters from (seed, i). */
static int lie_test_write_waves_split(lie_ctx ctx, const char *path, lie_split split, int n, int nt, int nx,
                                      uint64_t seed) {
  lie_writer1d w;
  int size = lie_ctx_size(ctx), rank = lie_ctx_rank(ctx);
  LIE_CALL(lie_writer1d_create(ctx, path, split, LIE_PDE_KS, n, nt, nx, 3, &w));
  for (int r = 0; r < lie_writer1d_rounds(w); r++) {
    int i = r * size + rank;
    if (i < n) {
      double *u, *t, *x, om[3];
      lie_rng rng;
      lie_rng_seed(&rng, lie_seed_derive(seed, 0, (uint64_t)i));
      lie_traj1d p = {.L = 64.0, .T = 0.5 * (nt - 1), .nwaves = 3, .seed = lie_seed_derive(seed, 0, (uint64_t)i)};
      for (int k = 0; k < 3; k++) {
        p.amp[k] = lie_rng_range(&rng, 0.2, 1.0);
        p.phase[k] = lie_rng_range(&rng, 0, 2 * M_PI);
        p.l[k] = lie_rng_int(&rng, 1, 4);
        om[k] = lie_rng_range(&rng, -1.0, 1.0);
      }
      LIE_CALL(lie_writer1d_slot(w, r, &u, &t, &x));
      for (int k = 0; k < nt; k++)
        t[k] = 0.5 * k;
      for (int j = 0; j < nx; j++)
        x[j] = p.L * j / nx;
      for (int k = 0; k < nt; k++)
        for (int j = 0; j < nx; j++) {
          double s = 0;
          for (int q = 0; q < 3; q++)
            s += p.amp[q] * sin(2 * M_PI * p.l[q] * x[j] / p.L + p.phase[q] - om[q] * t[k]);
          u[k * nx + j] = s;
        }
      LIE_CALL(lie_writer1d_set(w, r, &p, 0.5, 1));
    }
    LIE_CALL(lie_writer1d_flush(w, r, r == lie_writer1d_rounds(w) - 1));
  }
  LIE_CALL(lie_writer1d_destroy(&w));
  return LIE_OK;
}

static int lie_test_write_waves(lie_ctx ctx, const char *path, int n, int nt, int nx, uint64_t seed) {
  return lie_test_write_waves_split(ctx, path, LIE_SPLIT_TRAIN, n, nt, nx, seed);
}

/* Width-4 ResNet-18 on 8 x 32 crops, 16-16-16 expander, global batch 8, reference backend. */
static void lie_test_tiny_opts(lie_pretrain_opts *c, const char *data, const char *out) {
  lie_pretrain_opts_default(c);
  snprintf(c->data, sizeof c->data, "%s", data);
  snprintf(c->out, sizeof c->out, "%s", out);
  c->pde = LIE_PDE_KS;
  c->dims = 2;
  c->width = 4;
  c->nexpander = 3;
  c->expander[0] = c->expander[1] = c->expander[2] = 16;
  c->backend = LIE_NN_BACKEND_REF;
  c->threads = 1;
  c->batch = 8;
  c->epochs = 4;
  c->lr = 1e-3;
  c->warmup = 2;
  c->seed = 7;
  c->progress_every = 0;
  c->min_rankme = 0.0;
  lie_aug_opts_default(LIE_PDE_KS, &c->aug);
  c->aug.crop_t = 8;
  c->aug.crop_x = 32;
}

static double lie_test_max_rel(const double *a, const double *b, long n) {
  double m = 0;
  for (long i = 0; i < n; i++)
    m = lie_test_max(m, fabs(a[i] - b[i]) / lie_test_max(fabs(b[i]), 1e-30));
  return m;
}
#endif
