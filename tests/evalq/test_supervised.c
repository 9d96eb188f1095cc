/* Supervised baseline: the labelled subset is the probe's, the train/validation split is a
 * partition; on an easy synthetic target (the amplitude of a travelling wave, visible in every
 * frame) training lowers the loss and beats predicting the mean on the test split; bad input
 * gives clear usage errors. Runs on 1 and 2 ranks. */
#include "lie_test.h"
#include "liereg/liereg.h"

#include <math.h>
#include <string.h>

#include <stdlib.h>

static void test_split(void) {
  int idx[40], nv;
  LIE_TEST_CALL(lie_sup_split(100, 40, 3, 0.2, 1, idx, &nv));
  LIE_TEST_TRUE(nv == 8, "validation is round(0.2 * 40) = 8 rows");
  /* the labelled rows are exactly those lie_probe_run picks with -probe_subset_seed 3 */
  int all[100], seen[100] = {0};
  lie_rng r;
  for (int i = 0; i < 100; i++)
    all[i] = i;
  lie_rng_seed(&r, 3);
  for (int i = 0; i < 40; i++) {
    int j = lie_rng_int(&r, i, 100), t = all[i];
    all[i] = all[j], all[j] = t;
  }
  for (int i = 0; i < 40; i++)
    seen[all[i]]++;
  int ok = 1;
  for (int i = 0; i < 40; i++)
    ok &= idx[i] >= 0 && idx[i] < 100 && seen[idx[i]]-- == 1;
  LIE_TEST_TRUE(ok, "labelled subset = the probe's subset, each row once (train and validation disjoint)");
  LIE_TEST_TRUE(lie_sup_split(100, 3, 1, 0.2, 1, idx, &nv) == LIE_ERR_USAGE, "3 labels: too few for a split");
  lie_error_clear();
}

/* u_i(x,t) = a_i sin(2 pi x / L + phi_i - w_i t): target ic_mode = a_i, the wave's amplitude,
 * visible in every frame of every crop (an easy target for a CNN). */
static int write_one_wave(lie_ctx ctx, const char *path, int n, int nt, int nx, uint64_t seed) {
  lie_writer1d w;
  int size = lie_ctx_size(ctx), rank = lie_ctx_rank(ctx);
  LIE_CALL(lie_writer1d_create(ctx, path, LIE_SPLIT_TRAIN, LIE_PDE_KS, n, nt, nx, 1, &w));
  for (int r = 0; r < lie_writer1d_rounds(w); r++) {
    int i = r * size + rank;
    if (i < n) {
      double *u, *t, *x;
      lie_rng rng;
      lie_rng_seed(&rng, lie_seed_derive(seed, 0, (uint64_t)i));
      lie_traj1d p = {.L = 64.0, .T = 0.5 * (nt - 1), .nwaves = 1, .seed = lie_seed_derive(seed, 0, (uint64_t)i)};
      p.amp[0] = lie_rng_range(&rng, 0.2, 1.0), p.phase[0] = lie_rng_range(&rng, 0, 2 * M_PI), p.l[0] = 1;
      double om = lie_rng_range(&rng, -1.0, 1.0);
      LIE_CALL(lie_writer1d_slot(w, r, &u, &t, &x));
      for (int k = 0; k < nt; k++)
        t[k] = 0.5 * k;
      for (int j = 0; j < nx; j++)
        x[j] = p.L * j / nx;
      for (int k = 0; k < nt; k++)
        for (int j = 0; j < nx; j++)
          u[k * nx + j] = p.amp[0] * sin(2 * M_PI * x[j] / p.L + p.phase[0] - om * t[k]);
      LIE_CALL(lie_writer1d_set(w, r, &p, 0.5, 1));
    }
    LIE_CALL(lie_writer1d_flush(w, r, r == lie_writer1d_rounds(w) - 1));
  }
  LIE_CALL(lie_writer1d_destroy(&w));
  return LIE_OK;
}

static void tiny_cfg(lie_sup_opts *c, const char *train, const char *test) {
  lie_sup_opts_default(c);
  snprintf(c->train, sizeof c->train, "%s", train);
  snprintf(c->test, sizeof c->test, "%s", test);
  snprintf(c->test_mode, sizeof c->test_mode, "train"); /* the synthetic files have one group */
  snprintf(c->target, sizeof c->target, "ic_mode");
  c->pde = LIE_PDE_KS;
  c->dims = 1, c->width = 4, c->backend = LIE_NN_BACKEND_REF, c->threads = 1;
  lie_aug_opts_default(LIE_PDE_KS, &c->aug);
  c->aug.crop_t = 8, c->aug.crop_x = 32;
  c->nlr = 1, c->lr[0] = 3e-3;
  c->epochs = 10, c->patience = 10, c->batch = 16, c->nboot = 200, c->seed = 5;
}

int main(int argc, char **argv) {
  lie_ctx ctx;
  PetscInitialize(&argc, &argv, NULL, NULL);
  LIE_TEST_CALL(lie_ctx_create(PETSC_COMM_WORLD, &ctx));
  lie_ctx_set_verbosity(ctx, 0);
  test_split();
  const char *dir = argc > 1 ? argv[1] : ".";
  char train[512], test[512];
  snprintf(train, sizeof train, "%s/sup_train_np%d.h5", dir, lie_ctx_size(ctx));
  snprintf(test, sizeof test, "%s/sup_test_np%d.h5", dir, lie_ctx_size(ctx));
  LIE_TEST_CALL(write_one_wave(ctx, train, 96, 16, 32, 11));
  LIE_TEST_CALL(write_one_wave(ctx, test, 48, 16, 32, 12));

  lie_sup_opts c;
  lie_sup_result r;
  tiny_cfg(&c, train, test);
  double t0 = lie_wtime();
  LIE_TEST_CALL(lie_sup_run(ctx, &c, &r));
  if (lie_ctx_rank(ctx) == 0)
    printf("supervised on waves (%d ranks): test NMSE %.4f ± %.3f, valid %.4f, loss %.4f -> %.4f, epoch %d, %.1f s\n",
           lie_ctx_size(ctx), r.value, r.boot_std, r.valid_value, r.first_loss, r.last_loss, r.best_epoch,
           lie_wtime() - t0);
  LIE_TEST_TRUE(r.metric == LIE_METRIC_NMSE && r.m == 1 && r.ntest == 48 && r.ntrain == 96, "result shape");
  LIE_TEST_LE(r.last_loss, 0.7 * r.first_loss, "training loss decreases (last epoch <= 0.7 x first)");
  LIE_TEST_LE(r.value, 0.7, "test NMSE well below 1 (= predicting the test mean)");
  LIE_TEST_TRUE(r.best_epoch >= 1 && r.best_epoch <= c.epochs && r.best_lr == 3e-3, "selection recorded");
  lie_sup_result_free(&r);

  /* bad input */
  tiny_cfg(&c, train, test);
  snprintf(c.target, sizeof c.target, "buo_y");
  LIE_TEST_TRUE(lie_sup_run(ctx, &c, &r) == LIE_ERR_USAGE, "target missing from the file: usage error");
  LIE_TEST_TRUE(strstr(lie_error_message(), "buo_y") != NULL, "the message names the missing dataset");
  lie_error_clear();
  tiny_cfg(&c, train, test);
  c.ntrain = 3;
  LIE_TEST_TRUE(lie_sup_run(ctx, &c, &r) == LIE_ERR_USAGE, "3 labelled trajectories: usage error");
  LIE_TEST_TRUE(strstr(lie_error_message(), "too few labelled") != NULL, "message says too few");
  lie_error_clear();
  tiny_cfg(&c, train, test);
  c.ntrain = 500;
  LIE_TEST_TRUE(lie_sup_run(ctx, &c, &r) == LIE_ERR_USAGE, "more labels than trajectories: usage error");
  lie_error_clear();
  tiny_cfg(&c, train, test);
  c.aug.crop_x = 64;
  LIE_TEST_TRUE(lie_sup_run(ctx, &c, &r) == LIE_ERR_USAGE, "crop larger than the data: usage error");
  lie_error_clear();
  lie_ctx_destroy(&ctx);
  int rc = lie_test_finish();
  PetscFinalize();
  return rc;
}
