/* Time-stepping pieces that do not need a network: training windows and start times,
 * rollout windows, the lr schedule, the per-frame NMSE and the bootstrap. */
#include "lie_test.h"
#include "liereg/liereg.h"

#include <math.h>
#include <string.h>

static void test_windows(void) {
  /* LPSDA at nt 140, H = F = 20: training starts 0..100, rollout inputs at 20, 40, .., 100 */
  LIE_TEST_TRUE(lie_step_num_starts(140, 20, 20, 1) == 101, "101 training start times at nt 140, H = F = 20");
  LIE_TEST_TRUE(lie_step_num_starts(140, 20, 20, 20) == 6, "stride 20: starts 0, 20, .., 100");
  LIE_TEST_TRUE(lie_step_num_starts(39, 20, 20, 1) == 0, "39 frames: too short for H + F = 40");
  LIE_TEST_TRUE(lie_step_num_starts(40, 20, 20, 1) == 1, "40 frames: exactly one window");
  LIE_TEST_TRUE(lie_step_num_windows(140, 20, 20, 20) == 5, "rollout from frame 20: 5 calls (100 frames predicted)");
  LIE_TEST_TRUE(lie_step_num_windows(140, 20, 20, 0) == 6, "rollout from frame 0: 6 calls");
  LIE_TEST_TRUE(lie_step_num_windows(59, 20, 20, 20) == 0, "59 frames: no rollout from frame 20");
  LIE_TEST_TRUE(lie_step_num_windows(48, 8, 8, 8) == 4, "48 frames, H = F = 8 from 8: 4 calls");
}

static void test_starts(void) {
  int hist[101] = {0}, same = 1, in = 1;
  for (long s = 0; s < 101 * 200; s++) {
    int t = lie_step_start_time(7, 3, 1, s, 101, 1);
    in &= t >= 0 && t <= 100;
    if (t >= 0 && t <= 100) hist[t]++;
    same &= t == lie_step_start_time(7, 3, 1, s, 101, 1);
  }
  LIE_TEST_TRUE(in, "start times in [0, 100]");
  LIE_TEST_TRUE(same, "start time is a pure function of (seed, epoch, pass, slot)");
  int lo = hist[0], hi = hist[0];
  for (int t = 1; t < 101; t++)
    lo = hist[t] < lo ? hist[t] : lo, hi = hist[t] > hi ? hist[t] : hi;
  LIE_TEST_TRUE(lo > 120 && hi < 290, "every start drawn about 200 times in 20200 draws (uniform)");
  printf("     (min %d, max %d draws per start)\n", lo, hi);
  int diff = 0;
  for (long s = 0; s < 64; s++)
    diff += lie_step_start_time(7, 3, 1, s, 101, 1) != lie_step_start_time(7, 4, 1, s, 101, 1);
  LIE_TEST_TRUE(diff > 50, "another epoch draws other start times");
  LIE_TEST_TRUE(lie_step_start_time(7, 0, 0, 5, 6, 20) % 20 == 0, "stride 20: start times are multiples of 20");
}

static void test_lr(void) {
  lie_step_opts c;
  lie_step_opts_default(&c);
  LIE_TEST_NEAR(lie_step_lr(&c, 0), 1e-4, 1e-18, "lr epoch 0");
  LIE_TEST_NEAR(lie_step_lr(&c, 4), 1e-4, 1e-18, "lr epoch 4");
  LIE_TEST_NEAR(lie_step_lr(&c, 5), 4e-5, 1e-18, "lr epoch 5 (x0.4)");
  LIE_TEST_NEAR(lie_step_lr(&c, 10), 1.6e-5, 1e-18, "lr epoch 10 (x0.4^2)");
  LIE_TEST_NEAR(lie_step_lr(&c, 19), 6.4e-6, 1e-18, "lr epoch 19 (x0.4^3)");
  LIE_TEST_TRUE(c.history == 20 && c.future == 20 && c.epochs == 20 && c.batch == 16, "LPSDA defaults 20/20/20/16");
}

static void test_errors(void) {
  float u[4] = {1, -1, 2, 0}, p[4] = {1, 0, 2, 1};
  double nmse, mse;
  lie_step_frame_errors(p, u, 4, &nmse, &mse);
  LIE_TEST_NEAR(mse, 0.5, 1e-15, "mse = mean_x err^2 = 2/4");
  LIE_TEST_NEAR(nmse, 2.0 / 6.0, 1e-15, "nmse = sum err^2 / sum u^2 = 2/6");
  p[1] = NAN;
  lie_step_frame_errors(p, u, 4, &nmse, &mse);
  LIE_TEST_TRUE(!isfinite(nmse) && !isfinite(mse), "a NaN prediction gives a non-finite NMSE (caught by the rollout)");
}

static void test_bootstrap(void) {
  double v[5] = {2, 2, 2, 2, 2}, w[200], mean, std;
  LIE_TEST_CALL(lie_step_bootstrap(v, 5, 64, 1, &mean, &std));
  LIE_TEST_NEAR(mean, 2.0, 1e-15, "bootstrap mean of a constant");
  LIE_TEST_NEAR(std, 0.0, 1e-15, "bootstrap std of a constant");
  for (int i = 0; i < 200; i++)
    w[i] = i % 2; /* mean 0.5, population std 0.5: std of the mean ~ 0.5/sqrt(200) = 0.035 */
  LIE_TEST_CALL(lie_step_bootstrap(w, 200, 2000, 3, &mean, &std));
  LIE_TEST_NEAR(mean, 0.5, 0.01, "bootstrap mean");
  LIE_TEST_NEAR(std, 0.5 / sqrt(200.0), 0.004, "bootstrap std = std of the mean");
}

int main(int argc, char **argv) {
  PetscInitialize(&argc, &argv, NULL, NULL);
  test_windows();
  test_starts();
  test_lr();
  test_errors();
  test_bootstrap();
  return lie_test_finish();
}
