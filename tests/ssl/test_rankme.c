/* RankMe and representation std on hand cases: known singular values, an exactly rank-k matrix
 * hidden behind a random rotation, a collapsed batch, isotropic Gaussian embeddings (≈ D). */
#include "lie_test.h"

#define EPS 1e-7

/* exp(entropy) of p_k = s_k/Σs + EPS, the paper's formula, for given singular values. */
static double rankme_of(const double *s, int d) {
  double s1 = 0, h = 0;
  for (int k = 0; k < d; k++)
    s1 += s[k];
  for (int k = 0; k < d; k++)
    h -= (s[k] / s1 + EPS) * log(s[k] / s1 + EPS);
  return exp(h);
}

/* Random orthogonal D×D matrix (modified Gram–Schmidt of a Gaussian matrix), row-major. */
static void random_rotation(lie_rng *r, int d, double *q) {
  for (int i = 0; i < d * d; i++)
    q[i] = lie_rng_normal(r);
  for (int i = 0; i < d; i++) {
    for (int k = 0; k < i; k++) {
      double dot = 0;
      for (int j = 0; j < d; j++)
        dot += q[i * d + j] * q[k * d + j];
      for (int j = 0; j < d; j++)
        q[i * d + j] -= dot * q[k * d + j];
    }
    double nrm = 0;
    for (int j = 0; j < d; j++)
      nrm += q[i * d + j] * q[i * d + j];
    for (int j = 0; j < d; j++)
      q[i * d + j] /= sqrt(nrm);
  }
}

static void known_singular_values(void) {
  float z[2 * 3] = {3, 0, 0, 0, 1, 0}; /* σ = (3, 1, 0) */
  double s[3] = {3, 1, 0}, rk;
  LIE_TEST_CALL(lie_rankme(2, 3, z, &rk));
  LIE_TEST_NEAR(rk, rankme_of(s, 3), 1e-10, "RankMe of diag(3,1,0) = formula");
  /* without the epsilon: exp(−0.75 ln 0.75 − 0.25 ln 0.25) */
  LIE_TEST_NEAR(rk, exp(-0.75 * log(0.75) - 0.25 * log(0.25)), 1e-5, "RankMe of diag(3,1,0) ≈ 1.75477");
}

static void rank_k(void) {
  enum { N = 60, D = 32, K = 5 };
  static float z[N * D];
  static double q[D * D], s[D];
  lie_rng r;
  lie_rng_seed(&r, 7);
  random_rotation(&r, D, q);
  /* rows e_{i mod K}·R: K orthogonal columns of equal norm, then rotated */
  for (int i = 0; i < N; i++)
    for (int j = 0; j < D; j++)
      z[i * D + j] = (float)(2.0 * q[(i % K) * D + j]);
  for (int k = 0; k < D; k++)
    s[k] = k < K ? 1 : 0;
  double rk;
  LIE_TEST_CALL(lie_rankme(N, D, z, &rk));
  LIE_TEST_NEAR(rk, rankme_of(s, D), 1e-4, "rank-5 embeddings (rotated, D=32): RankMe = 5");
}

static void collapse_and_isotropic(void) {
  enum { N = 4000, D = 32 };
  static float z[N * D];
  static double s[D];
  lie_rng r;
  lie_rng_seed(&r, 11);
  for (int i = 0; i < N; i++)
    for (int j = 0; j < D; j++)
      z[i * D + j] = (float)(0.3 + 0.1 * j); /* every row the same */
  double rk, sd;
  s[0] = 1;
  LIE_TEST_CALL(lie_rankme(N, D, z, &rk));
  LIE_TEST_NEAR(rk, rankme_of(s, D), 1e-4, "collapsed batch: RankMe = 1");
  LIE_TEST_CALL(lie_repr_std(N, D, z, &sd));
  LIE_TEST_NEAR(sd, 0.0, 1e-7, "collapsed batch: representation std = 0");
  for (int i = 0; i < N * D; i++)
    z[i] = (float)lie_rng_normal(&r);
  LIE_TEST_CALL(lie_rankme(N, D, z, &rk));
  printf("  isotropic Gaussian N=%d D=%d: RankMe %.4f\n", N, D, rk);
  LIE_TEST_TRUE(rk >= 0.99 * D && rk <= D, "isotropic Gaussian: 0.99 D <= RankMe <= D");
  LIE_TEST_CALL(lie_repr_std(N, D, z, &sd));
  LIE_TEST_NEAR(sd, 1.0, 0.02, "isotropic Gaussian: representation std ≈ 1");
}

static void repr_std_hand(void) {
  /* column 0: 1,2,3,4 (unbiased std sqrt(5/3)); column 1 constant (std 0); column 2: 0,0,0,4
   * (mean 1, squares 1+1+1+9 = 12, std 2) */
  float z[4 * 3] = {1, 5, 0, 2, 5, 0, 3, 5, 0, 4, 5, 4};
  double sd;
  LIE_TEST_CALL(lie_repr_std(4, 3, z, &sd));
  LIE_TEST_NEAR(sd, (sqrt(5.0 / 3.0) + 0 + 2) / 3, 1e-12, "representation std of a hand matrix");
}

static void errors(void) {
  float z[6] = {0};
  double rk;
  int e = lie_rankme(2, 3, z, &rk);
  printf("  message: %s\n", lie_error_message());
  LIE_TEST_TRUE(e == LIE_ERR_NUMERIC, "RankMe of an all-zero matrix is LIE_ERR_NUMERIC");
  z[1] = NAN;
  e = lie_rankme(2, 3, z, &rk);
  LIE_TEST_TRUE(e != 0, "RankMe of a matrix with NaN fails");
  e = lie_repr_std(1, 3, z, &rk);
  LIE_TEST_TRUE(e == LIE_ERR_ARG, "representation std of 1 row is rejected");
  lie_error_clear();
}

int main(int argc, char **argv) {
  PetscInitialize(&argc, &argv, NULL, NULL);
  known_singular_values();
  rank_k();
  collapse_and_isotropic();
  repr_std_hand();
  errors();
  return lie_test_finish();
}
