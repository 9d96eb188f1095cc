/* Load balance of 1D generation (lie_generate1d_plan, lie_solver1d_cost):
 *  - the plan on known costs: every job gets one rank, slot caps hold, and one long job
 *    against many short ones balances exactly where round-robin cannot;
 *  - Burgers at the default nu range: predicted costs spread by > 5x (the case round-robin
 *    handles badly), and the plan's largest rank load is within 5 % of the ideal (sum / ranks)
 *    for 64 trajectories over 2 and 4 ranks. No solves: costs are predictions. */
#include "lie_test.h"
#include "solver_testlib.h"

static double makespan(const double *cost, const int *owner, int m, int size) {
  double load[16] = {0}, mx = 0;
  for (int i = 0; i < m; i++)
    load[owner[i]] += cost[i];
  for (int r = 0; r < size; r++)
    mx = lie_test_max(mx, load[r]);
  return mx;
}

static void known_costs(void) {
  enum { M = 11 };
  double cost[M] = {1, 1, 1, 1, 1, 10, 1, 1, 1, 1, 1};
  int owner[M], rr[M], counts[2] = {0, 0}, valid = 1;
  LIE_TEST_CALL(lie_generate1d_plan(cost, M, 2, M, owner));
  for (int i = 0; i < M; i++) {
    valid &= owner[i] == 0 || owner[i] == 1;
    rr[i] = i % 2;
  }
  LIE_TEST_TRUE(valid, "plan: every job has a rank in [0, 2)");
  LIE_TEST_NEAR(makespan(cost, owner, M, 2), 10.0, 0.0, "plan: 10 + ten 1s over 2 ranks -> largest load 10");
  LIE_TEST_LE(14.0, makespan(cost, rr, M, 2), "round-robin on the same jobs: largest load >= 14 (what the plan fixes)");
  LIE_TEST_CALL(lie_generate1d_plan(cost, M, 2, 6, owner));
  for (int i = 0; i < M; i++)
    counts[owner[i]]++;
  LIE_TEST_TRUE(counts[0] <= 6 && counts[1] <= 6, "plan with cap 6: no rank holds more than 6 jobs");
  LIE_TEST_TRUE(lie_generate1d_plan(cost, M, 2, 5, owner) != 0, "plan: 11 jobs into 2 x 5 slots is refused");
}

static void burgers_costs(lie_ctx ctx) {
  enum { M = 64 };
  lie_solver1d s = make(ctx, LIE_PDE_BURGERS);
  double cost[M], lo = 0, hi = 0, sum = 0;
  int owner[M], rr[M];
  for (int i = 0; i < M; i++) {
    lie_traj1d p;
    LIE_TEST_CALL(lie_solver1d_sample(s, lie_seed_derive(1, LIE_SPLIT_TRAIN, (uint64_t)i), &p));
    LIE_TEST_CALL(lie_solver1d_cost(s, &p, &cost[i]));
    lo = i ? fmin(lo, cost[i]) : cost[i];
    hi = lie_test_max(hi, cost[i]);
    sum += cost[i];
  }
  LIE_TEST_LE(5.0, hi / lo, "Burgers: predicted costs (nu log-uniform in [0.01, 0.1]) spread by more than 5x");
  for (int size = 2; size <= 4; size *= 2) {
    char what[128];
    LIE_TEST_CALL(lie_generate1d_plan(cost, M, size, M, owner));
    for (int i = 0; i < M; i++)
      rr[i] = i % size;
    snprintf(what, sizeof what, "Burgers, %d ranks: plan's largest load / ideal (round-robin: %.3f)", size,
             makespan(cost, rr, M, size) / (sum / size));
    LIE_TEST_LE(makespan(cost, owner, M, size) / (sum / size), 1.05, what);
  }
  lie_solver1d_destroy(&s);
}

int main(int argc, char **argv) {
  lie_ctx ctx;
  PetscInitialize(&argc, &argv, NULL, NULL);
  LIE_TEST_CALL(lie_ctx_create(PETSC_COMM_SELF, &ctx));
  known_costs();
  burgers_costs(ctx);
  lie_ctx_destroy(&ctx);
  return lie_test_finish();
}
