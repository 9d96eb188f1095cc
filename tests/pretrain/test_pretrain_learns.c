/* A real (short) training run, not a mock: width-8 ResNet-18 + expander trained with VICReg on
 * Lie-augmented views of travelling-wave trajectories for 10 epochs (40 steps, the paper's
 * loss coefficients). The mean loss of the last 3 epochs must be clearly below that of the
 * first (deterministic: reference backend, 1 thread; measured 22.49 -> 20.86, bound 21.36),
 * and the representations must not collapse (RankMe of the last epoch 14.4 of 64, bound 8;
 * representation std > 0). Synthetic waves, not KS solutions: generating KS data takes
 * minutes, too long for the quick suite. */
#include <unistd.h>

#include "pretrain_testlib.h"

int main(int argc, char **argv) {
  lie_ctx ctx;
  lie_pretrain p;
  lie_pretrain_opts c;
  lie_pretrain_result res;
  PetscInitialize(&argc, &argv, NULL, NULL);
  LIE_TEST_CALL(lie_ctx_create(PETSC_COMM_WORLD, &ctx));
  LIE_TEST_CALL(lie_test_write_waves(ctx, "learns_data.h5", 64, 20, 64, 9));
  lie_test_tiny_opts(&c, "learns_data.h5", "learns_ckpt.h5");
  c.width = 8;
  c.batch = 16;
  c.epochs = 10;
  c.lr = 1e-2;
  c.warmup = 4;
  c.min_rankme = 1.1; /* the real collapse guard is on */
  LIE_TEST_CALL(lie_pretrain_create(ctx, &c, &p));
  LIE_TEST_CALL(lie_pretrain_run(p, &res));
  const int spe = 4;
  double first = 0, last = 0;
  for (int s = 0; s < spe; s++)
    first += res.loss[s] / spe;
  for (int s = 0; s < 3 * spe; s++)
    last += res.loss[res.steps_run - 3 * spe + s] / (3 * spe);
  if (lie_ctx_rank(ctx) == 0) {
    printf("     %ld steps, loss first epoch %.4f -> last 3 epochs %.4f, RankMe %.2f of 64, repr std %.4f, %.1f "
           "samples/s\n",
           res.steps_run, first, last, res.rankme, res.repr_std, res.samples_per_s);
    LIE_TEST_TRUE(res.status == LIE_PRETRAIN_DONE && res.steps_run == 40, "ran all 10 epochs (40 steps)");
    LIE_TEST_LE(last, 0.95 * first, "mean loss of the last 3 epochs below 0.95 x the first epoch's");
    LIE_TEST_LE(8.0, res.rankme, "RankMe of the representations well above 1 (no collapse)");
    LIE_TEST_LE(1e-3, res.repr_std, "representation std > 0");
  }
  MPI_Barrier(PETSC_COMM_WORLD);
  if (lie_ctx_rank(ctx) == 0) unlink("learns_data.h5"), unlink("learns_ckpt.h5");
  lie_ctx_destroy(&ctx);
  return lie_test_finish();
}
